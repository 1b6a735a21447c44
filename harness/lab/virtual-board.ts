import { join } from 'node:path';
import { qemuVirtArm64 } from '../../boards/qemu-virt-arm64.ts';
import { SerialTransport } from '../console/serial-transport.ts';
import { VirtualCable } from '../console/virtual-cable.ts';
import { dumpDeviceTree, type QemuMachineOptions } from '../power/qemu-machine.ts';
import { QemuPower } from '../power/qemu-power.ts';
import { freeLoopbackPort } from '../util/free-port.ts';
import { VirtualLan } from '../virtual-lan/virtual-lan.ts';
import type { BoardInstance } from './board-instance.ts';
import type { BoardProfile } from './board-profile.ts';
import { profileLimits } from './limits.ts';

export interface VirtualBoardOptions extends QemuMachineOptions {
  /**
   * Host forwards of the second NIC (QEMU user network). Default: SSH to dom0, a free port of
   * 127.0.0.1 forwarded to port 22. `[]`: no second NIC.
   */
  hostForwards?: string[];
  /** Which of the virtual boards (boards/qemu-virt-arm64.ts: GICv3 or GICv2). Default the GICv3 one. */
  profile?: BoardProfile;
  /** Instance name. Default the profile's name. */
  name?: string;
  /** Folder for the serial cable's pty links and QEMU's log. */
  stateDir: string;
}

/**
 * The built-in virtual board: QEMU behind the power interface, its UART on a pty opened with serialport.
 * Above this function nothing knows it is not a ZCU102.
 */
export async function createVirtualBoard(options: VirtualBoardOptions): Promise<BoardInstance> {
  const profile = options.profile ?? qemuVirtArm64;
  const name = options.name ?? profile.name;
  const network = profile.network;
  const machine: QemuMachineOptions = { ...options, gicVersion: profile.xen.gicVersion };
  const hostForwards = options.hostForwards ?? [`tcp:127.0.0.1:${await freeLoopbackPort()}-:22`];
  const lan = new VirtualLan({ hostIp: network.serverip! });
  await lan.start();
  const cable = new VirtualCable(join(options.stateDir, 'serial'));
  await cable.plug();
  const power = new QemuPower({
    ...machine,
    hostForwards,
    serialPath: cable.boardPath,
    logPath: join(options.stateDir, 'qemu.log'),
    board: name,
    networkArgs: () => lan.qemuArgs(),
  });
  return {
    name,
    profile,
    power,
    console: new SerialTransport({ path: cable.consolePath, baudRate: profile.console.baudRate, reopen: false }),
    // The virtual LAN hands the board's UDP for the lab host to this machine's loopback.
    tftpHost: '127.0.0.1',
    network,
    limits: profileLimits(profile),
    ssh: hostForwards.length ? { host: '127.0.0.1', port: sshForwardPort(hostForwards), user: 'root' } : undefined,
    leaveOn: false,
    writeDeviceTree: (path) => dumpDeviceTree(path, machine),
    dispose: async () => {
      await power.off();
      cable.unplug();
      lan.stop();
    },
  };
}

function sshForwardPort(forwards: string[]): number {
  const m = forwards.map((f) => /^tcp:[\d.]*:(\d+)-:22$/.exec(f)).find(Boolean);
  return m ? Number(m[1]) : 22;
}

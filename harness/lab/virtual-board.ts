import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { qemuVirtArm64 } from '../../boards/qemu-virt-arm64.ts';
import { SerialTransport } from '../console/serial-transport.ts';
import { VirtualCable } from '../console/virtual-cable.ts';
import { virtMachine, type QemuMachine, type QemuMachineOptions } from '../power/qemu-machine.ts';
import { QemuPower } from '../power/qemu-power.ts';
import { zcu102Machine } from '../power/qemu-zcu102.ts';
import { freeLoopbackPort } from '../util/free-port.ts';
import { VirtualLan } from '../virtual-lan/virtual-lan.ts';
import type { BoardInstance } from './board-instance.ts';
import type { BoardProfile } from './board-profile.ts';
import { profileLimits } from './limits.ts';
import { FaultTriggers, LAN_LOSS, SERIAL_DROP_MS, seededRandom, type Fault } from './virtual-faults.ts';

export interface VirtualBoardOptions extends Pick<QemuMachineOptions, 'memoryMiB' | 'cpus' | 'bios'> {
  /**
   * Host forwards of the second NIC (QEMU user network). Default: SSH to dom0, a free port of
   * 127.0.0.1 forwarded to port 22, where the machine has a second NIC. `[]`: no second NIC.
   */
  hostForwards?: string[];
  /** Which of the virtual boards (boards/virtual-boards.ts). Default qemu-virt-arm64. */
  profile?: BoardProfile;
  /** Instance name. Default the profile's name. */
  name?: string;
  /** Folder for the serial cable's pty links and QEMU's log. */
  stateDir: string;
  /** Faults to inject (harness/lab/virtual-faults.ts). Default none. */
  faults?: readonly Fault[];
  /** Where the faults say what they did. */
  log?: (line: string) => void;
}

/**
 * The built-in virtual board: QEMU behind the power interface, its UART on a pty opened with serialport.
 * Above this function nothing knows it is not a ZCU102.
 */
export async function createVirtualBoard(options: VirtualBoardOptions): Promise<BoardInstance> {
  const profile = options.profile ?? qemuVirtArm64;
  const name = options.name ?? profile.name;
  const network = profile.network;
  const faults = options.faults ?? [];
  const has = (kind: Fault['kind']) => faults.some((f) => f.kind === kind);
  const bios = has('no-uboot') ? blankFirmware(options.stateDir) : options.bios;
  const machine = await qemuMachine(profile, { ...options, bios }, options.log);
  const hostForwards = options.hostForwards ?? (machine.sshNicArgs ? [`tcp:127.0.0.1:${await freeLoopbackPort()}-:22`] : []);
  const lan = new VirtualLan({ hostIp: network.serverip!, loseFrame: has('lan-loss') ? lanLoss() : undefined });
  await lan.start();
  const cable = new VirtualCable(join(options.stateDir, 'serial'));
  await cable.plug();
  const power = new QemuPower({
    machine,
    hostForwards,
    serialChardev: (id) => cable.boardChardev(id),
    logPath: join(options.stateDir, 'qemu.log'),
    pidFile: join(options.stateDir, 'qemu.pid'),
    monitorSocket: unixSocketPath(join(options.stateDir, 'qemu-monitor.sock')),
    board: name,
    labNetdev: () => lan.netdev(),
  });
  const say = (line: string) => options.log?.(`${name}: fault injected: ${line}`);
  const triggers = new FaultTriggers(faults, (fault) => injectFault(fault, { power, cable, say }));
  cable.onBoardOutput((chunk) => triggers.push(chunk));
  power.onPowerOn = () => triggers.reset();
  return {
    name,
    profile,
    power,
    // Reopened like a USB adapter's tty when the cable's console end is pulled out and plugged back.
    console: new SerialTransport({ path: cable.consolePath, baudRate: profile.console.baudRate, reopen: true, reopenTimeoutMs: 10000 }),
    // The virtual LAN hands the board's UDP for the lab host to this machine's loopback.
    tftpHost: '127.0.0.1',
    network,
    limits: profileLimits(profile),
    ssh: hostForwards.length && machine.sshNicArgs ? { host: '127.0.0.1', port: sshForwardPort(hostForwards), user: 'root' } : undefined,
    leaveOn: false,
    writeDeviceTree: (path) => machine.writeDeviceTree(path),
    dispose: async () => {
      await power.off();
      cable.unplug();
      lan.stop();
    },
  };
}

/** The QEMU machine a virtual board's profile names, with its firmware built if need be. */
async function qemuMachine(profile: BoardProfile, options: QemuMachineOptions, log?: (line: string) => void): Promise<QemuMachine> {
  if (profile.qemuMachine === 'xlnx-zcu102') {
    const { ensureZynqmpFirmware } = await import('../../images/zynqmp/firmware.ts');
    const firmware = await ensureZynqmpFirmware({ log: (line) => log?.(`${profile.name}: ${line}`) });
    return zcu102Machine(options.bios ? { ...firmware, uboot: options.bios } : firmware);
  }
  return virtMachine({ ...options, gicVersion: profile.xen.gicVersion });
}

function injectFault(fault: Fault, on: { power: QemuPower; cable: VirtualCable; say: (line: string) => void }): void {
  const { power, cable, say } = on;
  const pid = power.pid;
  if (fault.kind === 'qemu-dies' && pid) {
    say(`QEMU (pid ${pid}) killed on '${fault.when}'`);
    process.kill(pid, 'SIGKILL');
  } else if (fault.kind === 'console-silent' && pid) {
    say(`QEMU (pid ${pid}) stopped on '${fault.when}': the board hangs`);
    process.kill(pid, 'SIGSTOP');
  } else if (fault.kind === 'serial-drop') {
    say(`serial cable's console end pulled out on '${fault.when}' for ${SERIAL_DROP_MS} ms`);
    cable.unplugConsole();
    setTimeout(() => {
      const lost = cable.lostBytes;
      if (!cable.plugged) return; // the board was put away meanwhile
      cable.plugConsole().then(
        () => say(`serial cable plugged back; the board printed ${lost} bytes meanwhile, lost`),
        (err: Error) => say(`serial cable could not be plugged back: ${err.message}`),
      );
    }, SERIAL_DROP_MS).unref();
  }
}

/** 0.1 % of frames, the same ones each run, and one chosen frame. */
function lanLoss(): (n: number) => boolean {
  const dice = seededRandom(LAN_LOSS.seed);
  return (n) => dice() < LAN_LOSS.rate || n === LAN_LOSS.frame;
}

/** Firmware that never prints: zeros (an undefined instruction, taken again and again). */
function blankFirmware(stateDir: string): string {
  mkdirSync(stateDir, { recursive: true });
  const path = join(stateDir, 'blank-firmware.bin');
  writeFileSync(path, Buffer.alloc(64 * 1024));
  return path;
}

/** Undefined where the path is too long for a unix socket (108 bytes with the NUL): power-off then signals QEMU. */
function unixSocketPath(path: string): string | undefined {
  return Buffer.byteLength(path) < 100 ? path : undefined;
}

function sshForwardPort(forwards: string[]): number {
  const m = forwards.map((f) => /^tcp:[\d.]*:(\d+)-:22$/.exec(f)).find(Boolean);
  return m ? Number(m[1]) : 22;
}

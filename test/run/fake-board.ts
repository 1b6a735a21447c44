import { qemuVirtArm64 } from '../../boards/qemu-virt-arm64.ts';
import type { BoardInstance, SshAccess } from '../../harness/lab/board-instance.ts';
import { profileLimits, type LimitValues } from '../../harness/lab/limits.ts';
import type { BoardProfile } from '../../harness/lab/board-profile.ts';
import type { PowerSwitch } from '../../harness/power/power-switch.ts';
import { MemoryTransport } from '../support/memory-transport.ts';

/** A power switch that records what it was asked to do. */
export class RecordingPower implements PowerSwitch {
  readonly description = 'recording power';
  readonly calls: string[] = [];
  async on(): Promise<void> {
    this.calls.push('on');
  }
  async off(): Promise<void> {
    this.calls.push('off');
  }
}

/** A board whose console is in memory (the test plays the board) and whose power only records. */
export function fakeBoard(options: { ssh?: SshAccess; limits?: LimitValues } = {}) {
  const console = new MemoryTransport();
  const power = new RecordingPower();
  const profile: BoardProfile = { ...qemuVirtArm64, limits: { ...qemuVirtArm64.limits, ...options.limits } };
  const board: BoardInstance = {
    name: 'fake-1',
    profile,
    power,
    console,
    tftpHost: '127.0.0.1',
    network: profile.network,
    limits: profileLimits(profile),
    ssh: options.ssh,
    leaveOn: false,
  };
  return { board, console, power };
}

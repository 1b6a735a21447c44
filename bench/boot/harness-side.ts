/**
 * The harness boot, driven the way `hil run` drives it: the virtual board (QEMU behind the power
 * interface, UART on a socat pty pair opened with serialport, NIC on the virtual LAN), our TFTP
 * server, the board session `hil run` opens and the BootStrategy up to 'booted'. Timing comes from the session's clock.
 */
import type { ImageSet } from '../../images/recipe.ts';
import type { BoardProfile } from '../../harness/lab/board-profile.ts';
import { createVirtualBoard } from '../../harness/lab/virtual-board.ts';
import type { SystemSpec } from '../../harness/plan/system-file.ts';
import type { TimelineMark, TransferRecord } from '../../harness/report/record.ts';
import { BootStrategy } from '../../harness/run/boot-strategy.ts';
import { openBoardSession, type BootMode } from '../../harness/run/run-board.ts';
import { join } from 'node:path';
import { sampleCpu, type CpuSample } from './cpu.ts';
import { MilestoneWatcher, type Milestones } from './milestones.ts';

export interface HarnessBootOptions {
  system: SystemSpec;
  images: ImageSet;
  /** This round's folder: board state, staged TFTP root, console transcript, TFTP log. */
  workDir: string;
  /** The plan typed step by step (default) or sourced as one script. */
  bootMode?: BootMode;
  /** Which virtual board (boards/virtual-boards.ts). Default qemu-virt-arm64. */
  profile?: BoardProfile;
}

export interface HarnessBoot {
  marks: TimelineMark[];
  transfers: TransferRecord[];
  milestones: Milestones;
  /** CPU used by this process during the boot, and by QEMU and socat, sampled before power-off. */
  cpu: CpuSample;
}

/** One boot through the same board session `hil run` opens (plan, staged files, TFTP server, console). */
export async function harnessBoot(o: HarnessBootOptions): Promise<HarnessBoot> {
  const board = await createVirtualBoard({ stateDir: join(o.workDir, 'board'), profile: o.profile });
  try {
    const opened = await openBoardSession({ board, images: o.images, reportDir: o.workDir, log: () => {}, bootMode: o.bootMode }, o.system);
    const { session, plan } = opened;
    try {
      const watcher = new MilestoneWatcher(() => session.clock.now());
      const cpu0 = sampleCpu();
      let toKernel: number | undefined;
      session.console.onText((text) => {
        watcher.feed(text);
        if (toKernel === undefined && watcher.seen.startingKernel !== undefined) toKernel = sampleCpu().self - cpu0.self;
      });
      await new BootStrategy(session, plan).transition('booted');
      const cpu = sampleCpu();
      return {
        marks: [...session.clock.marks],
        transfers: [...session.transfers],
        milestones: watcher.seen,
        cpu: { ...cpu, self: cpu.self - cpu0.self, selfToKernel: toKernel },
      };
    } finally {
      await opened.close();
    }
  } finally {
    await board.dispose?.();
  }
}

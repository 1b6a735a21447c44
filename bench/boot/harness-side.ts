/**
 * The harness boot, driven the way `hil run` drives it: the virtual board (QEMU behind the power
 * interface, UART on a socat pty pair opened with serialport, NIC on the virtual LAN), our TFTP
 * server, a BoardSession and the BootStrategy up to 'booted'. Timing comes from the session's clock.
 */
import { join } from 'node:path';
import { createVirtualBoard } from '../../harness/lab/virtual-board.ts';
import type { BootPlan } from '../../harness/plan/uboot-commands.ts';
import type { TimelineMark, TransferRecord } from '../../harness/report/record.ts';
import { BoardSession } from '../../harness/run/board-session.ts';
import { BootStrategy } from '../../harness/run/boot-strategy.ts';
import { startTftp } from '../../harness/run/run-board.ts';
import { sampleCpu, type CpuSample } from './cpu.ts';
import { MilestoneWatcher, type Milestones } from './milestones.ts';

export interface HarnessBootOptions {
  plan: BootPlan;
  /** The staged TFTP root (prepareBoot's). */
  tftpRoot: string;
  /** This round's folder: board state, console transcript, TFTP log. */
  workDir: string;
}

export interface HarnessBoot {
  marks: TimelineMark[];
  transfers: TransferRecord[];
  milestones: Milestones;
  /** CPU used by this process during the boot, and by QEMU and socat, sampled before power-off. */
  cpu: CpuSample;
}

export async function harnessBoot(o: HarnessBootOptions): Promise<HarnessBoot> {
  const board = await createVirtualBoard({ stateDir: join(o.workDir, 'board') });
  const session = new BoardSession(board, { reportDir: o.workDir });
  const watcher = new MilestoneWatcher(() => session.clock.now());
  const cpu0 = sampleCpu();
  let toKernel: number | undefined;
  session.console.onText((text) => {
    watcher.feed(text);
    if (toKernel === undefined && watcher.seen.startingKernel !== undefined) toKernel = sampleCpu().self - cpu0.self;
  });
  const tftp = startTftp(session, o.tftpRoot, join(o.workDir, 'tftp.log'));
  try {
    await tftp.listen();
    await session.open();
    await new BootStrategy(session, o.plan).transition('booted');
    const cpu = sampleCpu();
    return {
      marks: [...session.clock.marks],
      transfers: [...session.transfers],
      milestones: watcher.seen,
      cpu: { ...cpu, self: cpu.self - cpu0.self, selfToKernel: toKernel },
    };
  } finally {
    await session.close();
    await tftp.close();
    await board.dispose?.();
  }
}

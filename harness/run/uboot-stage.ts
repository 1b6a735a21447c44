import type { BootPlan } from '../plan/uboot-commands.ts';
import type { BoardSession } from './board-session.ts';

/** Types the boot plan at the U-Boot prompt, step by step; the last step starts Xen. */
export async function loadAndBoot(session: BoardSession, plan: BootPlan): Promise<void> {
  const { uboot } = session;
  for (const step of plan.steps) {
    if (step.file) session.log(`tftp ${step.file.tftpName} (${(step.file.size / 1048576).toFixed(1)} MiB)`);
    if (step.launch) {
      session.log(`boot: ${step.command}`);
      await uboot.launch(step.command);
    } else {
      await uboot.run(step.command, { stage: step.stage, timeoutMs: step.timeoutMs, timeoutFrom: step.timeoutFrom });
    }
  }
}

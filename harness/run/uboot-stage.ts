import { ConsoleFailureError } from '../errors.ts';
import type { BootStep } from '../plan/boot-steps.ts';
import { hex } from '../plan/layout.ts';
import type { BootPlan } from '../plan/uboot-commands.ts';
import { fileCrc32 } from '../util/crc32.ts';
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
      if (step.file && session.options.verifyFetches) await verifyFetch(session, step);
    }
  }
}

/** U-Boot's CRC-32 of what it fetched, against the file's: the bytes in RAM are the bytes served. */
async function verifyFetch(session: BoardSession, step: BootStep): Promise<void> {
  const file = step.file!;
  const stage = `${step.stage}: crc32`;
  const { output } = await session.uboot.run(`crc32 ${hex(file.address)} ${hex(file.size)}`, { stage, timeoutMs: step.timeoutMs, timeoutFrom: step.timeoutFrom });
  const want = fileCrc32(file.path).toString(16).padStart(8, '0');
  const got = /==>\s*([0-9a-f]{8})/i.exec(output)?.[1]?.toLowerCase();
  if (got !== want) {
    throw new ConsoleFailureError({ stage, matched: `${file.tftpName}: U-Boot's CRC-32 ${got ?? '(none printed)'} is not the file's ${want}`, lastLines: session.console.lastLines(), board: session.board.name });
  }
  session.log(`${file.tftpName}: CRC-32 ${want} verified in U-Boot`);
}

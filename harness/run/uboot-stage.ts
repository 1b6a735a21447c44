import { UBOOT_ERRORS } from '../console/failure-patterns.ts';
import { ConsoleFailureError, ExecutionError } from '../errors.ts';
import type { BootStep } from '../plan/boot-steps.ts';
import { hex } from '../plan/layout.ts';
import { stepMarker, type ScriptBoot } from '../plan/script-boot.ts';
import type { BootPlan } from '../plan/uboot-commands.ts';
import { fileCrc32 } from '../util/crc32.ts';
import type { BoardSession } from './board-session.ts';

/**
 * Runs the boot plan at the U-Boot prompt, up to the launch of Xen: as one script (`plan.script`, made
 * when the run asked for script mode) or typed step by step.
 */
export async function loadAndBoot(session: BoardSession, plan: BootPlan): Promise<void> {
  if (plan.script) return runScript(session, plan.script);
  await typeSteps(session, plan.steps);
}

async function typeSteps(session: BoardSession, steps: readonly BootStep[]): Promise<void> {
  const { uboot } = session;
  for (const step of steps) {
    announceFetch(session, step);
    if (step.launch) {
      session.log(`boot: ${step.command}`);
      await uboot.launch(step.command);
    } else {
      await uboot.run(step.command, { stage: step.stage, timeoutMs: step.timeoutMs, timeoutFrom: step.timeoutFrom });
      if (step.file && session.options.verifyFetches) await verifyFetch(session, step);
    }
  }
}

function announceFetch(session: BoardSession, step: BootStep): void {
  if (step.file) session.log(`tftp ${step.file.tftpName} (${(step.file.size / 1048576).toFixed(1)} MiB)`);
}

/** Types the set-up and `source`, then follows the script step by step by its markers. */
async function runScript(session: BoardSession, script: ScriptBoot): Promise<void> {
  await typeSteps(session, script.typed);
  session.log(`boot: ${script.source} (${script.scripted.length} steps in ${script.file.tftpName})`);
  await session.uboot.launch(script.source);
  for (const [i, step] of script.scripted.entries()) {
    if (step.launch) return; // its 'Starting kernel' is Xen's stage's first wait
    announceFetch(session, step);
    const end = await session.console.expect(stepMarker(i + 1), { stage: step.stage, timeoutMs: step.timeoutMs, timeoutFrom: step.timeoutFrom, failOn: UBOOT_ERRORS });
    if (end.match[1] === 'failed') {
      throw new ExecutionError(step.command, end.before.replace(/\r/g, '').trim(), 1, `U-Boot script step ${i + 1} (${step.stage})`, step.stage);
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

import { HilError } from '../errors.ts';
import type { BootPlan } from '../plan/uboot-commands.ts';
import type { SystemSpec } from '../plan/system-file.ts';
import type { SshClient } from '../ssh/ssh-client.ts';
import type { BoardSession } from './board-session.ts';
import type { BootStrategy } from './boot-strategy.ts';

/** What a suite gets: the board being tested, the system booted on it, and the way to bring it up. */
export interface SuiteContext {
  session: BoardSession;
  strategy: BootStrategy;
  system: SystemSpec;
  plan: BootPlan;
  /** Named figures a suite wants in the report. */
  figures: Record<string, number>;
  /** SSH to dom0, when the system has a dom0 and the board says how to reach it (connects on first use). */
  ssh?: SshClient;
}

/** The context's SSH client, or a clear error saying why there is none. */
export function requireDom0Ssh(context: SuiteContext): SshClient {
  if (context.ssh) return context.ssh;
  const why = context.system.dom0 ? `board ${context.session.board.name} has no SSH access (no ssh: in the lab file)` : `system ${context.system.name} has no dom0`;
  throw new HilError(`no SSH to dom0: ${why}`, { code: 'SSH', board: context.session.board.name });
}

let current: SuiteContext | undefined;

/**
 * The one bridge between the runner and Mocha suite files (Mocha loads files itself, so the runner
 * cannot hand them arguments). Set by the runner around each Mocha run.
 */
export function setSuiteContext(context: SuiteContext | undefined): void {
  current = context;
}

export function suiteContext(): SuiteContext {
  if (!current) throw new HilError("no board under test: suites run through 'hil run', not plain mocha");
  return current;
}

import { ExecutionError, HilError } from '../../harness/errors.ts';
import type { BoardSession } from '../../harness/run/board-session.ts';
import { requireDom0Ssh, suiteContext, type SuiteContext } from '../../harness/run/context.ts';
import type { SshClient } from '../../harness/ssh/ssh-client.ts';

/** A domU of the system under test, with the domid Xen gave it (learnt from its readiness line). */
export interface BootedDomU {
  name: string;
  domid: number;
}

/** A line a domU printed on its console (its own stream, focused or not), and when, in ms from power-on. */
export interface GuestLine {
  domid: number;
  text: string;
  ms: number;
}

/** The booted PV system as the suite's files see it. */
export interface PvBoard {
  ctx: SuiteContext;
  ssh: SshClient;
  /** domUs with xen,enhanced, and those without, in system-file order. */
  enhanced: BootedDomU[];
  plain: BootedDomU[];
  /** Every guest line seen on the console since the suite started. */
  guestLines: GuestLine[];
  /** Set once init-dom0less has run on this boot. */
  initDom0lessOutput?: string;
  /** Each enhanced domU's own clock (seconds of uptime) just before init-dom0less ran, by domid. */
  clockBeforeInit: Map<number, number>;
}

const boards = new WeakMap<BoardSession, PvBoard>();

/**
 * Boots the system (once per run) and returns what the suite's files share. The console listener
 * is put on before booting, so no guest line is missed.
 */
export async function pvBoard(): Promise<PvBoard> {
  const ctx = suiteContext();
  let board = boards.get(ctx.session);
  if (!board) {
    const guestLines: GuestLine[] = [];
    ctx.session.xen.onGuestLine((domid, text) => guestLines.push({ domid, text, ms: Math.round(ctx.session.clock.now()) }));
    board = { ctx, ssh: requireDom0Ssh(ctx), enhanced: [], plain: [], guestLines, clockBeforeInit: new Map() };
    boards.set(ctx.session, board);
  }
  await ctx.strategy.transition('booted');
  if (board.enhanced.length + board.plain.length === 0) {
    for (const d of ctx.plan.domains) (d.enhanced ? board.enhanced : board.plain).push({ name: d.name, domid: domidOf(ctx, d.name) });
  }
  // Every check here compares the two kinds: with none of one kind they would pass on nothing.
  if (board.enhanced.length === 0 || board.plain.length === 0) {
    throw new HilError(`pv-drivers needs a system with at least one enhanced domU and one without (${ctx.plan.domains.length} domUs: ${board.enhanced.length} enhanced)`, { code: 'CONFIG' });
  }
  return board;
}

/** The domid Xen gave the domU named `name`, from the boot's Xen model (never from its position). */
export function domidOf(ctx: SuiteContext, name: string): number {
  const seen = ctx.session.xen.byName(name);
  if (!seen) throw new HilError(`domain ${name} never printed its readiness line, so its domid is unknown`, { code: 'NO_DOMAIN' });
  return seen.domid;
}

/** Runs a dom0 command that must succeed; returns its stdout. */
export async function dom0(ssh: SshClient, command: string, timeoutMs = 30000): Promise<string> {
  const r = await ssh.run(command, { timeoutMs });
  if (r.exitCode !== 0) throw new ExecutionError(command, `${r.stdout}${r.stderr}`, r.exitCode, `dom0 of ${ssh.target.board}`);
  return r.stdout;
}

/** Runs init-dom0less once per boot (the document: "after dom0 is booted, init-dom0less must be run"). */
export async function ensureDom0less(board: PvBoard): Promise<string> {
  if (board.initDom0lessOutput === undefined) {
    for (const d of board.enhanced) board.clockBeforeInit.set(d.domid, await guestUptime(board, d.name));
    board.initDom0lessOutput = await dom0(board.ssh, 'init-dom0less');
  }
  return board.initDom0lessOutput;
}

/** The domU's own clock, from its shell: seconds since its kernel started (the printk clock). */
export async function guestUptime(board: PvBoard, name: string): Promise<number> {
  const r = await board.ctx.session.domains.domain(name).run('cat /proc/uptime');
  const seconds = Number(r.output.split(/\s+/)[0]);
  if (!Number.isFinite(seconds)) throw new HilError(`domain ${name}: /proc/uptime said '${r.output}'`, { code: 'GUEST' });
  return seconds;
}


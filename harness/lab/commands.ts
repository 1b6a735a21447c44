import { printable } from '../console/patterns.ts';
import { HilError } from '../errors.ts';
import { cycle, type PowerState } from '../power/power-switch.ts';
import type { BoardInstance } from './board-instance.ts';
import { acquireBoardLock, forceRelease, lockStatus, type LockDirOptions } from './board-lock.ts';
import { describeOwner } from './lock-owner.ts';

/** Where a command prints: process.stdout, or anything with a write(text). */
export interface Out {
  write(text: string): unknown;
}

export type PowerAction = 'on' | 'off' | 'cycle' | 'state';

export interface PowerCommandOptions extends LockDirOptions {
  /** Off time for `cycle`. Default 3000 ms: enough for most boards' supplies and USB serial adapters. */
  offTimeMs?: number;
  /** Hold the board's lock while switching (never for `state`). Default true. */
  lock?: boolean;
}

/**
 * `hil power BOARD on|off|cycle|state`. Switching takes the board's lock, so nobody's run loses
 * power under it. Returns the state when the device reports one.
 */
export async function switchBoardPower(board: BoardInstance, action: PowerAction, out: Out, options: PowerCommandOptions = {}): Promise<PowerState | undefined> {
  const { power } = board;
  if (action === 'state') {
    if (!power.state) {
      out.write(`${board.name}: state unknown (${power.description} cannot report it)\n`);
      return undefined;
    }
    const state = await power.state();
    out.write(`${board.name}: ${state}\n`);
    return state;
  }
  const lock = options.lock === false ? undefined : await acquireBoardLock({ board: board.name, dir: options.dir, command: `hil power ${board.name} ${action}` });
  try {
    if (action === 'on') await power.on();
    else if (action === 'off') await power.off();
    else if (action === 'cycle') await cycle(power, options.offTimeMs ?? 3000);
    else throw new HilError(`unknown power action '${action as string}': use on, off, cycle or state`);
    const state = power.state ? await power.state() : undefined;
    out.write(`${board.name}: power ${action} done (${power.description})${state ? `, now ${state}` : ''}\n`);
    return state;
  } finally {
    await lock?.release();
  }
}

/** `hil lock status`: one line per locked board. */
export async function lockStatusCommand(out: Out, options: LockDirOptions = {}): Promise<number> {
  const locks = await lockStatus(options);
  if (locks.length === 0) out.write('no board is locked\n');
  for (const l of locks) out.write(`${printable(l.board)}: ${describeOwner(l)}${l.stale ? ' [stale: that process is gone]' : ''}\n`);
  return locks.length;
}

/**
 * `hil lock release --board BOARD [--force]`. Without force only a stale lock (its process is gone) is
 * removed; a live holder is named and left alone. With force any lock is removed.
 */
export async function lockReleaseCommand(board: string, force: boolean, out: Out, options: LockDirOptions = {}): Promise<boolean> {
  const lock = (await lockStatus(options)).find((l) => l.board === board);
  if (!lock) {
    out.write(`${board}: not locked\n`);
    return false;
  }
  if (!lock.stale && !force) {
    throw new HilError(`board ${board} is in use by ${describeOwner(lock)}: not released. Use --force if that run is gone or must be stopped.`, {
      code: 'BOARD_LOCKED',
      board,
    });
  }
  const was = await forceRelease(board, options);
  out.write(`${board}: released the lock of ${was ? describeOwner(was) : 'nobody (it was just freed)'}\n`);
  return true;
}

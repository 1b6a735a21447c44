import { acquireBoardLock } from '../lab/board-lock.ts';
import type { BoardInstance } from '../lab/board-instance.ts';
import { boardFromArgs, type BoardArgs } from './board-args.ts';
import { onInterrupt } from './interrupt.ts';

export interface HeldBoardOptions {
  values: BoardArgs & { wait?: boolean };
  usage: string;
  /** What holds the board, for `hil lock status`. */
  command: string;
  stateDir: string;
  log: (line: string) => void;
  /** How long --wait waits for the board. Default 1 h. */
  lockTimeoutMs?: number;
}

/**
 * Opens the board a command names and holds its lock while `work` runs. Whatever happens (an error,
 * Ctrl-C, SIGTERM) the cleanups `work` registered run (e.g. power off), then the board is released.
 */
export async function withHeldBoard<T>(
  options: HeldBoardOptions,
  work: (board: BoardInstance, onStop: (cleanup: (why?: string) => Promise<unknown>) => void) => Promise<T>,
): Promise<T> {
  const board = await boardFromArgs(options.values, options.usage, options.stateDir, options.log);
  const lock = await acquireBoardLock({
    board: board.name,
    wait: options.values.wait,
    timeoutMs: options.lockTimeoutMs ?? 3600_000,
    command: options.command,
  }).catch(async (err) => {
    await board.dispose?.();
    throw err;
  });
  const cleanups: Array<(why?: string) => Promise<unknown>> = [];
  let released: Promise<void> | undefined;
  // Once, whoever asks first: the end of the work, a signal, a crash (`why` says which, if not the end).
  const release = (why?: string) =>
    (released ??= (async () => {
      for (const cleanup of [...cleanups].reverse()) await cleanup(why);
      await board.dispose?.();
      await lock.release();
    })());
  const removeInterrupt = onInterrupt(release, options.log);
  try {
    return await work(board, (cleanup) => cleanups.push(cleanup));
  } finally {
    removeInterrupt();
    await release();
  }
}

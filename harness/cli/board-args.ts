import { virtualBoards } from '../../boards/qemu-virt-arm64.ts';
import { HilError } from '../errors.ts';
import type { BoardInstance } from '../lab/board-instance.ts';
import { DEFAULT_LIMITS, withLimitFlags } from '../lab/limits.ts';
import { openBoard } from '../lab/open-board.ts';

/** The options every board command takes. */
export const BOARD_OPTIONS = {
  board: { type: 'string' },
  lab: { type: 'string' },
  limit: { type: 'string', multiple: true },
} as const;

/** Opens the board a bring-up command names, keeping its run-time files in `stateDir`; the caller disposes it. */
export async function boardFromArgs(values: { board?: string; lab?: string; limit?: string[] }, usage: string, stateDir: string): Promise<BoardInstance> {
  if (!values.board) throw new HilError(`--board is required\n  usage: hil ${usage}`, { code: 'USAGE' });
  checkLimitFlags(values.limit);
  const board = await openBoard(values.board, { labFile: values.lab, stateDir });
  return values.limit?.length ? { ...board, limits: withLimitFlags(board.limits, values.limit) } : board;
}

/** Fails early on a malformed `--limit NAME=MS`, before anything slow. */
export function checkLimitFlags(flags: string[] | undefined): void {
  withLimitFlags(DEFAULT_LIMITS, flags ?? []);
}

/** The virtual board lives only as long as the hil process that powers it. */
export function isVirtual(board: BoardInstance): boolean {
  return Object.hasOwn(virtualBoards, board.profile.name) && !!board.writeDeviceTree;
}

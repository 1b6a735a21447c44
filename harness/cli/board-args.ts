import { virtualBoards } from '../../boards/virtual-boards.ts';
import { HilError } from '../errors.ts';
import type { BoardInstance } from '../lab/board-instance.ts';
import { DEFAULT_LIMITS, withLimitFlags } from '../lab/limits.ts';
import { openBoard } from '../lab/open-board.ts';
import { parseFault } from '../lab/virtual-faults.ts';

/** The options every board command takes. */
export const BOARD_OPTIONS = {
  board: { type: 'string' },
  lab: { type: 'string' },
  limit: { type: 'string', multiple: true },
  fault: { type: 'string', multiple: true },
} as const;

export interface BoardArgs {
  board?: string;
  lab?: string;
  limit?: string[];
  /** Faults for the virtual board (harness/lab/virtual-faults.ts). */
  fault?: string[];
}

/** Opens the board a bring-up command names, keeping its run-time files in `stateDir`; the caller disposes it. */
export async function boardFromArgs(values: BoardArgs, usage: string, stateDir: string, log?: (line: string) => void): Promise<BoardInstance> {
  if (!values.board) throw new HilError(`--board is required\n  usage: hil ${usage}`, { code: 'USAGE' });
  checkLimitFlags(values.limit);
  const faults = (values.fault ?? []).map(parseFault);
  const board = await openBoard(values.board, { labFile: values.lab, stateDir, faults, log });
  return values.limit?.length ? { ...board, limits: withLimitFlags(board.limits, values.limit) } : board;
}

/** Fails early on a malformed `--limit NAME=MS`, before anything slow. */
export function checkLimitFlags(flags: string[] | undefined): void {
  withLimitFlags(DEFAULT_LIMITS, flags ?? []);
}

/** Fails early on a malformed `--fault`. */
export function checkFaultFlags(flags: string[] | undefined): void {
  for (const f of flags ?? []) parseFault(f);
}

/** The virtual board lives only as long as the hil process that powers it. */
export function isVirtual(board: BoardInstance): boolean {
  return Object.hasOwn(virtualBoards, board.profile.name) && !!board.writeDeviceTree;
}

import { qemuVirtArm64 } from '../../boards/qemu-virt-arm64.ts';
import { HilError } from '../errors.ts';
import type { BoardInstance } from '../lab/board-instance.ts';
import { openBoard } from '../lab/open-board.ts';

/** The options every board command takes. */
export const BOARD_OPTIONS = {
  board: { type: 'string' },
  lab: { type: 'string' },
} as const;

/** Opens the board a bring-up command names, keeping its run-time files in `stateDir`; the caller disposes it. */
export async function boardFromArgs(values: { board?: string; lab?: string }, usage: string, stateDir: string): Promise<BoardInstance> {
  if (!values.board) throw new HilError(`--board is required\n  usage: hil ${usage}`, { code: 'USAGE' });
  return openBoard(values.board, { labFile: values.lab, stateDir });
}

/** The virtual board lives only as long as the hil process that powers it. */
export function isVirtual(board: BoardInstance): boolean {
  return board.profile.name === qemuVirtArm64.name && !!board.writeDeviceTree;
}

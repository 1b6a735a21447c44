import { virtualBoards } from '../../boards/virtual-boards.ts';
import { HilError } from '../errors.ts';
import type { BoardInstance } from './board-instance.ts';
import { createVirtualBoard } from './virtual-board.ts';
import type { Fault } from './virtual-faults.ts';

export interface OpenBoardOptions {
  /** Lab file path; default $HIL_LAB. */
  labFile?: string;
  /** Folder for the board's run-time state (serial links, emulator log). */
  stateDir: string;
  /** Faults to inject; only the virtual board takes them. */
  faults?: readonly Fault[];
  log?: (line: string) => void;
}

/** Where a board name comes from: the lab file (with its spec), or the built-in virtual board. */
async function findBoard(name: string, labFile: string | undefined) {
  if (labFile) {
    const { loadLabFile } = await import('./lab-file.ts');
    const lab = loadLabFile(labFile);
    if (Object.hasOwn(lab.boards, name)) return { lab };
    if (!Object.hasOwn(virtualBoards, name)) {
      throw new HilError(`unknown board '${name}': ${labFile} has ${Object.keys(lab.boards).join(', ') || 'no boards'} (and ${builtIn()} are built in)`, {
        code: 'CONFIG',
      });
    }
  }
  if (Object.hasOwn(virtualBoards, name)) return { lab: undefined };
  throw new HilError(`unknown board '${name}': without a lab file (--lab or HIL_LAB) only the built-in ${builtIn()} exist`, {
    code: 'CONFIG',
  });
}

/** Fails early, before anything slow, when the board name or the lab file is wrong. */
export async function checkBoard(name: string, labFile = process.env.HIL_LAB): Promise<void> {
  await findBoard(name, labFile);
}

/** The board named on the command line: from the lab file, or the built-in virtual board. */
export async function openBoard(name: string, options: OpenBoardOptions): Promise<BoardInstance> {
  const { lab } = await findBoard(name, options.labFile ?? process.env.HIL_LAB);
  if (!lab) return createVirtualBoard({ stateDir: options.stateDir, profile: virtualBoards[name], faults: options.faults, log: options.log });
  if (options.faults?.length) {
    throw new HilError(`--fault: board '${name}' is a lab board; faults are injected on the virtual boards only (${builtIn()})`, { code: 'USAGE' });
  }
  const { createBoardInstance } = await import('./lab-file.ts');
  return createBoardInstance(lab, name, { stateDir: options.stateDir });
}

/** "'a', 'b' and 'c'" */
const builtIn = () => Object.keys(virtualBoards).map((n) => `'${n}'`).join(', ').replace(/, ([^,]*)$/, ' and $1');

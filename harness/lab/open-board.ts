import { qemuVirtArm64 } from '../../boards/qemu-virt-arm64.ts';
import { HilError } from '../errors.ts';
import type { BoardInstance } from './board-instance.ts';
import { createVirtualBoard } from './virtual-board.ts';

export interface OpenBoardOptions {
  /** Lab file path; default $HIL_LAB. */
  labFile?: string;
  /** Folder for the board's run-time state (serial links, emulator log). */
  stateDir: string;
}

/** The board named on the command line: from the lab file, or the built-in virtual board. */
export async function openBoard(name: string, options: OpenBoardOptions): Promise<BoardInstance> {
  const labFile = options.labFile ?? process.env.HIL_LAB;
  if (labFile) {
    const { loadLabFile, createBoardInstance } = await import('./lab-file.ts');
    const lab = loadLabFile(labFile);
    if (lab.boards[name]) return createBoardInstance(lab, name, { stateDir: options.stateDir });
    if (name !== qemuVirtArm64.name) {
      throw new HilError(`unknown board '${name}': ${labFile} has ${Object.keys(lab.boards).join(', ') || 'no boards'} (and ${qemuVirtArm64.name} is built in)`);
    }
  }
  if (name === qemuVirtArm64.name) return createVirtualBoard({ stateDir: options.stateDir });
  throw new HilError(`unknown board '${name}': without a lab file (--lab or HIL_LAB) only the built-in '${qemuVirtArm64.name}' exists`, {
    code: 'CONFIG',
  });
}

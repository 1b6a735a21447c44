import type { ImageSet } from '../../images/recipe.ts';
import type { BoardInstance } from '../lab/board-instance.ts';
import { loadSystemFile } from '../plan/system-file.ts';
import { BootStrategy } from './boot-strategy.ts';
import { openBoardSession, type OpenBoardSession } from './run-board.ts';

export type BootedBoard = OpenBoardSession;

/** Boots a board into Xen with every domU ready, outside a Mocha run (for `hil exec` and `hil console --domain`). */
export async function bootBoard(options: {
  board: BoardInstance;
  systemFile: string;
  reportDir: string;
  images: ImageSet;
  log: (line: string) => void;
}): Promise<BootedBoard> {
  const opened = await openBoardSession(options, loadSystemFile(options.systemFile));
  try {
    await new BootStrategy(opened.session, opened.plan).transition('booted');
    return opened;
  } catch (err) {
    await opened.close();
    throw err;
  }
}

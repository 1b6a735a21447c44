import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ImageSet } from '../../images/recipe.ts';
import type { BoardInstance } from '../lab/board-instance.ts';
import type { BootPlan } from '../plan/uboot-commands.ts';
import { loadSystemFile } from '../plan/system-file.ts';
import { BoardSession } from './board-session.ts';
import { BootStrategy } from './boot-strategy.ts';
import { prepareBoot, startTftp } from './run-board.ts';

export interface BootedBoard {
  session: BoardSession;
  plan: BootPlan;
  /** Powers off (unless the board is to stay on), stops the TFTP server, closes the transcripts. */
  close(): Promise<void>;
}

/** Boots a board into Xen with every domU ready, outside a Mocha run (for `hil exec` and `hil console --domain`). */
export async function bootBoard(options: {
  board: BoardInstance;
  systemFile: string;
  reportDir: string;
  images: ImageSet;
  log: (line: string) => void;
}): Promise<BootedBoard> {
  const system = loadSystemFile(options.systemFile);
  const tftpRoot = join(options.reportDir, 'tftp');
  mkdirSync(tftpRoot, { recursive: true });
  const plan = await prepareBoot({ ...options, suites: [] }, system, tftpRoot);
  const session = new BoardSession(options.board, { reportDir: options.reportDir, log: options.log, conswitchKey: system.xen.conswitch, hasDom0: !!system.dom0 });
  const tftp = startTftp(session, tftpRoot, join(options.reportDir, 'tftp.log'));
  const close = async () => {
    await session.close();
    await tftp.close();
  };
  try {
    await tftp.listen();
    await session.open();
    await new BootStrategy(session, plan).transition('booted');
    return { session, plan, close };
  } catch (err) {
    await close();
    throw err;
  }
}

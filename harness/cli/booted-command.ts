import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureImages } from '../../images/recipe.ts';
import { findSuite } from '../../suites/index.ts';
import type { BoardInstance } from '../lab/board-instance.ts';
import { bootBoard, type BootedBoard } from '../run/booted-board.ts';
import { ensureHostPackages } from '../setup/host-setup.ts';
import { withHeldBoard } from './held-board.ts';
import { progressLog } from './progress.ts';

export const BOOT_OPTIONS = {
  board: { type: 'string' },
  lab: { type: 'string' },
  system: { type: 'string' },
  domain: { type: 'string' },
  limit: { type: 'string', multiple: true },
  wait: { type: 'boolean', default: false },
} as const;

/**
 * Locks the board, boots the system (default: the boot suite's) and hands the booted board to `work`;
 * powers off and unlocks afterwards, whatever happens. Transcripts go to a temporary folder it names.
 */
export async function withBootedBoard(
  values: { board?: string; lab?: string; system?: string; limit?: string[]; wait?: boolean },
  usage: string,
  work: (booted: BootedBoard, board: BoardInstance) => Promise<number>,
): Promise<number> {
  const log = progressLog();
  const dir = mkdtempSync(join(tmpdir(), 'hil-'));
  await ensureHostPackages(log);
  const images = await ensureImages({ log });
  const held = { values, usage, command: `hil ${usage.split(' ')[0]}`, stateDir: join(dir, 'board'), log };
  return withHeldBoard(held, async (board, onStop) => {
    log(`booting ${board.name}; transcripts in ${join(dir, 'console')}`);
    const systemFile = values.system ?? findSuite('boot')!.system;
    const booted = await bootBoard({ board, systemFile, reportDir: dir, images, log });
    onStop(() => booted.close());
    return work(booted, board);
  });
}

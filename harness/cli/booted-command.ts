import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureImages } from '../../images/recipe.ts';
import { findSuite } from '../../suites/index.ts';
import type { BoardInstance } from '../lab/board-instance.ts';
import { acquireBoardLock } from '../lab/board-lock.ts';
import { bootBoard, type BootedBoard } from '../run/booted-board.ts';
import { ensureHostPackages } from '../setup/host-setup.ts';
import { boardFromArgs } from './board-args.ts';
import { onInterrupt } from './interrupt.ts';
import { progressLog } from './progress.ts';

export const BOOT_OPTIONS = {
  board: { type: 'string' },
  lab: { type: 'string' },
  system: { type: 'string' },
  domain: { type: 'string' },
  wait: { type: 'boolean', default: false },
} as const;

/**
 * Locks the board, boots the system (default: the boot suite's) and hands the booted board to `work`;
 * powers off and unlocks afterwards, whatever happens. Transcripts go to a temporary folder it names.
 */
export async function withBootedBoard(
  values: { board?: string; lab?: string; system?: string; wait?: boolean },
  usage: string,
  work: (booted: BootedBoard, board: BoardInstance) => Promise<number>,
): Promise<number> {
  const log = progressLog();
  const dir = mkdtempSync(join(tmpdir(), 'hil-'));
  await ensureHostPackages(log);
  const images = await ensureImages({ log });
  const board = await boardFromArgs(values, usage, join(dir, 'board'));
  const lock = await acquireBoardLock({ board: board.name, wait: values.wait, timeoutMs: 3600_000, command: `hil ${usage.split(' ')[0]}` }).catch(
    async (err) => {
      await board.dispose?.();
      throw err;
    },
  );
  try {
    log(`booting ${board.name}; transcripts in ${join(dir, 'console')}`);
    const systemFile = values.system ?? findSuite('boot')!.system;
    const booted = await bootBoard({ board, systemFile, reportDir: dir, images, log });
    const removeInterrupt = onInterrupt(async () => {
      await booted.close();
      await board.dispose?.();
      await lock.release();
    }, log);
    try {
      return await work(booted, board);
    } finally {
      removeInterrupt();
      await booted.close();
    }
  } finally {
    await lock.release();
    await board.dispose?.();
  }
}

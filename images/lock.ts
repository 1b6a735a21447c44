import { open, readFile, rm } from 'node:fs/promises';
import { HilError } from '../harness/errors.ts';
import { pollUntil } from '../harness/util/deadline.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock file if free (or held by a dead process); true on success. */
async function tryLock(file: string): Promise<boolean> {
  try {
    const fh = await open(file, 'wx');
    await fh.writeFile(String(process.pid));
    await fh.close();
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const holder = Number((await readFile(file, 'utf8').catch(() => '')).trim());
    if (holder && alive(holder)) return false;
    await rm(file, { force: true });
    return false;
  }
}

/**
 * Runs `fn` holding an exclusive lock file, so that two processes never build into one folder at once.
 * Waits for another holder up to `timeoutMs` (default 20 min, longer than a full build).
 */
export async function withLock<T>(
  file: string,
  fn: () => Promise<T>,
  opts: { timeoutMs?: number; log?: (line: string) => void } = {},
): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 20 * 60_000;
  if (!(await tryLock(file))) {
    opts.log?.(`waiting for another image build (lock ${file})`);
    const got = await pollUntil(async () => ((await tryLock(file)) ? true : undefined), timeoutMs, [250, 500, 1000, 2000]);
    if (!got) throw new HilError(`images: lock ${file} still held after ${timeoutMs} ms`, { code: 'IMAGE_LOCK' });
  }
  try {
    return await fn();
  } finally {
    await rm(file, { force: true });
  }
}

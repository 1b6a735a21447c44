import { randomBytes } from 'node:crypto';
import { accessSync, constants, chmodSync, mkdirSync } from 'node:fs';
import { link, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { homedir, hostname, userInfo } from 'node:os';
import { basename, join } from 'node:path';
import { HilError } from '../errors.ts';
import { Deadline, sleep } from '../util/deadline.ts';
import { describeOwner, isStale, parseOwner, processStart, type LockOwner } from './lock-owner.ts';

export type { LockOwner } from './lock-owner.ts';

export interface LockDirOptions {
  /** Folder of the lock files. Default: $HIL_LOCK_DIR, else /var/lock/hil when writable, else ~/.cache/hil/locks. */
  dir?: string;
}

export interface AcquireOptions extends LockDirOptions {
  board: string;
  /** Wait for the board to be free (polling) instead of failing at once. Default false. */
  wait?: boolean;
  /** Longest wait. Default 0 (fail at once). */
  timeoutMs?: number;
  /** Pause between tries while waiting. Default 250 ms. */
  pollMs?: number;
  /** What the holder is doing, shown to whoever finds the board taken. Default: this process's command line. */
  command?: string;
}

export interface BoardLock {
  readonly owner: LockOwner;
  /** Removes the lock if it is still ours. Safe to call twice. */
  release(): Promise<void>;
}

/** The default lock folder (created on first use; /var/lock/hil is made sticky and world-writable like /tmp). */
export function defaultLockDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HIL_LOCK_DIR) return env.HIL_LOCK_DIR;
  try {
    mkdirSync('/var/lock/hil', { recursive: true });
    try {
      chmodSync('/var/lock/hil', 0o1777);
    } catch {
      // made by another user: fine if we can write to it
    }
    accessSync('/var/lock/hil', constants.W_OK);
    return '/var/lock/hil';
  } catch {
    const dir = join(homedir(), '.cache', 'hil', 'locks');
    mkdirSync(dir, { recursive: true });
    return dir;
  }
}

const lockPath = (dir: string, board: string) => join(dir, `${board}.lock`);

/**
 * Takes the exclusive lock on a board: a file created atomically (O_CREAT|O_EXCL). A lock left by
 * a dead process on this host is taken over. Fails at once, or after `timeoutMs` when waiting,
 * with an error naming who holds the board.
 */
export async function acquireBoardLock(o: AcquireOptions): Promise<BoardLock> {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(o.board)) throw new HilError(`bad board name '${o.board}'`, { code: 'CONFIG' });
  const dir = o.dir ?? defaultLockDir();
  mkdirSync(dir, { recursive: true });
  const path = lockPath(dir, o.board);
  const owner: LockOwner = {
    board: o.board,
    user: userInfo().username,
    host: hostname(),
    pid: process.pid,
    pidStart: processStart(process.pid),
    startedAt: new Date().toISOString(),
    command: o.command ?? process.argv.slice(1).join(' '),
    token: randomBytes(8).toString('hex'),
  };
  const deadline = new Deadline(o.wait ? (o.timeoutMs ?? 0) : 0);
  for (;;) {
    if (await create(path, owner)) return { owner, release: () => releaseIfOurs(path, owner.token) };
    const holder = await readOwner(path);
    if (holder === 'gone') continue;
    if (await isStale(holder, path)) {
      await removeStale(path, holder);
      continue;
    }
    const who = holder === 'unreadable' ? `an unreadable lock file ${path}` : describeOwner(holder);
    if (!o.wait) {
      throw new HilError(`board ${o.board} is in use by ${who}. Wait with --wait, or if that run is gone: hil lock release --board ${o.board} --force`, {
        code: 'BOARD_LOCKED',
        board: o.board,
      });
    }
    if (deadline.expired()) {
      throw new HilError(`timed out after ${o.timeoutMs} ms waiting for board ${o.board}: still in use by ${who}`, { code: 'BOARD_LOCKED', board: o.board });
    }
    await sleep(Math.min(o.pollMs ?? 250, deadline.remaining()));
  }
}

/** Every lock in the folder, with whether its holder is gone. */
export async function lockStatus(o: LockDirOptions = {}): Promise<Array<LockOwner & { stale: boolean }>> {
  const dir = o.dir ?? defaultLockDir();
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.lock')).sort();
  const out: Array<LockOwner & { stale: boolean }> = [];
  for (const name of names) {
    const path = join(dir, name);
    const holder = await readOwner(path);
    if (holder === 'gone') continue;
    if (holder === 'unreadable') {
      out.push({ board: name.slice(0, -5), user: '?', host: '?', pid: 0, startedAt: '?', command: `(unreadable ${path})`, token: '', stale: true });
      continue;
    }
    out.push({ ...holder, stale: await isStale(holder, path) });
  }
  return out;
}

/** Removes a board's lock whoever holds it; returns who did (undefined when it was free). */
export async function forceRelease(board: string, o: LockDirOptions = {}): Promise<LockOwner | undefined> {
  const path = lockPath(o.dir ?? defaultLockDir(), board);
  const holder = await readOwner(path);
  if (holder === 'gone') return undefined;
  await unlink(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw new HilError(`cannot remove ${path}: ${err.message}`, { code: 'BOARD_LOCKED', board });
  });
  return holder === 'unreadable' ? undefined : holder;
}

async function create(path: string, owner: LockOwner): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'wx', 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new HilError(`cannot create lock file ${path}: ${(err as Error).message}`, { code: 'BOARD_LOCKED', board: owner.board });
  }
  try {
    await handle.writeFile(`${JSON.stringify(owner)}\n`);
  } finally {
    await handle.close();
  }
  return true;
}

/** The lock's owner; "gone" if there is no lock; "unreadable" if it stays empty or broken for a while. */
async function readOwner(path: string): Promise<LockOwner | 'gone' | 'unreadable'> {
  const board = basename(path).replace(/\.lock(?:\.stale-.*)?$/, '');
  for (let attempt = 0; ; attempt++) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'gone' : 'unreadable';
    }
    const owner = parseOwner(text, board);
    if (owner) return owner;
    // Just created and not yet written: look again shortly.
    if (attempt >= 10) return 'unreadable';
    await sleep(20);
  }
}

/**
 * Takes a stale lock away without racing another process doing the same: the file is renamed
 * aside first, and if what was moved turns out to be a fresh lock, it is put back.
 */
async function removeStale(path: string, holder: LockOwner | 'unreadable'): Promise<void> {
  const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await rename(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // someone else moved it
    const who = holder === 'unreadable' ? 'an unreadable lock' : `a lock left by ${describeOwner(holder)}`;
    throw new HilError(`cannot remove ${who} (${path}): ${(err as Error).message}; its owner or root can remove it`, { code: 'BOARD_LOCKED' });
  }
  const moved = await readOwner(aside);
  const same = holder === 'unreadable' ? moved === 'unreadable' : moved !== 'gone' && moved !== 'unreadable' && moved.token === holder.token;
  if (!same) await link(aside, path).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
}

async function releaseIfOurs(path: string, token: string): Promise<void> {
  const holder = await readOwner(path);
  if (holder !== 'gone' && holder !== 'unreadable' && holder.token === token) await unlink(path).catch(() => undefined);
}


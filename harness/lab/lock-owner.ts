import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { z } from 'zod';
import { printable } from '../console/patterns.ts';

/** What a lock file holds. */
export interface LockOwner {
  board: string;
  user: string;
  host: string;
  pid: number;
  /** The process's start time in clock ticks since boot (/proc/PID/stat field 22): tells a reused pid apart. */
  pidStart?: string;
  /** ISO time the lock was taken. */
  startedAt: string;
  command: string;
  /** Random, to recognise our own lock when releasing. */
  token: string;
}

/** What a lock file must hold to be believed; anything else (null, 42, {}, another board's) is unreadable. */
const lockOwnerSchema = z.object({
  board: z.string().min(1),
  user: z.string(),
  host: z.string(),
  pid: z.number().int().positive(),
  pidStart: z.string().optional(),
  startedAt: z.string(),
  command: z.string(),
  token: z.string(),
});

/** A lock file's text as the owner of `board`'s lock, or undefined when it is not one. */
export function parseOwner(text: string, board: string): LockOwner | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const owner = lockOwnerSchema.safeParse(json);
  return owner.success && owner.data.board === board ? owner.data : undefined;
}

/** A broken lock file older than this is considered left over. */
const UNREADABLE_STALE_MS = 5000;

export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** A lock is stale when its process, on this host, is gone (or its pid now belongs to another process). */
export async function isStale(holder: LockOwner | 'unreadable', path: string): Promise<boolean> {
  if (holder === 'unreadable') {
    const age = await stat(path).then((s) => Date.now() - s.mtimeMs, () => 0);
    return age > UNREADABLE_STALE_MS;
  }
  if (holder.host !== hostname()) return false; // cannot check another machine's processes
  try {
    process.kill(holder.pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
  const start = processStart(holder.pid);
  return holder.pidStart !== undefined && start !== undefined && start !== holder.pidStart;
}

/** "alice@labhost (pid 4242) since 2025-05-01T10:00:00.000Z (12 min ago), running: hil run ..." */
export function describeOwner(o: LockOwner, now = Date.now()): string {
  const minutes = Math.round((now - Date.parse(o.startedAt)) / 60000);
  const ago = Number.isFinite(minutes) ? ` (${minutes < 1 ? 'less than a minute' : `${minutes} min`} ago)` : '';
  // The folder is writable by every user of the lab host: what a lock file says is shown, never obeyed.
  return printable(`${o.user}@${o.host} (pid ${o.pid}) since ${o.startedAt}${ago}, running: ${o.command}`);
}

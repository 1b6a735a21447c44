import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';

/** One member of a newc cpio archive. Paths are relative to the archive root ("bin/sh"). Owner is root. */
export type CpioEntry =
  | { type: 'dir'; path: string; mode?: number }
  | { type: 'file'; path: string; data: Buffer; mode?: number }
  | { type: 'symlink'; path: string; target: string }
  | { type: 'char'; path: string; major: number; minor: number; mode?: number };

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFCHR = 0o020000;
const TRAILER = 'TRAILER!!!';
const pad4 = (n: number) => (4 - (n % 4)) % 4;

function member(ino: number, mode: number, name: string, data: Buffer, mtime: number, rdev = [0, 0]): Buffer {
  const nameBuf = Buffer.from(name + '\0');
  const fields = [ino, mode, 0, 0, mode & S_IFDIR ? 2 : 1, mtime, data.length, 0, 0, rdev[0], rdev[1], nameBuf.length, 0];
  const header = Buffer.from('070701' + fields.map((f) => f.toString(16).padStart(8, '0')).join(''), 'latin1');
  return Buffer.concat([
    header,
    nameBuf,
    Buffer.alloc(pad4(header.length + nameBuf.length)),
    data,
    Buffer.alloc(pad4(data.length)),
  ]);
}

/**
 * A newc ("070701") archive of `entries`, owned by root, every mtime set to `mtime` (default 0) so the
 * same input gives the same bytes.
 */
export function writeCpio(entries: CpioEntry[], opts: { mtime?: number } = {}): Buffer {
  const mtime = opts.mtime ?? 0;
  const parts = entries.map((e, i) => {
    const name = e.path.replace(/^\/+/, '');
    switch (e.type) {
      case 'dir':
        return member(i + 1, S_IFDIR | (e.mode ?? 0o755), name, Buffer.alloc(0), mtime);
      case 'file':
        return member(i + 1, S_IFREG | (e.mode ?? 0o644), name, e.data, mtime);
      case 'symlink':
        return member(i + 1, S_IFLNK | 0o777, name, Buffer.from(e.target), mtime);
      case 'char':
        return member(i + 1, S_IFCHR | (e.mode ?? 0o600), name, Buffer.alloc(0), mtime, [e.major, e.minor]);
    }
  });
  parts.push(member(0, 0, TRAILER, Buffer.alloc(0), 0));
  return Buffer.concat(parts);
}

/** Parsed member of an archive, as `readCpio` returns it. */
export interface CpioMember {
  name: string;
  mode: number;
  uid: number;
  gid: number;
  rdev: [number, number];
  data: Buffer;
}

/** Reads every member of one or more concatenated newc archives (as the kernel does for an initramfs). */
export function readCpio(buf: Buffer): CpioMember[] {
  const out: CpioMember[] = [];
  let at = 0;
  while (at + 110 <= buf.length) {
    if (buf[at] === 0) {
      at++;
      continue;
    }
    const magic = buf.toString('latin1', at, at + 6);
    if (magic !== '070701' && magic !== '070702') throw new Error(`cpio: bad magic '${magic}' at offset ${at}`);
    const f = (i: number) => parseInt(buf.toString('latin1', at + 6 + i * 8, at + 14 + i * 8), 16);
    const nameStart = at + 110;
    const name = buf.toString('utf8', nameStart, nameStart + f(11) - 1);
    const dataStart = nameStart + f(11) + pad4(110 + f(11));
    const data = buf.subarray(dataStart, dataStart + f(6));
    if (name !== TRAILER) out.push({ name, mode: f(1), uid: f(2), gid: f(3), rdev: [f(9), f(10)], data });
    at = dataStart + data.length + pad4(data.length);
  }
  return out;
}

/** Entries for everything under `root` (dirs, regular files, symlinks), sorted, parents first. */
export async function entriesFromDir(root: string, rel = ''): Promise<CpioEntry[]> {
  const out: CpioEntry[] = [];
  const names = (await readdir(path.join(root, rel))).sort();
  for (const name of names) {
    const r = path.posix.join(rel, name);
    const abs = path.join(root, r);
    const st = await lstat(abs);
    if (st.isDirectory()) {
      out.push({ type: 'dir', path: r, mode: st.mode & 0o7777 });
      out.push(...(await entriesFromDir(root, r)));
    } else if (st.isSymbolicLink()) out.push({ type: 'symlink', path: r, target: await readlink(abs) });
    else if (st.isFile()) out.push({ type: 'file', path: r, data: await readFile(abs), mode: st.mode & 0o7777 });
  }
  return out;
}

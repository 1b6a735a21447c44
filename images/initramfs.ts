import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { firstPresent } from './merged-usr.ts';
import { gzipSync } from 'node:zlib';
import { type CpioEntry, writeCpio } from './cpio.ts';
import { type ModuleIndex, modulesDep, moduleClosure } from './modules.ts';

/** Folders every initramfs gets, whether or not a file lands in them. */
const BASE_DIRS = ['bin', 'sbin', 'usr/bin', 'usr/sbin', 'dev', 'proc', 'sys', 'tmp', 'run', 'etc', 'root', 'lib'];

/**
 * The common part of both initramfs images: busybox as /bin/busybox and /bin/sh (the other applets are
 * linked by /init at boot with `busybox --install -s`), /dev/console for init's first output before
 * devtmpfs is mounted, and /init itself.
 */
export async function baseEntries(busyboxRoot: string, initScript: string): Promise<CpioEntry[]> {
  return [
    ...BASE_DIRS.map((d): CpioEntry => ({ type: 'dir', path: d, mode: d === 'root' ? 0o700 : d === 'tmp' ? 0o1777 : 0o755 })),
    { type: 'file', path: 'bin/busybox', data: await readFile(firstPresent(busyboxRoot, ['bin/busybox', 'usr/bin/busybox'])), mode: 0o755 },
    { type: 'symlink', path: 'bin/sh', target: 'busybox' },
    { type: 'char', path: 'dev/console', major: 5, minor: 1, mode: 0o600 },
    { type: 'file', path: 'init', data: Buffer.from(initScript), mode: 0o755 },
  ];
}

/**
 * The modules `names` need (closure from their `.modinfo`), under lib/modules/<release>/, with a
 * modules.dep covering exactly those modules so busybox `modprobe` can load them with dependencies.
 */
export async function moduleEntries(modulesRoot: string, index: ModuleIndex, names: string[]): Promise<CpioEntry[]> {
  const keys = moduleClosure(index, names);
  const base = path.posix.join('lib/modules', index.release);
  const out: CpioEntry[] = [{ type: 'file', path: `${base}/modules.dep`, data: Buffer.from(modulesDep(index, keys)) }];
  for (const key of keys) {
    const rel = index.paths.get(key)!;
    out.push({ type: 'file', path: `${base}/${rel}`, data: await readFile(path.join(modulesRoot, base, rel)) });
  }
  return out;
}

/** Later entries replace earlier ones of the same path; missing parent folders are added; parents sort first. */
export function finalizeEntries(entries: CpioEntry[]): CpioEntry[] {
  const byPath = new Map<string, CpioEntry>();
  for (const e of entries) {
    const p = e.path.replace(/^\/+|\/+$/g, '');
    for (let d = path.posix.dirname(p); d !== '.'; d = path.posix.dirname(d)) {
      if (!byPath.has(d)) byPath.set(d, { type: 'dir', path: d, mode: 0o755 });
    }
    byPath.set(p, { ...e, path: p });
  }
  return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Writes the entries as a gzip-compressed newc cpio archive. Returns the compressed size. */
export async function writeInitramfs(entries: CpioEntry[], file: string): Promise<number> {
  const data = gzipSync(writeCpio(finalizeEntries(entries)), { level: 9 });
  await writeFile(file, data);
  return data.length;
}

/**
 * Debian 13 packages ship their files under /usr only (the merged-/usr transition): a real system
 * gets /bin, /sbin and /lib as symlinks into /usr from base-files, which an initramfs of unpacked
 * packages leaves out. Programs still name /lib/ld-linux-aarch64.so.1 as their interpreter and
 * scripts start with #!/bin/bash, so the classic paths are linked to /usr, entry by entry (the
 * initramfs's own /bin holds busybox).
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, symlink } from 'node:fs/promises';
import path from 'node:path';

const CLASSIC_DIRS = ['bin', 'sbin', 'lib'];

/** Links `<root>/<dir>/<name>` → `../usr/<dir>/<name>` for every name in usr/<dir> the classic dir lacks. */
export async function linkMergedUsr(root: string): Promise<void> {
  for (const dir of CLASSIC_DIRS) {
    const names = await readdir(path.join(root, 'usr', dir)).catch(() => [] as string[]);
    if (!names.length) continue;
    await mkdir(path.join(root, dir), { recursive: true });
    for (const name of names) {
      const classic = path.join(root, dir, name);
      if (!existsSync(classic)) await symlink(path.posix.join('..', 'usr', dir, name), classic);
    }
  }
}

/** The first of `candidates` (paths relative to `root`) that exists, or the first one if none does. */
export function firstPresent(root: string, candidates: string[]): string {
  return path.join(root, candidates.find((c) => existsSync(path.join(root, c))) ?? candidates[0]);
}

import { lstat, mkdir, readlink, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import type { CpioMember } from '../../images/cpio.ts';

/** ELF e_machine of AArch64. */
export const EM_AARCH64 = 183;

export const isElf = (data: Buffer) => data.length > 20 && data.readUInt32BE(0) === 0x7f454c46;
export const elfMachine = (data: Buffer) => data.readUInt16LE(0x12);

/** Writes an archive's folders, files and symlinks under `root` (device nodes are skipped). */
export async function unpackMembers(members: CpioMember[], root: string): Promise<void> {
  for (const m of members) {
    const dest = path.join(root, m.name);
    const type = m.mode & 0o170000;
    if (type === 0o040000) await mkdir(dest, { recursive: true });
    else if (type === 0o100000) await writeFile(dest, m.data, { mode: m.mode & 0o777 });
    else if (type === 0o120000) await symlink(m.data.toString(), dest);
  }
}

/** Follows symlinks inside the image (absolute targets are taken relative to `root`); true if a file is there. */
async function existsInImage(root: string, p: string, hops = 0): Promise<boolean> {
  const st = await lstat(path.join(root, p)).catch(() => undefined);
  if (!st || hops > 20) return false;
  if (!st.isSymbolicLink()) return true;
  const target = await readlink(path.join(root, p));
  return existsInImage(root, target.startsWith('/') ? target : path.posix.join(path.posix.dirname(p), target), hops + 1);
}

/** glibc's built-in search folders of Debian's aarch64 ld.so (seen in ld-linux-aarch64.so.1's strings). */
const SYSTEM_DIRS = ['/lib/aarch64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/lib', '/usr/lib'];

/**
 * Problems with one ELF file of the image at `rel`: a missing interpreter, or NEEDED libraries that
 * are not in RUNPATH/RPATH or the system folders. Uses the host's readelf.
 */
export async function unresolved(root: string, rel: string): Promise<string[]> {
  const { stdout } = await execa('readelf', ['-d', '-l', '-W', path.join(root, rel)]);
  const problems: string[] = [];
  const interp = /Requesting program interpreter: (\S+)\]/.exec(stdout)?.[1];
  if (interp && !(await existsInImage(root, interp))) problems.push(`${rel}: interpreter ${interp} missing`);
  const runpath = [...stdout.matchAll(/\((?:RUNPATH|RPATH)\)\s+Library r(?:un)?path: \[(.*?)\]/g)]
    .flatMap((m) => m[1].split(':'))
    .map((d) => d.replace('$ORIGIN', path.posix.dirname('/' + rel)));
  for (const [, lib] of stdout.matchAll(/\(NEEDED\)\s+Shared library: \[(.*?)\]/g)) {
    let found = false;
    for (const dir of [...runpath, ...SYSTEM_DIRS]) if (!found) found = await existsInImage(root, path.posix.join(dir, lib));
    if (!found) problems.push(`${rel}: ${lib} not found`);
  }
  return problems;
}

import { rm } from 'node:fs/promises';
import path from 'node:path';
import { type CpioEntry, entriesFromDir } from './cpio.ts';
import type { InitramfsInputs } from './domu.ts';
import { dom0Init, DOM0_RUNTIME_DIRS, UDHCPC_SCRIPT } from './init-scripts.ts';
import { baseEntries, moduleEntries, writeInitramfs } from './initramfs.ts';
import { moduleKey } from './modules.ts';
import { DOM0_MODULES, xenLibDir } from './packages.ts';
import type { DebianRelease } from './releases.ts';

/** Parts of the unpacked packages nothing here uses at run time (gconv, glibc's iconv charsets, is half the size). */
const pruned = (release: DebianRelease) => [
  'usr/share/doc',
  'usr/share/man',
  'usr/share/info',
  'usr/share/locale',
  'usr/share/lintian',
  'usr/share/bug',
  'usr/lib/aarch64-linux-gnu/gconv',
  // pygrub's Python module and the filesystem readers it dlopens: pygrub boots x86 PV guests, and python3 is left out.
  `${xenLibDir(release).slice(1)}/lib/python`,
  `${xenLibDir(release).slice(1)}/lib/aarch64-linux-gnu/xenfsimage`,
];

const file = (p: string, text: string, mode = 0o644): CpioEntry => ({ type: 'file', path: p, data: Buffer.from(text), mode });

/** Account files for root (dropbear looks the user up, and wants its shell listed in /etc/shells). */
const ETC: CpioEntry[] = [
  file('etc/passwd', 'root:x:0:0:root:/root:/bin/sh\n'),
  file('etc/group', 'root:x:0:\n'),
  file('etc/shadow', 'root:*:19000:0:99999:7:::\n', 0o600),
  file('etc/shells', '/bin/sh\n/bin/bash\n'),
  file('etc/hostname', 'dom0\n'),
  file('etc/udhcpc.script', UDHCPC_SCRIPT, 0o755),
  { type: 'dir', path: 'root', mode: 0o700 },
  { type: 'dir', path: 'root/.ssh', mode: 0o700 },
  { type: 'dir', path: 'etc/dropbear', mode: 0o700 },
  { type: 'symlink', path: 'var/run', target: '../run' },
];

/**
 * The dom0 initramfs: the unpacked dom0 packages (Xen tools, their libraries, bash, dropbear) under
 * busybox, /init (see `dom0Init`), the Xen backend and bridge modules, and root's account files.
 */
export async function buildDom0Initramfs(i: InitramfsInputs & { packagesRoot: string; release: DebianRelease }): Promise<void> {
  for (const p of pruned(i.release)) await rm(path.join(i.packagesRoot, p), { recursive: true, force: true });
  await writeInitramfs(
    [
      ...(await entriesFromDir(i.packagesRoot)),
      ...(await baseEntries(i.busyboxRoot, dom0Init(i.release, DOM0_MODULES.filter((m) => !i.index.builtin.has(moduleKey(m)))))),
      ...(await moduleEntries(i.modulesRoot, i.index, DOM0_MODULES)),
      ...ETC,
      ...DOM0_RUNTIME_DIRS.map((d): CpioEntry => ({ type: 'dir', path: d.slice(1), mode: 0o755 })),
    ],
    i.out,
  );
}

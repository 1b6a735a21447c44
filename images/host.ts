import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { HilError } from '../harness/errors.ts';

/** Host commands the recipe runs, and the Debian package that provides each. */
export const HOST_TOOLS: Record<string, string> = {
  'apt-get': 'apt',
  'apt-cache': 'apt',
  dpkg: 'dpkg',
  'dpkg-deb': 'dpkg',
  xz: 'xz-utils',
  find: 'findutils',
};

/** Debian's arm64 cross compiler's prefix (package gcc-aarch64-linux-gnu). */
export const CROSS = 'aarch64-linux-gnu-';

/**
 * What building arm64 firmware or a hypervisor from a Debian source package runs, and the package of
 * each: the cross compiler, dpkg-source (Debian's patches), make, and the native compiler, bison and
 * flex for Kconfig and the host tools. harness/setup/host-packages.txt installs them.
 */
export const SOURCE_BUILD_TOOLS: Record<string, string> = {
  [`${CROSS}gcc`]: 'gcc-aarch64-linux-gnu',
  'dpkg-source': 'dpkg-dev',
  make: 'make',
  gcc: 'gcc',
  bison: 'bison',
  flex: 'flex',
};

export const FOREIGN_ARCH = 'arm64';
export const FIX_ARCH_COMMAND = `dpkg --add-architecture ${FOREIGN_ARCH} && apt-get update`;

async function onPath(tool: string): Promise<boolean> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    try {
      await access(path.join(dir, tool), constants.X_OK);
      return true;
    } catch {
      /* try the next directory */
    }
  }
  return false;
}

/** Throws a HilError naming every missing host tool and the package to install. */
export async function requireHostTools(tools: Record<string, string> = HOST_TOOLS): Promise<void> {
  const missing: string[] = [];
  for (const [tool, pkg] of Object.entries(tools)) if (!(await onPath(tool))) missing.push(`${tool} (package ${pkg})`);
  if (missing.length > 0) {
    throw new HilError(
      `images: host tools missing: ${missing.join(', ')}; the image recipe needs a Debian host (apt-get install them)`,
      { code: 'HOST_TOOL' },
    );
  }
}

/** Runs a host command; a failure becomes a HilError carrying the command and its stderr. */
export async function run(file: string, args: string[], opts: { cwd?: string } = {}): Promise<string> {
  const result = await execa(file, args, { cwd: opts.cwd, reject: false, env: { LC_ALL: 'C' } });
  if (result.failed) {
    const why = result.stderr.trim() || result.stdout.trim() || String(result.message);
    throw new HilError(`images: '${file} ${args.join(' ')}' failed (exit ${result.exitCode ?? '?'}): ${why}`, {
      code: 'HOST_COMMAND',
    });
  }
  return result.stdout;
}

/**
 * Makes sure dpkg knows the arm64 architecture. As root it adds it (and updates apt's lists);
 * otherwise it throws with the command to run.
 */
export async function ensureForeignArch(log: (line: string) => void): Promise<void> {
  const archs = (await run('dpkg', ['--print-foreign-architectures'])).split('\n').map((s) => s.trim());
  if (archs.includes(FOREIGN_ARCH)) return;
  if (process.getuid?.() !== 0) {
    throw new HilError(`images: dpkg has no ${FOREIGN_ARCH} architecture; run as root: ${FIX_ARCH_COMMAND}`, {
      code: 'HOST_ARCH',
    });
  }
  log(`adding dpkg architecture ${FOREIGN_ARCH} and updating apt lists`);
  await run('dpkg', ['--add-architecture', FOREIGN_ARCH]);
  await run('apt-get', ['update']);
}

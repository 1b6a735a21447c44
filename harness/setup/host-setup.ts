import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { HilError } from '../errors.ts';

export interface HostPackage {
  name: string;
  /** A command on PATH, or an absolute path, that shows the package is installed. */
  provides: string;
}

const LIST = fileURLToPath(new URL('./host-packages.txt', import.meta.url));

export function hostPackages(): HostPackage[] {
  return readFileSync(LIST, 'utf8')
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean)
    .map((l) => {
      const [name, provides] = l.split(/\s+/);
      return { name, provides: provides ?? name };
    });
}

function onPath(command: string): boolean {
  if (command.startsWith('/')) return existsSync(command);
  const dirs = (process.env.PATH ?? '').split(delimiter).concat(['/usr/sbin', '/sbin']);
  return dirs.some((d) => {
    try {
      accessSync(join(d, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export function missingHostPackages(): HostPackage[] {
  return hostPackages().filter((p) => !onPath(p.provides));
}

/** Installs missing Debian packages when root; otherwise fails with the exact command to run. */
export async function ensureHostPackages(log: (line: string) => void): Promise<void> {
  const missing = missingHostPackages();
  if (missing.length === 0) return;
  const names = missing.map((p) => p.name);
  const command = `apt-get install -y ${names.join(' ')}`;
  if (process.getuid?.() !== 0) {
    throw new HilError(`missing host packages: ${names.join(', ')}\n  install them with: sudo ${command}`, { code: 'MISSING_TOOL' });
  }
  log(`installing host packages: ${names.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await execa('apt-get', ['update', '-qq'], { env, stdio: 'inherit' });
  await execa('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...names], { env, stdio: 'inherit' });
  const still = missingHostPackages();
  if (still.length) throw new HilError(`apt-get installed, but still missing: ${still.map((p) => `${p.name} (${p.provides})`).join(', ')}`);
}

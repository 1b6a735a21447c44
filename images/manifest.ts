import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PackageRef } from './apt.ts';

export const MANIFEST_FORMAT = 1;

/** What `manifest.json` in the output folder records about one build. Paths are relative to that folder. */
export interface Manifest {
  format: number;
  /** Hash of the recipe's own source files; a change means rebuild. */
  recipeHash: string;
  /** Fingerprint of apt's package lists when the inputs were last resolved; a change means re-resolve. */
  aptStamp: string;
  /** The Debian release built from (images/releases.ts); sets built before it was recorded are debian12. */
  release?: string;
  /** The folder holding this build's files. */
  dir: string;
  kernelRelease: string;
  /** The kernel's full modules tree (with a generated modules.dep): `<modulesDir>/lib/modules/<release>`. */
  modulesDir: string;
  packages: PackageRef[];
  artifacts: Record<string, { file: string; size: number; sha256: string }>;
  builtAt: string;
}

const here = path.dirname(fileURLToPath(import.meta.url));
/** Files besides images/*.ts whose content shapes the artifacts. */
const EXTRA_RECIPE_FILES = [path.join(here, '../harness/xen/readiness.ts')];

/** The recipe's version: sha256 over images/*.ts and the readiness module. */
export async function recipeHash(): Promise<string> {
  const own = (await readdir(here)).filter((f) => f.endsWith('.ts')).sort().map((f) => path.join(here, f));
  const h = createHash('sha256');
  for (const file of [...own, ...EXTRA_RECIPE_FILES]) {
    h.update(`${path.relative(here, file)}\0`);
    h.update(await readFile(file));
    h.update('\0');
  }
  return h.digest('hex');
}

/**
 * Size and mtime of apt's lists and of dpkg's architecture list, hashed: when this is unchanged,
 * apt's candidate versions cannot have changed, so a cache check needs no apt call.
 */
export async function aptStamp(listsDir = '/var/lib/apt/lists', dpkgArch = '/var/lib/dpkg/arch'): Promise<string> {
  const h = createHash('sha256');
  let names: string[] = [];
  try {
    names = (await readdir(listsDir)).filter((n) => /(Packages|Release)(\.\w+)?$/.test(n)).sort();
  } catch {
    /* no lists: the stamp says so */
  }
  for (const file of [...names.map((n) => path.join(listsDir, n)), dpkgArch]) {
    const st = await stat(file).catch(() => undefined);
    h.update(`${file} ${st ? `${st.size} ${st.mtimeMs}` : 'missing'}\n`);
  }
  return h.digest('hex');
}

export async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** The manifest in `outDir`, or undefined when it is missing, unreadable or of another format. */
export async function readManifest(manifestPath: string): Promise<Manifest | undefined> {
  try {
    const m = JSON.parse(await readFile(manifestPath, 'utf8')) as Manifest;
    return m.format === MANIFEST_FORMAT && m.artifacts && m.dir ? m : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the manifest atomically (temporary file, then rename). */
export async function writeManifest(manifestPath: string, m: Manifest): Promise<void> {
  const tmp = `${manifestPath}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(m, null, 2) + '\n');
  await rename(tmp, manifestPath);
}

/** True when every artifact file the manifest names exists with the recorded size. */
export async function artifactsPresent(outDir: string, m: Manifest): Promise<boolean> {
  for (const a of Object.values(m.artifacts)) {
    const st = await stat(path.join(outDir, a.file)).catch(() => undefined);
    if (!st || st.size !== a.size) return false;
  }
  return true;
}

/** Same package names at the same versions and architectures. */
export function samePackages(a: PackageRef[], b: PackageRef[]): boolean {
  const key = (ps: PackageRef[]) => ps.map((p) => `${p.name}=${p.version}:${p.arch}`).sort().join(' ');
  return key(a) === key(b);
}

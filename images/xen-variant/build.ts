/**
 * Xen variants: the set's own Xen rebuilt from Debian's `xen` source package (Debian's patches) with
 * Debian's own .config (shipped in the hypervisor package beside the binary) and a few Kconfig
 * options more. Debian builds without the schedulers the document names besides credit/credit2, so
 * a claim about one of them needs a Xen of the same version that has it.
 *
 * A variant is built when a system file names it (`xen: { image: xen-null }`), once per image set:
 * it is kept beside the set and rebuilt when the set's Xen package, or this folder's sources, change.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HilError } from '../../harness/errors.ts';
import { debFileName, extractDeb, type PackageRef } from '../apt.ts';
import { copyArm64Image } from '../arm64-image.ts';
import { CROSS, requireHostTools, run, SOURCE_BUILD_TOOLS } from '../host.ts';
import { withLock } from '../lock.ts';
import { readManifest, sha256File } from '../manifest.ts';
import { type AptLists, ownAptLists } from '../own-apt.ts';
import type { DebianRelease } from '../releases.ts';
import { xenPackage } from '../packages.ts';
import type { Artifact, ImageSet } from '../recipe.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const XEN_SOURCE_PACKAGE = 'xen';

export interface XenVariant {
  /** What it is for, in the build's progress line. */
  purpose: string;
  /** Kconfig lines over Debian's .config; each must hold after `make olddefconfig`. */
  options: Record<string, 'y' | 'n'>;
}

/** The variants, by the artifact name a system file gives. */
export const XEN_VARIANTS: Record<string, XenVariant> = {
  'xen-null': {
    purpose: "the NULL scheduler (sched=null), which Debian's Xen is built without",
    // Xen's Schedulers menu is visible only with EXPERT, and the NULL scheduler is offered only with
    // UNSUPPORTED. Debug info is left out: it is a quarter of the build time and nobody reads it here.
    options: { CONFIG_EXPERT: 'y', CONFIG_UNSUPPORTED: 'y', CONFIG_SCHED_NULL: 'y', CONFIG_DEBUG_INFO: 'n' },
  },
};

interface VariantManifest {
  format: 1;
  recipeHash: string;
  /** The set's hypervisor package version: what the variant stands for. */
  xenVersion: string;
  /** The xen source package version built: the same, unless its source could not be downloaded. */
  sourceVersion: string;
  options: Record<string, 'y' | 'n'>;
  file: string;
  size: number;
  sha256: string;
  builtAt: string;
}

/** The folder that keeps a set's variants (beside its set-* folders, so it outlives none of them by much). */
export const variantsDir = (set: ImageSet): string => path.join(path.dirname(set.dir), 'xen-variants');

/** The variant's artifact for this set, built first when missing or out of date. */
export async function ensureXenVariant(set: ImageSet, name: string, log: (line: string) => void = () => {}): Promise<Artifact> {
  const variant = XEN_VARIANTS[name];
  if (!variant) throw new HilError(`images: no Xen variant '${name}' (known: ${Object.keys(XEN_VARIANTS).join(', ')})`, { code: 'ARTIFACT_NOT_FOUND' });
  const dir = variantsDir(set);
  const xen = await setXenPackage(set);
  const key = { recipeHash: recipeHash(), xenVersion: xen.version };
  const hit = current(dir, name, key);
  if (hit) return hit;
  await requireHostTools(SOURCE_BUILD_TOOLS);
  await mkdir(dir, { recursive: true });
  return withLock(
    path.join(dir, '.lock'),
    async () => {
      const again = current(dir, name, key);
      if (again) return again;
      const started = performance.now();
      log(`${name}: building Xen ${xen.version} from Debian's source for ${variant.purpose} (about half a minute)`);
      const manifest = await build(set, dir, name, variant, xen, key.recipeHash, log);
      await writeFile(path.join(dir, `${name}.json.tmp`), `${JSON.stringify(manifest, null, 2)}\n`);
      await rename(path.join(dir, `${name}.json.tmp`), path.join(dir, `${name}.json`));
      log(`${name}: built in ${((performance.now() - started) / 1000).toFixed(0)} s`);
      return toArtifact(dir, name, manifest);
    },
    { log },
  );
}

/** The set's hypervisor package, as its manifest recorded it. */
async function setXenPackage(set: ImageSet): Promise<PackageRef> {
  const name = xenPackage(set.release);
  const found = (await readManifest(set.manifestPath))?.packages.find((p) => p.name === name);
  if (!found) throw new HilError(`images: ${set.manifestPath} records no ${name}; rebuild the set with hil setup --force`, { code: 'BAD_PACKAGE' });
  return found;
}

/** sha256 over this folder's sources. */
function recipeHash(): string {
  const h = createHash('sha256');
  for (const f of readdirSync(here).filter((x) => x.endsWith('.ts')).sort()) h.update(`${f}\0`).update(readFileSync(path.join(here, f))).update('\0');
  return h.digest('hex');
}

function current(dir: string, name: string, key: { recipeHash: string; xenVersion: string }): Artifact | undefined {
  let m: VariantManifest;
  try {
    m = JSON.parse(readFileSync(path.join(dir, `${name}.json`), 'utf8')) as VariantManifest;
  } catch {
    return undefined;
  }
  if (m.format !== 1 || m.recipeHash !== key.recipeHash || m.xenVersion !== key.xenVersion) return undefined;
  return existsSync(path.join(dir, m.file)) ? toArtifact(dir, name, m) : undefined;
}

const toArtifact = (dir: string, name: string, m: VariantManifest): Artifact => ({ name, path: path.join(dir, m.file), size: m.size, sha256: m.sha256 });

async function build(set: ImageSet, dir: string, name: string, variant: XenVariant, xen: PackageRef, recipe: string, log: (line: string) => void): Promise<VariantManifest> {
  const tmp = path.join(dir, `.build-${process.pid}`);
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  try {
    const source = await fetchXenSource(dir, set.release, xen.version, (line) => log(`${name}: ${line}`));
    log(`${name}: unpacking the xen ${source.version} source package with Debian's patches`);
    const src = path.join(tmp, 'src');
    await run('dpkg-source', ['--no-check', '-x', source.dsc, src]);
    const config = await debianConfig(set, xen, path.join(tmp, 'deb'));
    const make = (...targets: string[]) => runMake(['-C', 'xen', 'XEN_TARGET_ARCH=arm64', `CROSS_COMPILE=${CROSS}`, ...targets], src);
    await writeFile(path.join(src, 'xen/.config'), withOptions(config, variant.options));
    await make('olddefconfig');
    checkOptions(await readFile(path.join(src, 'xen/.config'), 'utf8'), variant.options, name);
    log(`${name}: compiling the hypervisor`);
    await make(`-j${os.availableParallelism()}`);
    const file = `${name}-${source.version.replace(/[^\w.+-]/g, '_')}`;
    await copyArm64Image(path.join(src, 'xen/xen'), path.join(tmp, file), `${name} (xen/xen)`);
    await rename(path.join(tmp, file), path.join(dir, file));
    for (const old of await readdir(dir)) if (old.startsWith(`${name}-`) && old !== file) await rm(path.join(dir, old), { force: true });
    const abs = path.join(dir, file);
    return { format: 1, recipeHash: recipe, xenVersion: xen.version, sourceVersion: source.version, options: variant.options, file, size: (await stat(abs)).size, sha256: await sha256File(abs), builtAt: new Date().toISOString() };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Debian's .config for this hypervisor, from the package the set was built from (in the set's deb cache). */
async function debianConfig(set: ImageSet, xen: PackageRef, into: string): Promise<string> {
  const deb = path.join(path.dirname(set.dir), 'debs', debFileName(xen));
  if (!existsSync(deb)) throw new HilError(`images: ${deb} is gone; hil setup --force downloads it again`, { code: 'BAD_PACKAGE' });
  await extractDeb(deb, into);
  const config = (await readdir(path.join(into, 'boot'))).find((f) => f.endsWith('.config'));
  if (!config) throw new HilError(`images: ${path.basename(deb)} ships no /boot/*.config to build the same Xen from`, { code: 'BAD_PACKAGE' });
  return readFile(path.join(into, 'boot', config), 'utf8');
}

/** Debian's config with each option's line replaced (or added). */
export function withOptions(config: string, options: Record<string, 'y' | 'n'>): string {
  const names = new Set(Object.keys(options));
  const kept = config.split('\n').filter((line) => {
    const m = /^(?:# )?(CONFIG_\w+)[= ]/.exec(line);
    return !m || !names.has(m[1]);
  });
  const lines = Object.entries(options).map(([k, v]) => (v === 'y' ? `${k}=y` : `# ${k} is not set`));
  return `${kept.join('\n').trimEnd()}\n${lines.join('\n')}\n`;
}

/** Throws when Kconfig dropped an option (a dependency it lacks, or a name this Xen does not have). */
export function checkOptions(config: string, options: Record<string, 'y' | 'n'>, name: string): void {
  const set = new Set(config.split('\n').filter((l) => /^CONFIG_\w+=y$/.test(l)).map((l) => l.slice(0, -2)));
  const wrong = Object.entries(options).filter(([k, v]) => set.has(k) !== (v === 'y'));
  if (wrong.length > 0) {
    throw new HilError(`images: ${name}: after make olddefconfig, ${wrong.map(([k, v]) => `${k} is ${v === 'y' ? 'not set' : 'still set'}`).join(', ')} (this Xen's Kconfig does not allow it)`, {
      code: 'BAD_PACKAGE',
    });
  }
}

/**
 * Debian's xen source package (once), through deb-src lists of our own: the set's own version, or when
 * that cannot be had (a mirror without the security archive's sources), the newest other upload of the
 * same Xen release the lists name. Returns the .dsc and the version it is.
 */
async function fetchXenSource(dir: string, release: DebianRelease, version: string, log: (line: string) => void): Promise<{ dsc: string; version: string }> {
  const srcDir = path.join(dir, 'source');
  const kept = (await readdir(srcDir).catch(() => [] as string[])).find((f) => f === dscName(version));
  if (kept) return { dsc: path.join(srcDir, kept), version };
  const apt = await ownAptLists(path.join(dir, 'apt'), { types: 'deb-src', suite: release.suite, withUpdates: true }, log);
  const failed: string[] = [];
  for (const candidate of await sourceCandidates(apt, release, version)) {
    const scratch = path.join(dir, `.source-${process.pid}`);
    await rm(scratch, { recursive: true, force: true });
    await mkdir(scratch);
    try {
      log(`downloading Debian's ${XEN_SOURCE_PACKAGE} ${candidate} source package`);
      await run('apt-get', [...apt.options, 'source', '--download-only', `${XEN_SOURCE_PACKAGE}=${candidate}`], { cwd: scratch });
      if (!existsSync(path.join(scratch, dscName(candidate)))) throw new Error(`apt-get left no ${dscName(candidate)}`);
      await rm(srcDir, { recursive: true, force: true });
      await rename(scratch, srcDir);
      if (candidate !== version) log(`the source of the set's own Xen could not be had (${failed[0]}): building from ${candidate}`);
      return { dsc: path.join(srcDir, dscName(candidate)), version: candidate };
    } catch (err) {
      failed.push(`${candidate}: ${lastError((err as Error).message)}`);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }
  throw new HilError(`images: no source of Xen ${release.xen} could be downloaded from Debian's ${release.suite} lists: ${failed.join('; ') || 'the lists name none'}`, { code: 'PACKAGE_NOT_FOUND' });
}

const dscName = (version: string) => `${XEN_SOURCE_PACKAGE}_${version.replace(/^\d+:/, '')}.dsc`;

/** apt's first E: line that says why (a 404, an unknown version), or the message's last line. */
const lastError = (message: string) => message.split('\n').find((l) => l.startsWith('E: ') && !/some archives/.test(l)) ?? message.split('\n').at(-1)!;

/** `version` first, then the lists' other uploads of the same Xen release, newest first. */
async function sourceCandidates(apt: AptLists, release: DebianRelease, version: string): Promise<string[]> {
  const listed = (await run('apt-cache', [...apt.options, 'showsrc', '--only-source', XEN_SOURCE_PACKAGE]).catch(() => ''))
    .split('\n')
    .map((l) => /^Version: (\S+)/.exec(l)?.[1])
    .filter((v): v is string => !!v && v !== version && v.replace(/^\d+:/, '').startsWith(`${release.xen}.`));
  const others = [...new Set(listed)];
  for (let i = 1; i < others.length; i++) {
    for (let j = i; j > 0 && (await newer(others[j], others[j - 1])); j--) [others[j - 1], others[j]] = [others[j], others[j - 1]];
  }
  return [version, ...others];
}

async function newer(a: string, b: string): Promise<boolean> {
  return run('dpkg', ['--compare-versions', a, 'gt', b]).then(() => true, () => false);
}

/** make, with a failure cut to its last lines (a compiler's error is at the end; the whole log is long). */
async function runMake(args: string[], cwd: string): Promise<void> {
  try {
    await run('make', args, { cwd });
  } catch (err) {
    const lines = (err as Error).message.split('\n');
    throw new HilError(`images: make ${args.filter((a) => !a.includes('=')).join(' ')} in ${cwd} failed:\n${lines.slice(-25).join('\n')}`, { code: 'HOST_COMMAND' });
  }
}

import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HilError } from '../harness/errors.ts';
import { buildSet, removeStaleSets } from './build.ts';
import { ensureForeignArch, FOREIGN_ARCH, requireHostTools } from './host.ts';
import { HOST_APT, ownAptLists, ownListsStale } from './own-apt.ts';
import { DEFAULT_RELEASE, type DebianRelease, OLD_KERNEL_SUITE } from './releases.ts';
import { inputPackages, resolveInputs } from './inputs.ts';
import { aptStamp, artifactsPresent, type Manifest, readManifest, recipeHash, samePackages, writeManifest } from './manifest.ts';
import { withLock } from './lock.ts';
import { ensureXenVariant, XEN_VARIANTS } from './xen-variant/build.ts';

/** One built file: `name` is what system files refer to (xen, linux, domu-initramfs, dom0-initramfs). */
export interface Artifact {
  name: string;
  path: string;
  size: number;
  sha256: string;
}

export interface ImageSet {
  /** The Debian release it was built from (images/releases.ts). */
  release: DebianRelease;
  /** Folder holding this build's files. */
  dir: string;
  artifacts: Record<string, Artifact>;
  manifestPath: string;
  /** `uname -r` of the kernel, e.g. 6.1.0-56-cloud-arm64. */
  kernelRelease: string;
  /** Root of the full kernel modules tree: `<modulesDir>/lib/modules/<kernelRelease>`, with modules.dep. */
  modulesDir: string;
}

export interface EnsureImagesOptions {
  /** The Debian release to build from. Default Debian 12 (bookworm: Xen 4.17, Linux 6.1). */
  release?: DebianRelease;
  /** Output and cache folder. Default `<repo>/images/build`, and `<repo>/images/build/<release>` for another release. */
  outDir?: string;
  /** Receives progress lines for the slow steps. Default: discard. */
  log?: (line: string) => void;
  /** Rebuild even when the manifest says everything is current. Default false. */
  force?: boolean;
}

export const DEFAULT_OUT_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'build');

function toImageSet(outDir: string, m: Manifest, release: DebianRelease): ImageSet {
  const artifacts: Record<string, Artifact> = {};
  for (const [name, a] of Object.entries(m.artifacts)) artifacts[name] = { name, path: path.join(outDir, a.file), size: a.size, sha256: a.sha256 };
  return {
    release,
    dir: path.join(outDir, m.dir),
    artifacts,
    manifestPath: path.join(outDir, 'manifest.json'),
    kernelRelease: m.kernelRelease,
    modulesDir: path.join(outDir, m.modulesDir),
  };
}

/** The manifest when it is current for this recipe and these apt lists, with its files in place. */
async function current(outDir: string, stamps: { recipeHash: string; aptStamp: string }): Promise<Manifest | undefined> {
  const m = await readManifest(path.join(outDir, 'manifest.json'));
  if (!m || m.recipeHash !== stamps.recipeHash || m.aptStamp !== stamps.aptStamp) return undefined;
  return (await artifactsPresent(outDir, m)) ? m : undefined;
}

/**
 * Returns the boot artifacts, building them from Debian bookworm arm64 packages when the recipe or a
 * package version changed (or `force`). When nothing changed it only reads the manifest and stats the
 * files: no apt call. A build happens in a scratch folder; the manifest is swapped in last.
 */
export async function ensureImages(opts: EnsureImagesOptions = {}): Promise<ImageSet> {
  const release = opts.release ?? DEFAULT_RELEASE;
  const outDir = path.resolve(opts.outDir ?? (release === DEFAULT_RELEASE ? DEFAULT_OUT_DIR : path.join(DEFAULT_OUT_DIR, release.name)));
  const log = opts.log ?? (() => {});
  const manifestPath = path.join(outDir, 'manifest.json');
  const listsDir = release.lists === 'host' ? HOST_APT.dir : path.join(outDir, 'apt/lists');
  const stamps = { recipeHash: await recipeHash(), aptStamp: await aptStamp(listsDir) };
  // Lists of hil's own (another suite's, the old kernel's) a week old are fetched again first.
  const ownLists = [path.join(outDir, `apt-${OLD_KERNEL_SUITE}`), ...(release.lists === 'own' ? [path.join(outDir, 'apt')] : [])];
  const stale = (await Promise.all(ownLists.map(ownListsStale))).some(Boolean);
  const hit = opts.force || stale ? undefined : await current(outDir, stamps);
  if (hit) return toImageSet(outDir, hit, release);

  await requireHostTools();
  await ensureForeignArch(log);
  await mkdir(outDir, { recursive: true });
  return withLock(
    path.join(outDir, '.lock'),
    async () => {
      const apt = release.lists === 'host' ? HOST_APT : await ownAptLists(path.join(outDir, 'apt'), { types: 'deb', suite: release.suite, architectures: FOREIGN_ARCH }, log, opts.force);
      stamps.aptStamp = await aptStamp(apt.dir);
      const again = opts.force ? undefined : await current(outDir, stamps);
      if (again) return toImageSet(outDir, again, release);
      log(`resolving ${release.name} (${release.suite}) package versions with apt-cache`);
      const oldApt = await ownAptLists(path.join(outDir, `apt-${OLD_KERNEL_SUITE}`), { types: 'deb', suite: OLD_KERNEL_SUITE, architectures: FOREIGN_ARCH }, log, opts.force);
      const inputs = await resolveInputs(release, apt, oldApt);
      const prev = await readManifest(manifestPath);
      if (!opts.force && prev && prev.recipeHash === stamps.recipeHash && samePackages(prev.packages, inputPackages(inputs)) && (await artifactsPresent(outDir, prev))) {
        log('package versions unchanged: keeping the built images');
        await writeManifest(manifestPath, { ...prev, aptStamp: stamps.aptStamp });
        return toImageSet(outDir, { ...prev, aptStamp: stamps.aptStamp }, release);
      }
      const started = performance.now();
      const manifest = await buildSet(outDir, inputs, stamps, log, { release, apt, oldApt });
      await writeManifest(manifestPath, manifest);
      await removeStaleSets(outDir, manifest.dir);
      log(`images built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      return toImageSet(outDir, manifest, release);
    },
    { log },
  );
}

/**
 * Adds to the set each artifact built on demand (a Xen variant, images/xen-variant) that `names`
 * ask for and the set lacks, building it first when it is not kept yet.
 */
export async function ensureArtifacts(set: ImageSet, names: string[], log: (line: string) => void = () => {}): Promise<void> {
  for (const name of new Set(names)) {
    if (!Object.hasOwn(set.artifacts, name) && Object.hasOwn(XEN_VARIANTS, name)) set.artifacts[name] = await ensureXenVariant(set, name, log);
  }
}

/**
 * An artifact by name (`linux`), or any file by path (relative to the current folder), hashed.
 * Throws a HilError naming the known artifacts when it is neither.
 */
export function resolveArtifact(set: ImageSet, nameOrPath: string): Artifact {
  if (Object.hasOwn(set.artifacts, nameOrPath)) return set.artifacts[nameOrPath];
  const abs = path.resolve(nameOrPath);
  const st = statSync(abs, { throwIfNoEntry: false });
  if (st?.isFile()) {
    const sha256 = createHash('sha256').update(readFileSync(abs)).digest('hex');
    return { name: path.basename(abs), path: abs, size: st.size, sha256 };
  }
  const known = [...new Set([...Object.keys(set.artifacts), ...Object.keys(XEN_VARIANTS)])].sort().join(', ');
  const why = st ? `${abs} is not a regular file` : `no file at ${abs}`;
  throw new HilError(`images: '${nameOrPath}' is neither an artifact name (known: ${known}) nor a file (${why})`, {
    code: 'ARTIFACT_NOT_FOUND',
  });
}


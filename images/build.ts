import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { HilError } from '../harness/errors.ts';
import { downloadPackages, extractDeb } from './apt.ts';
import { copyArm64Image } from './arm64-image.ts';
import { buildDom0Initramfs } from './dom0.ts';
import { buildDomuInitramfs } from './domu.ts';
import { type Inputs, inputPackages } from './inputs.ts';
import type { AptLists } from './own-apt.ts';
import type { DebianRelease } from './releases.ts';
import { type Manifest, MANIFEST_FORMAT, sha256File } from './manifest.ts';
import { firstPresent, linkMergedUsr } from './merged-usr.ts';
import { decompressModules, indexModules, writeModulesDep } from './modules.ts';

async function findOne(dir: string, re: RegExp, what: string): Promise<string> {
  const hits = (await readdir(dir).catch(() => [] as string[])).filter((n) => re.test(n));
  if (hits.length !== 1) throw new HilError(`images: expected one ${what} in ${dir}, found ${hits.length}: ${hits.join(', ')}`, { code: 'BAD_PACKAGE' });
  return hits[0];
}

/**
 * Builds every artifact into `<outDir>/.build-<pid>` and moves the finished folder to `<outDir>/set-<id>`.
 * Returns the manifest for it (not yet written: the caller swaps it in last).
 */
export async function buildSet(
  outDir: string,
  inputs: Inputs,
  stamps: { recipeHash: string; aptStamp: string },
  log: (line: string) => void,
  from: { release: DebianRelease; apt: AptLists; oldApt: AptLists },
): Promise<Manifest> {
  const tmp = path.join(outDir, `.build-${process.pid}`);
  const set = path.join(tmp, 'set');
  await rm(tmp, { recursive: true, force: true });
  await mkdir(set, { recursive: true });
  try {
    const packages = [inputs.kernel, inputs.xen, inputs.busybox, ...inputs.dom0];
    const debs = await downloadPackages(packages, path.join(outDir, 'debs'), log, from.apt);
    for (const [name, deb] of await downloadPackages([inputs.oldKernel], path.join(outDir, 'debs'), log, from.oldApt)) debs.set(name, deb);
    const unpack = async (name: string, into: string) => {
      log(`extracting ${name}`);
      await extractDeb(debs.get(name)!, into);
    };
    const kernelRoot = path.join(tmp, 'kernel');
    const xenRoot = path.join(tmp, 'xen');
    const busyboxRoot = path.join(tmp, 'busybox');
    const dom0Root = path.join(tmp, 'dom0');
    await unpack(inputs.kernel.name, kernelRoot);
    const oldKernelRoot = path.join(tmp, 'old-kernel');
    await unpack(inputs.oldKernel.name, oldKernelRoot);
    await unpack(inputs.xen.name, xenRoot);
    await unpack(inputs.busybox.name, busyboxRoot);
    for (const p of inputs.dom0) await unpack(p.name, dom0Root);
    await linkMergedUsr(dom0Root);

    const files: Record<string, string> = {};
    files.xen = await findOne(path.join(xenRoot, 'boot'), /^xen-[\d.]+-arm64$/, 'Xen Image');
    await copyArm64Image(path.join(xenRoot, 'boot', files.xen), path.join(set, files.xen), 'Xen');
    files.linux = await findOne(path.join(kernelRoot, 'boot'), /^vmlinuz-/, 'kernel Image');
    const kernelRelease = files.linux.slice('vmlinuz-'.length);
    await copyArm64Image(path.join(kernelRoot, 'boot', files.linux), path.join(set, files.linux), 'Linux');
    // The old kernel boots with the domU initramfs of the set's own kernel: its /init needs no module.
    files['linux-old'] = await findOne(path.join(oldKernelRoot, 'boot'), /^vmlinuz-/, 'old kernel Image');
    await copyArm64Image(path.join(oldKernelRoot, 'boot', files['linux-old']), path.join(set, files['linux-old']), 'Linux');

    log(`indexing kernel modules of ${kernelRelease}`);
    const modulesRoot = path.join(set, 'modules');
    await mkdir(path.join(modulesRoot, 'lib/modules'), { recursive: true });
    const modulesFrom = firstPresent(kernelRoot, [`lib/modules/${kernelRelease}`, `usr/lib/modules/${kernelRelease}`]);
    await rename(modulesFrom, path.join(modulesRoot, 'lib/modules', kernelRelease));
    await decompressModules(modulesRoot, kernelRelease);
    const index = await indexModules(modulesRoot, kernelRelease);
    await writeModulesDep(modulesRoot, index);

    log('building domu-initramfs');
    files['domu-initramfs'] = 'domu-initramfs.cpio.gz';
    await buildDomuInitramfs({ busyboxRoot, modulesRoot, index, out: path.join(set, files['domu-initramfs']) });
    log('building dom0-initramfs');
    files['dom0-initramfs'] = 'dom0-initramfs.cpio.gz';
    await buildDom0Initramfs({ busyboxRoot, modulesRoot, index, packagesRoot: dom0Root, release: from.release, out: path.join(set, files['dom0-initramfs']) });

    const dir = `set-${Date.now().toString(36)}`;
    const artifacts: Manifest['artifacts'] = {};
    for (const [name, file] of Object.entries(files)) {
      const abs = path.join(set, file);
      artifacts[name] = { file: path.posix.join(dir, file), size: (await stat(abs)).size, sha256: await sha256File(abs) };
    }
    await rename(set, path.join(outDir, dir));
    return {
      format: MANIFEST_FORMAT,
      ...stamps,
      release: from.release.name,
      dir,
      kernelRelease,
      modulesDir: path.posix.join(dir, 'modules'),
      packages: inputPackages(inputs),
      artifacts,
      builtAt: new Date().toISOString(),
    };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Removes build folders other than `keep` (older sets, leftovers of interrupted builds). */
export async function removeStaleSets(outDir: string, keep: string): Promise<void> {
  for (const name of await readdir(outDir)) {
    if ((name.startsWith('set-') || name.startsWith('.build-')) && name !== keep) {
      await rm(path.join(outDir, name), { recursive: true, force: true });
    }
  }
}

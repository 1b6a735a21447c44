import { HilError } from '../harness/errors.ts';
import { type PackageInfo, type PackageRef, resolveClosure, showPackages } from './apt.ts';
import { FIX_ARCH_COMMAND } from './host.ts';
import type { AptLists } from './own-apt.ts';
import { BUSYBOX_PACKAGE, dom0RootPackages, DOM0_SKIPPED_PACKAGES, KERNEL_METAPACKAGE, xenPackage } from './packages.ts';
import type { DebianRelease } from './releases.ts';

/** Apt's current candidates for everything the artifacts are built from. */
export interface Inputs {
  kernelMeta: PackageInfo;
  kernel: PackageInfo;
  xen: PackageInfo;
  busybox: PackageInfo;
  /** Dependency closure of the dom0 root packages. */
  dom0: PackageInfo[];
  /** The old kernel (OLD_KERNEL_SUITE's cloud kernel), from its own lists. */
  oldKernel: PackageInfo;
}

async function showOne(names: string[], apt: AptLists): Promise<PackageInfo[]> {
  const found = await showPackages(names, apt);
  const missing = names.filter((n) => !found.has(n));
  if (missing.length > 0) {
    throw new HilError(`images: package(s) ${missing.join(', ')} not found for arm64 in apt's lists; run: ${FIX_ARCH_COMMAND}`, {
      code: 'PACKAGE_NOT_FOUND',
    });
  }
  return names.map((n) => found.get(n)!);
}

/** The kernel package the metapackage depends on: `linux-image-<release>` (never hard-coded). */
export function kernelPackageName(meta: PackageInfo): string {
  const name = meta.depends.flat().find((n) => n.startsWith('linux-image-') && n !== meta.name);
  if (!name) throw new HilError(`images: ${meta.name} ${meta.version} depends on no linux-image-* package`, { code: 'PACKAGE_NOT_FOUND' });
  return name;
}

/** Resolves every input with apt-cache (the kernel chain and dom0's closure in parallel). */
export async function resolveInputs(release: DebianRelease, apt: AptLists, oldApt: AptLists): Promise<Inputs> {
  const [[kernelMeta, xen, busybox], dom0, [oldMeta]] = await Promise.all([
    showOne([KERNEL_METAPACKAGE, xenPackage(release), BUSYBOX_PACKAGE], apt),
    resolveClosure(dom0RootPackages(release), new Set(Object.keys(DOM0_SKIPPED_PACKAGES)), apt),
    showOne([KERNEL_METAPACKAGE], oldApt),
  ]);
  const [[kernel], [oldKernel]] = await Promise.all([showOne([kernelPackageName(kernelMeta)], apt), showOne([kernelPackageName(oldMeta)], oldApt)]);
  return { kernelMeta, kernel, xen, busybox, dom0, oldKernel };
}

/** Every input package as name, version and architecture, sorted by name, without duplicates. */
export function inputPackages(i: Inputs): PackageRef[] {
  const all = new Map<string, PackageRef>();
  for (const p of [i.kernelMeta, i.kernel, i.xen, i.busybox, ...i.dom0, i.oldKernel]) all.set(p.name, { name: p.name, version: p.version, arch: p.arch });
  return [...all.values()].sort((a, b) => a.name.localeCompare(b.name));
}

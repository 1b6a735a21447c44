/**
 * The virtual ZCU102's firmware: Debian's U-Boot for ZynqMP built from Debian's own source package
 * with Debian's cross compiler, the stand-in EL3 firmware (el3-standin.S, ours), and the ZCU102
 * device tree from that U-Boot build with the twin's two changes (boards/qemu-zcu102.ts).
 *
 * Built once into images/build/zynqmp and kept while the recipe is unchanged: a cache hit reads
 * the manifest and stats three files, nothing else. The source package comes through apt lists of
 * our own (a deb-src entry in images/build/zynqmp/apt), so the machine's apt sources stay as they were.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { zcu102Twin } from '../../boards/qemu-zcu102.ts';
import { HilError } from '../../harness/errors.ts';
import type { ZynqmpFirmwareFiles } from '../../harness/power/qemu-zcu102.ts';
import { CROSS, requireHostTools, run, SOURCE_BUILD_TOOLS } from '../host.ts';
import { withLock } from '../lock.ts';
import { ownAptLists } from '../own-apt.ts';
import { sha256File } from '../manifest.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ZYNQMP_OUT_DIR = path.join(here, '../build/zynqmp');
const UBOOT_SOURCE_PACKAGE = 'u-boot';

/** The tools the build runs, and the Debian package of each (harness/setup/host-packages.txt installs them). */
export const FIRMWARE_TOOLS: Record<string, string> = {
  ...SOURCE_BUILD_TOOLS,
  [`${CROSS}as`]: 'binutils-aarch64-linux-gnu',
  bc: 'bc',
  fdtput: 'device-tree-compiler',
};

interface FirmwareManifest {
  format: 1;
  recipeHash: string;
  /** The u-boot source package version built, e.g. 2023.01+dfsg-2+deb12u3. */
  ubootVersion: string;
  toolchain: string;
  files: Record<keyof ZynqmpFirmwareFiles, { file: string; sha256: string }>;
  builtAt: string;
}

export interface ZynqmpFirmware extends ZynqmpFirmwareFiles {
  ubootVersion: string;
}

export interface EnsureFirmwareOptions {
  outDir?: string;
  log?: (line: string) => void;
  /** Rebuild even when the manifest is current (e.g. to pick up a new Debian u-boot upload). */
  force?: boolean;
}

/** The twin's firmware files, built first if the recipe changed or they are missing. */
export async function ensureZynqmpFirmware(options: EnsureFirmwareOptions = {}): Promise<ZynqmpFirmware> {
  const outDir = path.resolve(options.outDir ?? ZYNQMP_OUT_DIR);
  const log = options.log ?? (() => {});
  const hash = recipeHash();
  const hit = options.force ? undefined : current(outDir, hash);
  if (hit) return hit;
  await requireHostTools(FIRMWARE_TOOLS);
  await mkdir(outDir, { recursive: true });
  return withLock(
    path.join(outDir, '.lock'),
    async () => {
      const again = options.force ? undefined : current(outDir, hash);
      if (again) return again;
      const started = performance.now();
      const manifest = await build(outDir, hash, log);
      await writeFile(path.join(outDir, 'manifest.json.tmp'), `${JSON.stringify(manifest, null, 2)}\n`);
      await rename(path.join(outDir, 'manifest.json.tmp'), path.join(outDir, 'manifest.json'));
      log(`ZynqMP firmware built in ${((performance.now() - started) / 1000).toFixed(0)} s (U-Boot ${manifest.ubootVersion})`);
      return toFirmware(outDir, manifest);
    },
    { log },
  );
}

/** sha256 over this folder's sources and the twin's facts (its DT changes and load addresses). */
function recipeHash(): string {
  const h = createHash('sha256');
  const files = readdirSync(here).filter((f) => /\.(ts|S)$/.test(f)).sort().map((f) => path.join(here, f));
  for (const file of [...files, path.join(here, '../../boards/qemu-zcu102.ts')]) {
    h.update(`${path.basename(file)}\0`).update(readFileSync(file)).update('\0');
  }
  return h.digest('hex');
}

function current(outDir: string, hash: string): ZynqmpFirmware | undefined {
  let m: FirmwareManifest;
  try {
    m = JSON.parse(readFileSync(path.join(outDir, 'manifest.json'), 'utf8')) as FirmwareManifest;
  } catch {
    return undefined;
  }
  if (m.format !== 1 || m.recipeHash !== hash) return undefined;
  const firmware = toFirmware(outDir, m);
  return (['el3', 'uboot', 'deviceTree'] as const).every((k) => existsSync(firmware[k])) ? firmware : undefined;
}

function toFirmware(outDir: string, m: FirmwareManifest): ZynqmpFirmware {
  return {
    el3: path.join(outDir, m.files.el3.file),
    uboot: path.join(outDir, m.files.uboot.file),
    deviceTree: path.join(outDir, m.files.deviceTree.file),
    ubootVersion: m.ubootVersion,
  };
}

async function build(outDir: string, recipe: string, log: (line: string) => void): Promise<FirmwareManifest> {
  const tmp = path.join(outDir, `.build-${process.pid}`);
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  try {
    const dsc = await fetchUbootSource(outDir, log);
    const ubootVersion = /_([^_]+)\.dsc$/.exec(dsc)![1];
    log(`unpacking U-Boot ${ubootVersion}`);
    const src = path.join(tmp, 'u-boot');
    await run('dpkg-source', ['--no-check', '-x', dsc, src]);
    const out = path.join(tmp, 'out');
    log(`building U-Boot (${zcu102Twin.ubootDefconfig}; about 1-2.5 min)`);
    const make = (...targets: string[]) => run('make', [`CROSS_COMPILE=${CROSS}`, `O=${out}`, `-j${os.availableParallelism()}`, ...targets], { cwd: src });
    await make(zcu102Twin.ubootDefconfig);
    await make('u-boot.elf', 'dtbs');
    log('assembling the stand-in EL3 firmware');
    const files = {
      uboot: path.join(tmp, 'u-boot.elf'),
      el3: path.join(tmp, 'el3-standin.bin'),
      deviceTree: path.join(tmp, 'zcu102-twin.dtb'),
    };
    await copyFile(path.join(out, 'u-boot.elf'), files.uboot);
    await assembleEl3(path.join(here, 'el3-standin.S'), files.el3, tmp);
    await twinDeviceTree(path.join(out, 'arch/arm/dts', zcu102Twin.boardDeviceTree), files.deviceTree);
    const dir = `set-${Date.now().toString(36)}`;
    await mkdir(path.join(outDir, dir));
    const recorded = {} as FirmwareManifest['files'];
    for (const [key, file] of Object.entries(files) as Array<[keyof ZynqmpFirmwareFiles, string]>) {
      const dest = path.join(outDir, dir, path.basename(file));
      await rename(file, dest);
      recorded[key] = { file: path.join(dir, path.basename(file)), sha256: await sha256File(dest) };
    }
    await removeOtherSets(outDir, dir);
    return { format: 1, recipeHash: recipe, ubootVersion, toolchain: (await run(`${CROSS}gcc`, ['-dumpfullversion'])).trim(), files: recorded, builtAt: new Date().toISOString() };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Downloads Debian's u-boot source package (once) through deb-src lists of our own. Returns the .dsc path. */
async function fetchUbootSource(outDir: string, log: (line: string) => void): Promise<string> {
  const srcDir = path.join(outDir, 'source');
  const have = (await readdir(srcDir).catch(() => [] as string[])).find((f) => f.startsWith(`${UBOOT_SOURCE_PACKAGE}_`) && f.endsWith('.dsc'));
  if (have) return path.join(srcDir, have);
  const apt = await ownAptLists(path.join(outDir, 'apt'), { types: 'deb-src', suite: 'bookworm' }, log);
  const scratch = path.join(outDir, `.source-${process.pid}`);
  await rm(scratch, { recursive: true, force: true });
  await mkdir(scratch);
  try {
    log(`downloading Debian's ${UBOOT_SOURCE_PACKAGE} source package`);
    await run('apt-get', [...apt.options, 'source', '--download-only', UBOOT_SOURCE_PACKAGE], { cwd: scratch });
    await rm(srcDir, { recursive: true, force: true });
    await rename(scratch, srcDir);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  const dsc = (await readdir(srcDir)).find((f) => f.endsWith('.dsc'));
  if (!dsc) throw new HilError(`images: apt-get source ${UBOOT_SOURCE_PACKAGE} left no .dsc in ${srcDir}`, { code: 'BAD_PACKAGE' });
  return path.join(srcDir, dsc);
}

async function assembleEl3(source: string, out: string, tmp: string): Promise<void> {
  const obj = path.join(tmp, 'el3-standin.o');
  const elf = path.join(tmp, 'el3-standin.elf');
  const base = `0x${zcu102Twin.el3LoadAddress.toString(16)}`;
  await run(`${CROSS}as`, ['--defsym', `UBOOT_ENTRY=0x${zcu102Twin.ubootTextBase.toString(16)}`, '-o', obj, source]);
  await run(`${CROSS}ld`, [`-Ttext=${base}`, '-e', '_start', '-o', elf, obj]);
  await run(`${CROSS}objcopy`, ['-O', 'binary', '-j', '.text', elf, out]);
}

/** The board DT with the twin's PHY address and GIC window (why: boards/qemu-zcu102.ts). */
async function twinDeviceTree(boardDtb: string, out: string): Promise<void> {
  await copyFile(boardDtb, out);
  const hex = (n: number) => `0x${n.toString(16)}`;
  await run('fdtput', ['-t', 'x', out, zcu102Twin.phy.node, 'reg', hex(zcu102Twin.phy.reg)]);
  await run('fdtput', ['-t', 'x', out, zcu102Twin.gic.node, 'reg', ...zcu102Twin.gic.reg.map(hex)]);
  if ((await stat(out)).size === 0) throw new HilError(`images: ${out} came out empty`, { code: 'BAD_PACKAGE' });
}

async function removeOtherSets(outDir: string, keep: string): Promise<void> {
  for (const name of await readdir(outDir)) {
    if ((name.startsWith('set-') || name.startsWith('.build-')) && name !== keep && !name.endsWith(`-${process.pid}`)) {
      await rm(path.join(outDir, name), { recursive: true, force: true });
    }
  }
}

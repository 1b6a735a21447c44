import assert from 'node:assert/strict';
import { link, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { READINESS_PARAM } from '../../harness/xen/readiness.ts';
import { fileIsArm64Image } from '../../images/arm64-image.ts';
import { type CpioMember, readCpio } from '../../images/cpio.ts';
import { readinessPrintf } from '../../images/init-scripts.ts';
import { aptStamp, sha256File } from '../../images/manifest.ts';
import { DOM0_MODULES } from '../../images/packages.ts';
import { DEFAULT_OUT_DIR, ensureImages, type ImageSet } from '../../images/recipe.ts';
import { EM_AARCH64, elfMachine, isElf, unpackMembers, unresolved } from './elf-check.ts';

const members = async (file: string) => readCpio(gunzipSync(await readFile(file)));
const byName = (ms: CpioMember[]) => new Map(ms.map((m) => [m.name, m]));
const mtimes = async (set: ImageSet) =>
  Promise.all(Object.values(set.artifacts).map(async (a) => (await stat(a.path)).mtimeMs));

/** Saves a download when the default build folder already holds the .debs (hard links, same files). */
async function seedDebs(outDir: string): Promise<void> {
  const from = path.join(DEFAULT_OUT_DIR, 'debs');
  const names = await readdir(from).catch(() => [] as string[]);
  await mkdir(path.join(outDir, 'debs'), { recursive: true });
  for (const n of names.filter((n) => n.endsWith('.deb'))) await link(path.join(from, n), path.join(outDir, 'debs', n)).catch(() => {});
}

describe('images: real build from Debian bookworm arm64 packages @e2e', function () {
  this.timeout(15 * 60_000);
  let outDir: string;
  let set: ImageSet;
  const logs: string[] = [];

  before(async () => {
    outDir = await mkdtemp(path.join(tmpdir(), 'hil-images-'));
    await seedDebs(outDir);
    set = await ensureImages({ outDir, log: (l) => logs.push(l) });
  });
  after(() => rm(outDir, { recursive: true, force: true }));

  it('builds every artifact, and the manifest records each file size and sha256', async () => {
    assert.deepEqual(Object.keys(set.artifacts).sort(), ['dom0-initramfs', 'domu-initramfs', 'linux', 'linux-old', 'xen']);
    const manifest = JSON.parse(await readFile(set.manifestPath, 'utf8'));
    for (const a of Object.values(set.artifacts)) {
      assert.equal((await stat(a.path)).size, a.size, a.name);
      assert.equal(await sha256File(a.path), a.sha256, a.name);
      assert.equal(manifest.artifacts[a.name].sha256, a.sha256);
    }
    const names = manifest.packages.map((p: { name: string }) => p.name);
    for (const n of [`linux-image-${set.kernelRelease}`, 'linux-image-cloud-arm64', 'xen-hypervisor-4.17-arm64', 'busybox-static', 'libc6']) assert.ok(names.includes(n), n);
    assert.ok(logs.some((l) => l.startsWith('building domu-initramfs')), logs.join('\n'));
  });

  it('xen and linux are arm64 Images; linux is the uncompressed ~27 MB kernel', async () => {
    assert.ok(await fileIsArm64Image(set.artifacts.xen.path));
    assert.ok(await fileIsArm64Image(set.artifacts.linux.path));
    assert.ok(set.artifacts.linux.size > 15e6, `linux is ${set.artifacts.linux.size} bytes`);
  });

  it('domu-initramfs has /init printing the readiness line, an aarch64 busybox, /dev/console and xen-netfront', async () => {
    const m = byName(await members(set.artifacts['domu-initramfs'].path));
    const init = m.get('init')!;
    assert.equal(init.mode, 0o100755);
    assert.ok(init.data.toString().includes(`param ${READINESS_PARAM} unnamed`));
    assert.ok(init.data.toString().includes(readinessPrintf('name')));
    const busybox = m.get('bin/busybox')!;
    assert.ok(isElf(busybox.data) && elfMachine(busybox.data) === EM_AARCH64);
    assert.equal(m.get('bin/sh')!.data.toString(), 'busybox');
    assert.deepEqual(m.get('dev/console')!.rdev, [5, 1]);
    assert.ok([...m.values()].every((x) => x.uid === 0 && x.gid === 0));
    const dep = m.get(`lib/modules/${set.kernelRelease}/modules.dep`)!.data.toString();
    assert.match(dep, /^kernel\/drivers\/net\/xen-netfront\.ko:/m);
    for (const line of dep.trim().split('\n')) {
      for (const ko of line.replace(':', '').split(' ')) assert.ok(m.has(`lib/modules/${set.kernelRelease}/${ko}`), ko);
    }
  });

  it('dom0-initramfs holds the Xen tools, dropbear and bash, and every ELF resolves its interpreter and libraries', async () => {
    const ms = await members(set.artifacts['dom0-initramfs'].path);
    const m = byName(ms);
    for (const f of ['xl', 'xenstored', 'xenconsoled', 'xen-init-dom0', 'init-dom0less']) assert.ok(m.has(`usr/lib/xen-4.17/bin/${f}`), f);
    for (const f of ['usr/sbin/dropbear', 'bin/bash', 'usr/bin/xenstore-read', 'etc/xen/scripts/vif-bridge', 'etc/passwd']) assert.ok(m.has(f), f);
    assert.ok(!m.get('init')!.data.toString().includes('init-dom0less'));
    const dep = m.get(`lib/modules/${set.kernelRelease}/modules.dep`)!.data.toString();
    for (const mod of DOM0_MODULES) assert.match(dep, new RegExp(`/${mod.replace(/[-_]/g, '[-_]')}\\.ko:`), mod);
    assert.match(dep, /bridge\.ko: .*stp\.ko .*llc\.ko/);
    const root = path.join(outDir, 'dom0-unpacked');
    await unpackMembers(ms, root);
    const elves = ms.filter((x) => (x.mode & 0o170000) === 0o100000 && isElf(x.data) && !x.name.endsWith('.ko'));
    assert.ok(elves.length > 30, `only ${elves.length} ELF files`);
    assert.ok(elves.every((x) => elfMachine(x.data) === EM_AARCH64));
    const problems = (await Promise.all(elves.map((x) => unresolved(root, x.name)))).flat();
    assert.deepEqual(problems, []);
  });

  it('keeps the full kernel modules tree with a modules.dep', async () => {
    const dep = await readFile(path.join(set.modulesDir, 'lib/modules', set.kernelRelease, 'modules.dep'), 'utf8');
    assert.ok(dep.split('\n').length > 500);
    assert.match(dep, /^kernel\/net\/bridge\/bridge\.ko: kernel\/net\/802\/stp\.ko kernel\/net\/llc\/llc\.ko$/m);
  });

  it('a second call is a cache hit: well under a second, nothing rebuilt, no apt (PATH emptied)', async () => {
    const before = await mtimes(set);
    const manifestBefore = (await stat(set.manifestPath)).mtimeMs;
    const savedPath = process.env.PATH;
    process.env.PATH = '';
    const t0 = performance.now();
    let again: ImageSet;
    try {
      again = await ensureImages({ outDir });
    } finally {
      process.env.PATH = savedPath;
    }
    const ms = performance.now() - t0;
    assert.ok(ms < 500, `cache hit took ${ms.toFixed(0)} ms`);
    assert.deepEqual(again, set);
    assert.deepEqual(await mtimes(again), before);
    assert.equal((await stat(set.manifestPath)).mtimeMs, manifestBefore);
  });

  it('new apt lists with the same versions re-resolve but keep the artifacts', async () => {
    const before = await mtimes(set);
    const manifest = JSON.parse(await readFile(set.manifestPath, 'utf8'));
    await writeFile(set.manifestPath, JSON.stringify({ ...manifest, aptStamp: 'stale' }));
    const lines: string[] = [];
    const again = await ensureImages({ outDir, log: (l) => lines.push(l) });
    assert.ok(lines.includes('package versions unchanged: keeping the built images'), lines.join('\n'));
    assert.deepEqual(await mtimes(again), before);
    assert.equal(JSON.parse(await readFile(set.manifestPath, 'utf8')).aptStamp, await aptStamp());
  });

  it('a changed recipe hash forces a rebuild into a new folder, and the old one is removed', async () => {
    const manifest = JSON.parse(await readFile(set.manifestPath, 'utf8'));
    await writeFile(set.manifestPath, JSON.stringify({ ...manifest, recipeHash: 'an-older-recipe' }));
    const rebuilt = await ensureImages({ outDir });
    assert.notEqual(rebuilt.dir, set.dir);
    assert.equal(await stat(set.dir).catch(() => undefined), undefined);
    assert.equal(JSON.parse(await readFile(rebuilt.manifestPath, 'utf8')).recipeHash, manifest.recipeHash);
    for (const name of Object.keys(set.artifacts)) assert.equal(rebuilt.artifacts[name].sha256, set.artifacts[name].sha256, `${name} is reproducible`);
  });
});

import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { aptStamp, artifactsPresent, type Manifest, readManifest, recipeHash, samePackages, writeManifest } from '../../images/manifest.ts';

const manifest = (artifacts: Manifest['artifacts']): Manifest => ({
  format: 1,
  recipeHash: 'r',
  aptStamp: 's',
  dir: 'set-1',
  kernelRelease: 'k',
  modulesDir: 'set-1/modules',
  packages: [],
  artifacts,
  builtAt: '',
});

describe('images/manifest', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(path.join(tmpdir(), 'hil-man-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('recipeHash is stable and hex', async () => {
    const a = await recipeHash();
    assert.match(a, /^[0-9a-f]{64}$/);
    assert.equal(await recipeHash(), a);
  });

  it('aptStamp changes when a Packages list changes, and ignores other files', async () => {
    const list = path.join(dir, 'deb.debian.org_debian_dists_bookworm_main_binary-arm64_Packages.lz4');
    await writeFile(list, 'one');
    const arch = path.join(dir, 'arch');
    const first = await aptStamp(dir, arch);
    await writeFile(path.join(dir, 'lock'), 'x');
    assert.equal(await aptStamp(dir, arch), first);
    await writeFile(list, 'two!');
    assert.notEqual(await aptStamp(dir, arch), first);
    const second = await aptStamp(dir, arch);
    await utimes(list, new Date(1000), new Date(1000));
    assert.notEqual(await aptStamp(dir, arch), second, 'a new mtime counts');
  });

  it('round-trips through an atomic write that leaves no temporary file', async () => {
    const file = path.join(dir, 'manifest.json');
    const m = manifest({ a: { file: 'set-1/a', size: 1, sha256: 'x' } });
    await writeManifest(file, m);
    assert.deepEqual(await readManifest(file), m);
    assert.deepEqual(await readdir(dir), ['manifest.json']);
  });

  it('treats a missing, corrupt or other-format manifest as absent', async () => {
    const file = path.join(dir, 'manifest.json');
    assert.equal(await readManifest(file), undefined);
    await writeFile(file, '{"format": 1, "artif');
    assert.equal(await readManifest(file), undefined);
    await writeFile(file, JSON.stringify({ ...manifest({}), format: 99 }));
    assert.equal(await readManifest(file), undefined);
  });

  it('artifactsPresent fails on a missing file or a size that differs', async () => {
    await writeFile(path.join(dir, 'a'), 'abc');
    assert.equal(await artifactsPresent(dir, manifest({ a: { file: 'a', size: 3, sha256: '' } })), true);
    assert.equal(await artifactsPresent(dir, manifest({ a: { file: 'a', size: 4, sha256: '' } })), false);
    assert.equal(await artifactsPresent(dir, manifest({ b: { file: 'b', size: 0, sha256: '' } })), false);
  });

  it('samePackages compares versions and ignores order', () => {
    const a = { name: 'a', version: '1', arch: 'arm64' };
    const b = { name: 'b', version: '2', arch: 'all' };
    assert.ok(samePackages([a, b], [b, a]));
    assert.ok(!samePackages([a, b], [a, { ...b, version: '3' }]));
    assert.ok(!samePackages([a], [a, b]));
  });
});

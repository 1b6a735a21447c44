import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HilError } from '../../harness/errors.ts';
import { type ImageSet, resolveArtifact } from '../../images/recipe.ts';
import { DEFAULT_RELEASE } from '../../images/releases.ts';

describe('images/resolveArtifact', () => {
  let dir: string;
  let set: ImageSet;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hil-art-'));
    const linux = { name: 'linux', path: path.join(dir, 'vmlinuz'), size: 3, sha256: 'abc' };
    set = { release: DEFAULT_RELEASE, dir, artifacts: { linux }, manifestPath: path.join(dir, 'manifest.json'), kernelRelease: 'r', modulesDir: dir };
    await writeFile(path.join(dir, 'custom.img'), 'hello');
    await mkdir(path.join(dir, 'folder'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('returns an artifact by name', () => {
    assert.equal(resolveArtifact(set, 'linux'), set.artifacts.linux);
  });

  it('hashes a file given by path (absolute or relative to the current folder)', () => {
    const a = resolveArtifact(set, path.join(dir, 'custom.img'));
    assert.deepEqual(a, {
      name: 'custom.img',
      path: path.join(dir, 'custom.img'),
      size: 5,
      sha256: createHash('sha256').update('hello').digest('hex'),
    });
    assert.equal(resolveArtifact(set, path.relative(process.cwd(), path.join(dir, 'custom.img'))).size, 5);
  });

  it('names the known artifacts and the path looked at when the name is neither', () => {
    assert.throws(
      () => resolveArtifact(set, 'linxu'),
      (e: unknown) =>
        e instanceof HilError &&
        e.code === 'ARTIFACT_NOT_FOUND' &&
        e.message.includes("'linxu' is neither an artifact name (known: linux, xen-null)") &&
        e.message.includes(`no file at ${path.resolve('linxu')}`),
    );
  });

  it('refuses a folder', () => {
    assert.throws(() => resolveArtifact(set, path.join(dir, 'folder')), /is not a regular file/);
  });

  it('does not take an inherited object key for an artifact name', () => {
    assert.throws(() => resolveArtifact(set, 'constructor'), HilError);
  });
});

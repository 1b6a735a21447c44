import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stageFiles } from '../../harness/plan/uboot-commands.ts';
import { makeFile, scratch } from './fixtures.ts';
import { requireOrSkip } from '../support/requirements.ts';

describe('plan: staging files into the TFTP root', function () {
  let dir: string;
  let cleanup: () => void;
  let root: string;
  beforeEach(function () {
    ({ dir, cleanup } = scratch());
    root = join(dir, 'tftp');
  });
  afterEach(() => cleanup());

  it('hard-links each file under its TFTP name when on the same file system', async function () {
    const src = makeFile(dir, 'Image', 5000);
    await stageFiles({ files: [{ tftpName: 'linux', path: src }] }, root);
    const staged = lstatSync(join(root, 'linux'));
    assert.ok(staged.isFile());
    assert.equal(staged.ino, statSync(src).ino, 'same inode: a hard link');
  });

  it('copies when a hard link is impossible (another file system)', async function () {
    const shm = mkdtempSync('/dev/shm/hil-plan-');
    try {
      requireOrSkip(this, statSync(shm).dev === statSync(dir).dev ? `a second file system: /dev/shm and ${dir} are on the same one` : undefined);
      const src = makeFile(shm, 'Image', 7000);
      await stageFiles({ files: [{ tftpName: 'linux', path: src }] }, root);
      const staged = lstatSync(join(root, 'linux'));
      assert.ok(staged.isFile() && !staged.isSymbolicLink());
      assert.notEqual(staged.ino, statSync(src).ino);
      assert.deepEqual(readFileSync(join(root, 'linux')), readFileSync(src));
    } finally {
      rmSync(shm, { recursive: true, force: true });
    }
  });

  it('stages the target of a symlinked source, never a symlink', async function () {
    const real = makeFile(dir, 'real-Image', 3000);
    const link = join(dir, 'Image-link');
    symlinkSync(real, link);
    await stageFiles({ files: [{ tftpName: 'linux', path: link }] }, root);
    const staged = lstatSync(join(root, 'linux'));
    assert.ok(!staged.isSymbolicLink(), 'a symlink would be refused by the TFTP server');
    assert.equal(staged.ino, statSync(real).ino);
  });

  it('replaces what is already there: an old file, or a symlink', async function () {
    mkdirSync(root);
    writeFileSync(join(root, 'xen'), 'stale');
    symlinkSync('/etc/hostname', join(root, 'linux'));
    const xen = makeFile(dir, 'xen-new', 100);
    const linux = makeFile(dir, 'linux-new', 200);
    await stageFiles({ files: [{ tftpName: 'xen', path: xen }, { tftpName: 'linux', path: linux }] }, root);
    assert.equal(statSync(join(root, 'xen')).size, 100);
    assert.ok(!lstatSync(join(root, 'linux')).isSymbolicLink());
    assert.equal(statSync(join(root, 'linux')).size, 200);
  });

  it('leaves a file that already is the staged file alone (source inside the root)', async function () {
    mkdirSync(root);
    const inside = makeFile(root, 'linux', 1234);
    await stageFiles({ files: [{ tftpName: 'linux', path: inside }] }, root);
    assert.equal(statSync(inside).size, 1234, 'not unlinked');
  });

  it('names the missing source file', async function () {
    await assert.rejects(stageFiles({ files: [{ tftpName: 'linux', path: join(dir, 'nope') }] }, root), /nope/);
  });
});

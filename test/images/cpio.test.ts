import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { type CpioEntry, readCpio, writeCpio } from '../../images/cpio.ts';
import { finalizeEntries } from '../../images/initramfs.ts';

const sample: CpioEntry[] = [
  { type: 'dir', path: 'bin' },
  { type: 'file', path: 'bin/tool', data: Buffer.from('#!/bin/sh\necho hi\n'), mode: 0o755 },
  { type: 'symlink', path: 'bin/sh', target: 'busybox' },
  { type: 'char', path: 'console', major: 5, minor: 1 },
  { type: 'file', path: 'empty', data: Buffer.alloc(0) },
];

describe('images/cpio', () => {
  it('round-trips names, modes, data, symlink targets and device numbers, all owned by root', () => {
    const members = readCpio(writeCpio(sample));
    assert.deepEqual(members.map((m) => m.name), ['bin', 'bin/tool', 'bin/sh', 'console', 'empty']);
    assert.equal(members[1].mode, 0o100755);
    assert.equal(members[1].data.toString(), '#!/bin/sh\necho hi\n');
    assert.equal(members[2].mode, 0o120777);
    assert.equal(members[2].data.toString(), 'busybox');
    assert.equal(members[3].mode, 0o020600);
    assert.deepEqual(members[3].rdev, [5, 1]);
    assert.equal(members[4].data.length, 0);
    assert.ok(members.every((m) => m.uid === 0 && m.gid === 0));
  });

  it('pads every name length and data length to 4 bytes (lengths 1 to 8)', () => {
    const entries: CpioEntry[] = [];
    for (let n = 1; n <= 8; n++) entries.push({ type: 'file', path: 'n'.repeat(n), data: Buffer.alloc(n, n) });
    const buf = writeCpio(entries);
    assert.equal(buf.length % 4, 0);
    const members = readCpio(buf);
    assert.deepEqual(members.map((m) => m.data.length), [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.ok(members.every((m, i) => m.data.every((b) => b === i + 1)));
  });

  it('reads concatenated archives, as the kernel does', () => {
    const two = Buffer.concat([writeCpio(sample.slice(0, 2)), writeCpio([{ type: 'file', path: 'extra', data: Buffer.from('x') }])]);
    assert.deepEqual(readCpio(two).map((m) => m.name), ['bin', 'bin/tool', 'extra']);
  });

  it('is the same bytes for the same input (fixed mtime)', () => {
    assert.ok(writeCpio(sample).equals(writeCpio(sample)));
  });

  it('is readable by the host cpio tool', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hil-cpio-'));
    try {
      await writeFile(path.join(dir, 'a.cpio'), writeCpio(sample));
      const { stdout } = await execa('cpio', ['-itv', '--quiet', '-F', path.join(dir, 'a.cpio')]);
      const lines = stdout.split('\n');
      assert.match(lines.find((l) => l.endsWith('bin/tool'))!, /^-rwxr-xr-x\s+1 root\s+root\s+18 /);
      assert.match(lines.find((l) => l.includes('console'))!, /^crw-------.* 5,\s+1 /);
      assert.ok(lines.some((l) => l.endsWith('bin/sh -> busybox')));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects a buffer that is not a newc archive', () => {
    assert.throws(() => readCpio(Buffer.alloc(200, 0x41)), /bad magic/);
  });

  it('finalizeEntries adds missing parent folders before their children and lets later entries win', () => {
    const out = finalizeEntries([
      { type: 'file', path: 'lib/modules/x/a.ko', data: Buffer.from('1') },
      { type: 'file', path: '/lib/modules/x/a.ko', data: Buffer.from('2') },
      { type: 'dir', path: 'lib', mode: 0o700 },
    ]);
    assert.deepEqual(out.map((e) => e.path), ['lib', 'lib/modules', 'lib/modules/x', 'lib/modules/x/a.ko']);
    assert.equal((out[0] as { mode: number }).mode, 0o700);
    assert.equal((out[3] as { data: Buffer }).data.toString(), '2');
  });
});

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { authorizedKeyArchive, withAuthorizedKey } from '../../images/authorized-key.ts';
import { readCpio, writeCpio } from '../../images/cpio.ts';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGx0ZXN0a2V5dGVzdGtleXRlc3RrZXl0ZXN0a2V5dGVz hil-test';

describe('images/withAuthorizedKey', () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(path.join(tmpdir(), 'hil-key-'))));
  after(() => rm(dir, { recursive: true, force: true }));

  it('appends an archive with root/.ssh/authorized_keys (0600, folders 0700, root-owned) after the base one', async () => {
    const basePath = path.join(dir, 'dom0-initramfs.cpio.gz');
    const baseData = gzipSync(writeCpio([{ type: 'file', path: 'init', data: Buffer.from('#!/bin/sh\n'), mode: 0o755 }]));
    await writeFile(basePath, baseData);
    const base = { name: 'dom0-initramfs', path: basePath, size: baseData.length, sha256: 'x' };
    const out = await withAuthorizedKey(base, `${KEY}\n`, path.join(dir, 'staged'));
    const data = await readFile(out.path);
    assert.equal(out.name, 'dom0-initramfs');
    assert.equal(out.size, data.length);
    assert.ok(data.subarray(0, baseData.length).equals(baseData), 'the base archive is kept byte for byte');
    const members = readCpio(gunzipSync(data));
    assert.deepEqual(members.map((m) => m.name), ['init', 'root', 'root/.ssh', 'root/.ssh/authorized_keys']);
    const key = members[3];
    assert.equal(key.data.toString(), `${KEY}\n`);
    assert.equal(key.mode, 0o100600);
    assert.equal(members[2].mode, 0o040700);
    assert.ok(members.every((m) => m.uid === 0 && m.gid === 0));
    const again = await withAuthorizedKey(base, KEY, path.join(dir, 'staged'));
    assert.equal(again.path, out.path, 'the same key gives the same file');
  });

  it('rejects text that is not one OpenSSH public key line', () => {
    assert.throws(() => authorizedKeyArchive('-----BEGIN OPENSSH PRIVATE KEY-----'), /not a single OpenSSH public key line/);
    assert.throws(() => authorizedKeyArchive(`${KEY}\n${KEY}`), /not a single OpenSSH public key line/);
  });
});

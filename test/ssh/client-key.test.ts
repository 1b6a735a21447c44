import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { ensureClientKey, generateEd25519, publicKeyOf } from '../../harness/ssh/client-key.ts';
import { fingerprint, KnownHosts } from '../../harness/ssh/known-hosts.ts';

describe('ssh: the lab key and known hosts', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'hil-sshkey-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('generates an ed25519 key once, mode 0600 in a 0700 folder, and reuses it', () => {
    const a = ensureClientKey({ dir: join(dir, 'k') });
    assert.match(a.publicKey, /^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5\S+ hil$/);
    assert.equal(statSync(a.privateKeyFile).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, 'k')).mode & 0o777, 0o700);
    assert.match(readFileSync(a.privateKeyFile, 'utf8'), /^-----BEGIN OPENSSH PRIVATE KEY-----/);
    const b = ensureClientKey({ dir: join(dir, 'k') });
    assert.deepEqual(b, a);
  });

  it('every key it generates can be read back (ssh2 alone writes a malformed one about 1 time in 300)', () => {
    const unreadable: string[] = [];
    for (let i = 0; i < 1500; i++) {
      const pair = generateEd25519();
      const key = ssh2.utils.parseKey(pair.private);
      if (key instanceof Error) unreadable.push(key.message);
      else assert.equal(`${key.type} ${key.getPublicSSH().toString('base64')} hil`, pair.public);
    }
    assert.deepEqual(unreadable, []);
  });

  it('refuses a private key file others can read', () => {
    const k = ensureClientKey({ dir: join(dir, 'k') });
    chmodSync(k.privateKeyFile, 0o644);
    assert.throws(() => publicKeyOf(k.privateKeyFile), /readable by others \(mode 644\): chmod 600 it/);
  });

  it('known hosts: new, match, changed (with fingerprints), per board name', () => {
    const hosts = new KnownHosts(join(dir, 'known_hosts'));
    const keyA = Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.alloc(36, 1)]);
    const keyB = Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.alloc(36, 2)]);
    assert.deepEqual(hosts.check('zcu102-1', keyA), { kind: 'new' });
    hosts.pin('zcu102-1', keyA);
    assert.deepEqual(hosts.check('zcu102-1', keyA), { kind: 'match' });
    assert.deepEqual(hosts.check('zcu102-1', keyB), { kind: 'changed', pinned: fingerprint(keyA), presented: fingerprint(keyB) });
    assert.deepEqual(hosts.check('rpi4-1', keyB), { kind: 'new' }, 'another board has its own pin');
    assert.match(readFileSync(join(dir, 'known_hosts'), 'utf8'), /^zcu102-1 ssh-ed25519 \S+\n$/);
  });
});

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureClientKey, type ClientKey } from '../../harness/ssh/client-key.ts';
import { KnownHosts } from '../../harness/ssh/known-hosts.ts';
import { SshClient, type SshClientOptions } from '../../harness/ssh/ssh-client.ts';
import { SshError } from '../../harness/ssh/ssh-error.ts';
import { upload, watchOutput } from '../../harness/ssh/streams.ts';
import { closedPort } from '../power/peers/http-peer.ts';
import { canRunDropbear, DropbearPeer } from './dropbear-peer.ts';
import { requireOrSkip } from '../support/requirements.ts';

describe('ssh: SshClient against a real dropbear on loopback', function () {
  this.timeout(30000);
  let dir: string;
  let peer: DropbearPeer;
  let key: ClientKey;
  let hostKeyA: string;
  const clients: SshClient[] = [];

  const client = (over: Partial<SshClientOptions> = {}) => {
    const c = new SshClient({
      board: 'bench-1',
      host: '127.0.0.1',
      port: peer.port,
      user: 'root',
      privateKeyFile: key.privateKeyFile,
      knownHosts: new KnownHosts(join(dir, 'known_hosts')),
      connectTimeoutMs: 5000,
      ...over,
    });
    clients.push(c);
    return c;
  };

  /** The SshError a promise rejects with (fails the test when it resolves or throws something else). */
  async function sshError(p: Promise<unknown>): Promise<SshError> {
    const err = await p.then(
      () => assert.fail('expected an SSH failure'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof SshError, `not an SshError: ${err}`);
    return err;
  }

  before(async function () {
    requireOrSkip(this, canRunDropbear());
    dir = mkdtempSync(join(tmpdir(), 'hil-ssh-'));
    peer = new DropbearPeer(dir);
    key = ensureClientKey({ dir: join(dir, 'key') });
    peer.authorize(key.publicKey);
    hostKeyA = peer.hostKey('a');
    await peer.start({ hostKey: hostKeyA });
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });

  after(async () => {
    await peer?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs a command and returns its stdout, stderr and exit code', async () => {
    const r = await client().run('echo out; echo err >&2; exit 3');
    assert.equal(r.stdout, 'out\n');
    assert.equal(r.stderr, 'err\n');
    assert.equal(r.exitCode, 3);
  });

  it('passes stdin to the command', async () => {
    const r = await client().run('tr a-z A-Z', { stdin: 'hello dom0' });
    assert.equal(r.stdout, 'HELLO DOM0');
    assert.equal(r.exitCode, 0);
  });

  it('runs several commands at once over one connection', async () => {
    const c = client();
    await c.run('true');
    const started = performance.now();
    const results = await Promise.all([1, 2, 3].map((n) => c.run(`sleep 0.5; echo ${n}`)));
    assert.deepEqual(results.map((r) => r.stdout.trim()), ['1', '2', '3']);
    assert.ok(performance.now() - started < 1400, 'the three ran side by side');
  });

  it('pins the host key under the board name on first use and accepts it again', async () => {
    await client().run('true');
    const line = readFileSync(join(dir, 'known_hosts'), 'utf8').trim().split('\n')[0];
    assert.match(line, /^bench-1 ssh-ed25519 [A-Za-z0-9+/=]+$/);
    const again = client();
    assert.equal((await again.run('echo again')).stdout, 'again\n');
    assert.equal(readFileSync(join(dir, 'known_hosts'), 'utf8').trim().split('\n').length, 1, 'pinned once');
  });

  it('refuses a changed host key with the board, the address and both fingerprints', async () => {
    await client().run('true');
    await peer.stop();
    await peer.start({ hostKey: peer.hostKey('b'), port: peer.port });
    try {
      const err = await sshError(client().run('true'));
      assert.equal(err.code, 'SSH_HOST_KEY');
      assert.equal(err.board, 'bench-1');
      assert.match(err.message, new RegExp(`board bench-1 \\(root@127\\.0\\.0\\.1:${peer.port}\\)`));
      assert.match(err.message, /host key changed: .*known_hosts pins SHA256:\S+ for bench-1, the server presented SHA256:\S+/);
    } finally {
      await peer.stop();
      await peer.start({ hostKey: hostKeyA, port: peer.port });
    }
  });

  it('fails clearly when the server refuses our key', async () => {
    const other = ensureClientKey({ dir: join(dir, 'other-key') });
    const err = await sshError(client({ privateKeyFile: other.privateKeyFile }).run('true'));
    assert.equal(err.code, 'SSH_AUTH');
    assert.match(err.message, /SSH to board bench-1 \(root@127\.0\.0\.1:\d+\): the server refused our key .*other-key\/id_ed25519/);
    assert.ok(!err.message.includes(readFileSync(other.privateKeyFile, 'utf8').split('\n')[1]), 'no key text in the message');
  });

  it('fails clearly when the key file cannot be read', async () => {
    const err = await sshError(client({ privateKeyFile: join(dir, 'no-such-key') }).run('true'));
    assert.equal(err.code, 'SSH_KEY');
    assert.match(err.message, /SSH to board bench-1 \(root@127\.0\.0\.1:\d+\): cannot read the key .*no-such-key/);
  });

  it('fails clearly when nothing listens (connection refused)', async () => {
    const port = await closedPort();
    const err = await sshError(client({ port }).run('true'));
    assert.equal(err.code, 'SSH_REFUSED');
    assert.match(err.message, new RegExp(`board bench-1 \\(root@127\\.0\\.0\\.1:${port}\\): connection refused`));
  });

  it('times out when the server accepts but never speaks SSH', async () => {
    const silent: Server = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    try {
      const started = performance.now();
      const err = await sshError(client({ port, connectTimeoutMs: 800 }).run('true'));
      assert.equal(err.code, 'SSH_TIMEOUT');
      assert.match(err.message, new RegExp(`:${port}\\): no SSH handshake within 800 ms`));
      assert.ok(performance.now() - started < 4000, 'gave up in time');
    } finally {
      silent.close();
    }
  });

  it('times out a command that runs too long, with what it printed', async () => {
    const err = await sshError(client().run('echo started; sleep 10', { timeoutMs: 700 }));
    assert.equal(err.code, 'SSH_TIMEOUT');
    assert.match(err.message, /command 'echo started; sleep 10' did not finish within 700 ms\nstdout: started/);
  });

  it('reconnects after the connection was closed', async () => {
    const c = client();
    await c.run('true');
    await c.close();
    assert.equal((await c.run('echo back')).stdout, 'back\n');
  });

  it('uploads a file byte for byte', async () => {
    const local = join(dir, 'blob');
    const data = Buffer.alloc(3 * 1048576 + 17);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7919) & 0xff;
    writeFileSync(local, data);
    const c = client();
    const r = await upload(c, local, join(dir, 'blob-copy'));
    assert.equal(r.bytes, data.length);
    const sum = (await c.run(`sha256sum ${join(dir, 'blob-copy')}`)).stdout.split(' ')[0];
    assert.equal(sum, createHash('sha256').update(data).digest('hex'));
  });

  it('watches a command until its output shows each pattern, and times each one', async () => {
    const c = client();
    const started = performance.now();
    const r = await watchOutput(c, 'echo first; sleep 0.5; echo second; sleep 30', { until: [/first/, /second/], timeoutMs: 5000, pty: true });
    assert.ok(r.seenAt[0] >= started && r.seenAt[1] - r.seenAt[0] >= 400, `times ${r.seenAt.map((t) => t - started)}`);
    assert.ok(performance.now() - started < 5000, 'closed the channel once both were seen');
  });

  it('a watch that never sees its pattern times out naming it and showing the output', async () => {
    const err = await sshError(watchOutput(client(), 'echo nothing here; sleep 30', { until: [/ready/], timeoutMs: 600 }));
    assert.match(err.message, /did not print \/ready\/ within 600 ms; output ended with:\nnothing here/);
  });
});

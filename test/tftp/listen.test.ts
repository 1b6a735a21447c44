import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { HilError } from '../../harness/errors.ts';
import { serveCommand } from '../../harness/tftp/serve-command.ts';
import { TftpServer } from '../../harness/tftp/server.ts';
import { pollUntil } from '../../harness/util/deadline.ts';
import { tftpHpaGet, tftpHpaPut } from './clients.ts';
import { requireOrSkip } from '../support/requirements.ts';

describe('tftp server start-up errors and the serve command', function () {
  this.timeout(20000);
  let dir: string;
  before(async () => (dir = await mkdtemp(path.join(tmpdir(), 'hil-tftp-listen-'))));
  after(async () => rm(dir, { recursive: true, force: true }));

  it('port already in use: a HilError naming the address and what may hold it', async () => {
    const holder = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => holder.bind(0, '127.0.0.1', resolve));
    const { port } = holder.address();
    try {
      const err = await new TftpServer({ root: dir, port }).listen().then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof HilError, String(err));
      assert.equal(err.code, 'TFTP_PORT_BUSY');
      assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${port}.*already in use.*atftpd`));
    } finally {
      holder.close();
    }
  });

  it('port 69 without CAP_NET_BIND_SERVICE: a HilError saying what is needed', function () {
    const script = `import { TftpServer } from './harness/tftp/server.ts';
      new TftpServer({ root: '/tmp', port: 69 }).listen().then((a) => { console.log('BOUND', a.port); process.exit(0); },
        (e) => { console.log(e.code + ': ' + e.message); process.exit(0); });`;
    // As root, drop the capability from the bounding set for the child; otherwise run as we are.
    const isRoot = process.getuid?.() === 0;
    requireOrSkip(this, isRoot && spawnSync('setpriv', ['--version']).status !== 0 ? 'setpriv (util-linux), to drop CAP_NET_BIND_SERVICE as root' : undefined);
    const cmd = isRoot ? ['setpriv', '--bounding-set', '-net_bind_service', process.execPath] : [process.execPath];
    const out = execFileSync(cmd[0], [...cmd.slice(1), '--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      encoding: 'utf8',
    });
    requireOrSkip(this, out.startsWith('BOUND') ? 'a host that keeps port 69 privileged (net.ipv4.ip_unprivileged_port_start lets anyone bind it here)' : undefined);
    assert.match(out, /^TFTP_PORT_PRIVILEGED: .*UDP 127\.0\.0\.1:69.*root or CAP_NET_BIND_SERVICE/);
  });

  it('a missing root is reported before binding', async () => {
    await assert.rejects(new TftpServer({ root: path.join(dir, 'nope'), port: 0 }).listen(), (e: unknown) => {
      return e instanceof HilError && e.code === 'TFTP_ROOT' && e.message.includes('nope');
    });
  });

  it('serveCommand prints where it listens and a line per transfer, and stops on abort', async () => {
    await writeFile(path.join(dir, 'Image'), Buffer.alloc(300_000, 7));
    const out = new PassThrough();
    let text = '';
    out.on('data', (d) => (text += d));
    const abort = new AbortController();
    const done = serveCommand({ dir, port: 0, out, signal: abort.signal });
    const port = Number(await pollUntil(() => /on 127\.0\.0\.1:(\d+);/.exec(text)?.[1], 5000, [10]));
    assert.ok(port > 0, `no listening line in: ${text}`);
    const r = await tftpHpaGet(port, 'Image', path.join(dir, 'got'));
    assert.equal(r.errorCode, undefined, r.output);
    await pollUntil(() => (text.includes('Image ') ? true : undefined), 3000, [10]);
    abort.abort();
    await done;
    assert.match(text, /Image {2}300000 B {2}\d+ ms {2}[\d.]+ MiB\/s {2}blksize 512\/window 1 {2}127\.0\.0\.1:\d+ {2}ok/);
    await tftpHpaGet(port, 'Image', path.join(dir, 'got2'), { killAfterMs: 1500 });
    const got = await stat(path.join(dir, 'got2')).then((s) => s.size, () => 0);
    assert.notEqual(got, 300_000, 'still serving after abort');
  });

  it('serveCommand prints refusals to its error stream, one line each, and only transfers to its output', async () => {
    const out = new PassThrough();
    const err = new PassThrough();
    let text = '';
    let errors = '';
    out.on('data', (d) => (text += d));
    err.on('data', (d) => (errors += d));
    const abort = new AbortController();
    const done = serveCommand({ dir, port: 0, out, err, signal: abort.signal });
    const port = Number(await pollUntil(() => /on 127\.0\.0\.1:(\d+);/.exec(text)?.[1], 5000, [10]));
    await writeFile(path.join(dir, 'upload'), 'data');
    await tftpHpaPut(port, path.join(dir, 'upload'), 'up');
    await tftpHpaGet(port, 'nothere', path.join(dir, 'got3'));
    abort.abort();
    await done;
    assert.match(errors, /^tftp: 127\.0\.0\.1:\d+ WRQ 'up' refused: Access violation: this TFTP server is read-only\n/);
    assert.match(errors, /\ntftp: 127\.0\.0\.1:\d+ RRQ 'nothere' refused: File not found: 'nothere'\n/);
    assert.doesNotMatch(text, /refused/);
  });
});

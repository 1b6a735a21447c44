import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { atftpGet, curlGet, get, sha256File, tftpHpaGet, type ClientName } from './clients.ts';
import { lastTransfer, startFixture, type Fixture } from './fixture.ts';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('tftp server with real Debian clients (tftp-hpa, atftp, curl)', function () {
  this.timeout(30000);
  let fx: Fixture;
  beforeEach(async () => (fx = await startFixture()));
  afterEach(async () => fx.close());

  const fetch = async (client: ClientName, name: string, content: Buffer, o: Parameters<typeof get>[4] = {}) => {
    const out = path.join(fx.out, `${client}-${path.basename(name)}`);
    const r = await get(client, fx.port, name, out, o);
    assert.equal(r.exitCode, 0, `${client} failed: ${r.output}`);
    assert.equal(r.errorCode, undefined, r.output);
    assert.equal(await sha256File(out), sha(content), `${client}: sha256 of ${name} differs`);
    return lastTransfer(fx.server, fx.server.transfers.length || 1);
  };

  for (const client of ['tftp-hpa', 'atftp', 'curl'] as const) {
    it(`${client}: 1 MiB octet transfer arrives intact`, async () => {
      const data = await fx.file('kernel', 1 << 20);
      const t = await fetch(client, 'kernel', data);
      assert.equal(t.ok, true);
      assert.equal(t.bytes, data.length);
      assert.match(t.client, /^127\.0\.0\.1:\d+$/);
    });

    it(`${client}: zero-length file`, async () => {
      const data = await fx.file('empty', 0);
      const t = await fetch(client, 'empty', data);
      assert.deepEqual([t.ok, t.bytes], [true, 0]);
    });

    it(`${client}: file of an exact multiple of blksize ends with an empty block`, async () => {
      const data = await fx.file('exact', 512 * 64);
      const t = await fetch(client, 'exact', data);
      assert.deepEqual([t.ok, t.bytes, t.blksize], [true, 512 * 64, 512]);
    });
  }

  it('atftp: exact multiple of a negotiated blksize 1468', async () => {
    const data = await fx.file('exact1468', 1468 * 40);
    const t = await fetch('atftp', 'exact1468', data, { blksize: 1468 });
    assert.equal(t.blksize, 1468);
  });

  it('curl: blksize 1468 is negotiated (curl also sends tsize)', async () => {
    const data = await fx.file('dtb', 100_000);
    const t = await fetch('curl', 'dtb', data, { blksize: 1468 });
    assert.deepEqual([t.blksize, t.windowsize], [1468, 1]);
  });

  for (const windowsize of [1, 4, 8, 16]) {
    it(`atftp: window size ${windowsize} (RFC 7440), blksize 1468`, async () => {
      const data = await fx.file('xen', 3 << 20);
      const t = await fetch('atftp', 'xen', data, { blksize: 1468, windowsize });
      assert.deepEqual([t.ok, t.blksize, t.windowsize, t.retransmits], [true, 1468, windowsize, 0]);
    });
  }

  it('atftp: the largest blksize (65464) and a window larger than the server allows (100 -> 64)', async () => {
    const data = await fx.file('big', 65464 * 70 + 3);
    const t = await fetch('atftp', 'big', data, { blksize: 65464, windowsize: 100 });
    assert.deepEqual([t.ok, t.blksize, t.windowsize], [true, 65464, 64]);
  });

  // blksize 8: 65536 blocks are 512 KiB, so the block number wraps 65535 -> 0 within the file.
  const WRAP_SIZE = 8 * 65536 + 5;
  it('block-number wrap past 65535 (curl, blksize 8, window 1)', async () => {
    const data = await fx.file('wrap', WRAP_SIZE);
    const t = await fetch('curl', 'wrap', data, { blksize: 8 });
    assert.deepEqual([t.ok, t.bytes, t.blksize], [true, WRAP_SIZE, 8]);
  });

  it('block-number wrap past 65535 inside a window (atftp, blksize 8, window 16)', async () => {
    const data = await fx.file('wrap', WRAP_SIZE);
    const t = await fetch('atftp', 'wrap', data, { blksize: 8, windowsize: 16 });
    assert.deepEqual([t.ok, t.bytes, t.windowsize], [true, WRAP_SIZE, 16]);
  });

  it('a leading "/" is relative to the root, and nested paths work', async () => {
    const data = await fx.file('boot/dom0.dtb', 3000);
    await fetch('tftp-hpa', '/boot/dom0.dtb', data);
    const t = await fetch('atftp', `${fx.root}/boot/dom0.dtb`, data);
    assert.equal(t.ok, true);
  });

  it('netascii: tftp-hpa in ascii mode gets the text back unchanged', async () => {
    const text = Buffer.from('console=hvc0\nroot=/dev/ram0\r\nend\n'.repeat(100));
    await fx.file('bootargs.txt', text);
    const out = path.join(fx.out, 'bootargs.txt');
    const r = await tftpHpaGet(fx.port, 'bootargs.txt', out, { mode: 'ascii' });
    assert.equal(r.errorCode, undefined, r.output);
    assert.deepEqual(await readFile(out), text);
    assert.equal((await lastTransfer(fx.server)).bytes, text.length + 400, 'bytes on the wire include the added CRs');
  });

  it('concurrent transfers from all three clients, each on its own port', async () => {
    const files = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => fx.file(`f${i}`, (2 << 20) + i)));
    const clients: ClientName[] = ['tftp-hpa', 'atftp', 'curl', 'atftp', 'curl', 'tftp-hpa'];
    const runs = clients.map((c, i) =>
      c === 'atftp' ? atftpGet(fx.port, `f${i}`, path.join(fx.out, `f${i}`), { blksize: 1468, windowsize: 8 })
      : c === 'curl' ? curlGet(fx.port, `f${i}`, path.join(fx.out, `f${i}`), { blksize: 1468 })
      : tftpHpaGet(fx.port, `f${i}`, path.join(fx.out, `f${i}`)),
    );
    const results = await Promise.all(runs);
    for (const [i, r] of results.entries()) {
      assert.equal(r.exitCode, 0, `${clients[i]} f${i}: ${r.output}`);
      assert.equal(await sha256File(path.join(fx.out, `f${i}`)), sha(files[i]), `f${i} via ${clients[i]}`);
    }
    await lastTransfer(fx.server, 6);
    assert.equal(new Set(fx.server.transfers.map((t) => t.client)).size, 6);
    assert.ok(fx.server.transfers.every((t) => t.ok));
  });
});

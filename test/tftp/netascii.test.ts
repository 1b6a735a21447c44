import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { open, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { netasciiInto, netasciiLength, netasciiSource, toNetascii } from '../../harness/tftp/source.ts';
import { startFixture, type Fixture } from './fixture.ts';
import { rawFetch } from './raw-fetch.ts';

/** Text with LF line ends, some CR LF, some bare CR, and CRs and LFs in runs. */
function text(bytes: number, seed = 1): Buffer {
  const out = Buffer.allocUnsafe(bytes);
  let x = seed;
  for (let i = 0; i < bytes; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    const r = x >>> 24;
    out[i] = r < 6 ? 0x0a : r < 9 ? 0x0d : 0x61 + (r % 26);
  }
  return out;
}

/** How long the event loop went without running a 5 ms interval, at most, while `run` ran. */
async function worstLag<T>(run: () => Promise<T>): Promise<{ result: T; lagMs: number }> {
  let last = performance.now();
  let lagMs = 0;
  const probe = setInterval(() => {
    const now = performance.now();
    lagMs = Math.max(lagMs, now - last - 5);
    last = now;
  }, 5);
  try {
    return { result: await run(), lagMs };
  } finally {
    clearInterval(probe);
  }
}

describe('tftp netascii, streamed', function () {
  this.timeout(60000);
  let fx: Fixture;
  beforeEach(async () => (fx = await startFixture()));
  afterEach(async () => fx.close());

  it('the source gives the converted bytes at any position, across chunk edges and backwards (CR LF never cut)', async () => {
    const data = text(5000, 7);
    const expected = toNetascii(data);
    const file = path.join(fx.base, 'text');
    await writeFile(file, data);
    for (const chunkBytes of [3, 4, 7, 100, 1001, 1 << 20]) {
      const handle = await open(file);
      try {
        assert.equal(await netasciiLength(handle, data.length, 'text', Buffer.alloc(64)), expected.length);
        const source = netasciiSource(handle, data.length, expected.length, 'text', chunkBytes);
        const got = Buffer.alloc(expected.length);
        const blk = 37;
        // Forwards block by block, with a jump back of up to 5 blocks every 7 blocks (a resent window).
        for (let n = 0, steps = 0; n * blk < expected.length; steps++) {
          const at = n * blk;
          const length = Math.min(blk, expected.length - at);
          source.read(got, at, length, at);
          assert.deepEqual(got.subarray(at, at + length), expected.subarray(at, at + length), `chunk ${chunkBytes}, block ${n}`);
          n = steps % 7 === 6 ? Math.max(0, n - 5) : n + 1;
        }
        assert.deepEqual(got, expected);
        source.read(got, 0, 10, 0);
        assert.deepEqual(got.subarray(0, 10), expected.subarray(0, 10), 'back to the start');
      } finally {
        await handle.close();
      }
    }
  });

  it('a file that loses line ends while being sent fails with a clear error, not wrong bytes', async () => {
    const file = path.join(fx.base, 'text');
    await writeFile(file, '\n'.repeat(100));
    const handle = await open(file);
    try {
      const size = await netasciiLength(handle, 100, 'text', Buffer.alloc(64));
      await writeFile(file, 'x'.repeat(100));
      const source = netasciiSource(handle, 100, size, 'text', 30);
      assert.throws(() => source.read(Buffer.alloc(size), 0, size, 0), /'text' changed while being sent/);
    } finally {
      await handle.close();
    }
  });

  it('64 MiB in netascii: the bytes equal the converted file, and the event loop never stalls 50 ms', async () => {
    const data = text(64 << 20, 3);
    await fx.file('big.txt', data);
    const converted = Buffer.allocUnsafe(2 * data.length);
    const expected = createHash('sha256').update(converted.subarray(0, netasciiInto(data, data.length, converted))).digest('hex');
    const { result, lagMs } = await worstLag(() => rawFetch(fx.port, 'big.txt', { mode: 'netascii', blksize: 8192, windowsize: 8, timeoutMs: 2000 }));
    assert.equal(result.sha256, expected, 'what was sent differs from the netascii form of the file');
    assert.equal(result.oack?.get('blksize'), '8192');
    assert.ok(lagMs < 50, `the event loop stalled for ${lagMs.toFixed(0)} ms`);
  });

  it('tsize in netascii is the exact converted size, counted before the first packet', async () => {
    await fx.file('t.txt', 'a\nb\rc\n');
    const r = await rawFetch(fx.port, 't.txt', { mode: 'netascii', blksize: 512, tsize: true });
    assert.equal(r.oack?.get('tsize'), '9');
    assert.equal(r.bytes, 9);
  });
});

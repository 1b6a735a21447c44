import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { HilError } from '../../harness/errors.ts';
import { planMemory } from '../../harness/tftp/limits.ts';
import { ErrorCode, Opcode, packAck, packRequest, type Packet } from '../../harness/tftp/packet.ts';
import { TftpServer } from '../../harness/tftp/server.ts';
import { pollUntil } from '../../harness/util/deadline.ts';
import { lastTransfer, startFixture, type Fixture } from './fixture.ts';
import { RawClient } from './raw-client.ts';
import { rawFetch } from './raw-fetch.ts';
import { startServerProcess, type ServerProcess } from './server-process.ts';

const MiB = 1 << 20;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const BIG = { blksize: 65464, windowsize: 64 };

/**
 * Sends an RRQ from `address` and takes the first answer: an OACK is ACKed (the server then sends
 * its first window), and from then on the client says nothing. The socket stays open, so the
 * transfer holds its place and memory until it times out.
 */
async function silentClient(port: number, address: string, name: string, options: Record<string, number> = {}) {
  const c = await RawClient.open(address);
  c.send(packRequest(Opcode.RRQ, name, 'octet', options), port);
  let answer: Packet;
  try {
    const first = await c.next(3000);
    answer = first.packet;
    if (answer.op === Opcode.OACK) c.send(packAck(0), first.port);
  } catch (err) {
    await c.close();
    throw err;
  }
  return { client: c, answer };
}

const errorText = (p: Packet) => (p.op === Opcode.ERROR ? `${p.code}: ${p.message}` : undefined);

describe('tftp server limits', function () {
  this.timeout(30000);

  describe('in process', () => {
    let fx: Fixture;
    const open: RawClient[] = [];
    const start = async (opts: Parameters<typeof startFixture>[0] = {}) => {
      fx = await startFixture(opts);
      return fx;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((c) => c.close()));
      await fx?.close();
    });
    const silent = async (...args: Parameters<typeof silentClient>) => {
      const r = await silentClient(...args);
      open.push(r.client);
      return r.answer;
    };

    it('a 9th transfer to one client address is refused with ERROR 0; another address is still served', async () => {
      await start();
      await fx.file('f', 100_000);
      const answers = await Promise.all(Array.from({ length: 9 }, () => silent(fx.port, '127.0.0.3', 'f')));
      const refused = answers.map(errorText).filter(Boolean);
      assert.equal(answers.filter((p) => p.op === Opcode.DATA).length, 8);
      assert.deepEqual(refused, ['0: Server busy: 8 transfers to 127.0.0.3 in progress, the most for one client; try again later']);
      assert.equal((await silent(fx.port, '127.0.0.4', 'f')).op, Opcode.DATA);
      assert.ok(fx.log.some((l) => /127\.0\.0\.3:\d+ RRQ 'f' refused: Server busy/.test(l)), 'the refusal is logged');
      assert.equal(fx.server.stats().refused, 1);
    });

    it('past maxTransfers, requests are refused with ERROR 0 until a place is free', async () => {
      await start({ maxTransfers: 4 });
      await fx.file('f', 100_000);
      const answers = await Promise.all([5, 6, 7, 8, 9].map((n) => silent(fx.port, `127.0.0.${n}`, 'f')));
      assert.equal(answers.filter((p) => p.op === Opcode.DATA).length, 4);
      assert.deepEqual(answers.map(errorText).filter(Boolean), ['0: Server busy: 4 transfers in progress, the most it runs at once; try again later']);
      // The silent ones time out (300 ms × 4): then there is room again.
      assert.ok(await pollUntil(() => (fx.server.stats().transfers === 0 ? true : undefined), 5000, [50]), 'still busy');
      assert.equal((await silent(fx.port, '127.0.0.10', 'f')).op, Opcode.DATA);
    });

    it('when the memory for transfers runs short, windows then blocks are negotiated down; then requests are refused', async () => {
      await start({ maxBufferBytes: 3 * MiB });
      await fx.file('big', 8 * MiB);
      // A window of 32 blocks of 65468 bytes and a 1 MiB chunk take 3 MiB less 2176 bytes.
      const a = await silent(fx.port, '127.0.0.1', 'big', BIG);
      assert.ok(a.op === Opcode.OACK);
      assert.deepEqual(Object.fromEntries(a.options), { blksize: '65464', windowsize: '32' });
      // The 2176 bytes left hold a window of one block, halved from 65464 to 1022, and a chunk of one block.
      const b = await silent(fx.port, '127.0.0.1', 'big', BIG);
      assert.ok(b.op === Opcode.OACK);
      assert.deepEqual(Object.fromEntries(b.options), { blksize: '1022', windowsize: '1' });
      const c = await silent(fx.port, '127.0.0.1', 'big', BIG);
      assert.equal(errorText(c), '0: Server busy: the 3 MiB it holds for transfers are in use; try again later');
      assert.equal(fx.server.stats().peakHeldBytes, 3 * MiB - 2176 + 2 * 1024);
      assert.ok(fx.log.some((l) => /blksize 65464\/window 64 lowered to 65464\/32/.test(l)));
    });

    it('planMemory: what it gives fits what is available, and never less than one block', () => {
      const n = { blksize: 65464, windowsize: 64, timeoutMs: 1000, oack: { blksize: '65464', windowsize: '64' } };
      for (const available of [0, 1000, 1028, 70000, 200000, MiB, 3 * MiB, 5 * MiB, 64 * MiB]) {
        const plan = planMemory(n, 8 * MiB, available);
        if (!plan) {
          assert.ok(available < 1028, `refused with ${available} B available`);
          continue;
        }
        const { blksize, windowsize } = plan.negotiated;
        assert.ok(plan.bytes <= available && plan.bytes === windowsize * (blksize + 4) + plan.chunkBytes, JSON.stringify(plan));
        assert.ok(plan.chunkBytes >= blksize, 'the chunk holds a block');
        assert.deepEqual(plan.negotiated.oack, { blksize: String(blksize), windowsize: String(windowsize) });
      }
      assert.deepEqual(planMemory(n, 8 * MiB, 64 * MiB)?.negotiated, n, 'unchanged when it fits');
      const plain = { blksize: 512, windowsize: 1, timeoutMs: 1000 };
      assert.equal(planMemory(plain, 8 * MiB, 1000), undefined, 'an RRQ without options cannot be lowered');
      assert.equal(planMemory(plain, 100, 1000)?.chunkBytes, 100, 'a small file needs a chunk of its size');
    });

    it('no transfer runs longer than maxTransferMs, even one that ACKs every block just in time', async () => {
      await start({ maxTransferMs: 600, timeoutMs: 300, retries: 3 });
      await fx.file('f', 512 * 40);
      const c = await RawClient.open();
      open.push(c);
      const t0 = performance.now();
      c.send(packRequest(Opcode.RRQ, 'f', 'octet'), fx.port);
      let p: { packet: Packet; port: number };
      for (;;) {
        p = await c.next(3000);
        if (p.packet.op !== Opcode.DATA) break;
        await new Promise((r) => setTimeout(r, 150)); // under the 300 ms timeout: never resent
        c.send(packAck(p.packet.block), p.port);
      }
      const ms = performance.now() - t0;
      assert.equal(errorText(p.packet), '0: took longer than 0.6 s, the most a transfer may run');
      assert.ok(ms >= 550 && ms < 1200, `aborted after ${ms.toFixed(0)} ms`);
      assert.match((await lastTransfer(fx.server)).error!, /took longer than 0\.6 s/);
    });

    it("a client's timeout above maxClientTimeoutS (10 s) is left out of the OACK; up to it, it is accepted", async () => {
      await start();
      await fx.file('f', 5000);
      const high = await silent(fx.port, '127.0.0.1', 'f', { timeout: 255, blksize: 1024 });
      assert.ok(high.op === Opcode.OACK);
      assert.deepEqual(Object.fromEntries(high.options), { blksize: '1024' });
      const ok = await silent(fx.port, '127.0.0.1', 'f', { timeout: 10 });
      assert.ok(ok.op === Opcode.OACK);
      assert.deepEqual(Object.fromEntries(ok.options), { timeout: '10' });
    });

    it('finished transfers: the most recent `recentTransfers` are kept, stats() counts them all', async () => {
      await start({ recentTransfers: 3 });
      await fx.file('f', 1000);
      for (let i = 0; i < 5; i++) await rawFetch(fx.port, 'f');
      assert.ok(await pollUntil(() => (fx.server.stats().done === 5 ? true : undefined), 3000, [10]));
      assert.equal(fx.server.transfers.length, 3);
      assert.deepEqual({ ...fx.server.stats(), peakHeldBytes: 0 }, { transfers: 0, heldBytes: 0, peakHeldBytes: 0, done: 5, failed: 0, refused: 0, malformed: 0 });
    });

    it('limits that make no sense are a HilError naming the option', () => {
      for (const [name, value] of [['maxTransfers', 0], ['maxTransferMs', 2 ** 31], ['maxBufferBytes', 1.5], ['maxClientTimeoutS', 256], ['timeoutMs', Number.NaN]] as const) {
        assert.throws(() => new TftpServer({ root: '/tmp', [name]: value }), (e: unknown) => {
          return e instanceof HilError && e.code === 'TFTP_OPTIONS' && e.message.startsWith(`TFTP server option ${name}: expected a whole number`);
        });
      }
    });
  });

  describe('200 clients that take the OACK for blksize 65464, window 64 and go silent (server in its own process)', () => {
    let server: ServerProcess | undefined;
    let fx: Fixture;
    const clients: RawClient[] = [];
    afterEach(async () => {
      await Promise.all(clients.splice(0).map((c) => c.close()));
      await server?.close();
      await fx.close();
    });

    it('memory stays under maxBufferBytes (64 MiB), extra requests are refused, and all of it is given back', async () => {
      fx = await startFixture();
      const data = await fx.file('big', 32 * MiB);
      server = await startServerProcess({ root: fx.root, timeoutMs: 500, retries: 2 });
      assert.equal((await rawFetch(server.port, 'big', BIG)).sha256, sha(data), 'warm-up fetch');
      const before = await server.memory();
      // 25 addresses × 8: the per-client limit alone would let every one in.
      const runs = await Promise.all(
        Array.from({ length: 200 }, (_, i) => silentClient(server!.port, `127.0.1.${1 + (i % 25)}`, 'big', BIG)),
      );
      clients.push(...runs.map((r) => r.client));
      await new Promise((r) => setTimeout(r, 300)); // each admitted transfer has sent its first window
      const during = await server.memory();
      const busy = runs.filter((r) => /transfers in progress/.test(errorText(r.answer) ?? ''));
      const oacks = runs.filter((r) => r.answer.op === Opcode.OACK);
      const noMemory = runs.filter((r) => /MiB it holds for transfers are in use/.test(errorText(r.answer) ?? ''));
      // A request refused for memory gives its place back at once, so more than 136 may find one.
      assert.ok(oacks.length <= 64, `${oacks.length} transfers admitted`);
      assert.ok(busy.length > 0, 'no request was refused for maxTransfers');
      assert.equal(oacks.length + busy.length + noMemory.length, 200, 'every client got an OACK or ERROR 0 saying the server is busy');
      assert.ok([...busy, ...noMemory].every((r) => r.answer.op === Opcode.ERROR && r.answer.code === ErrorCode.UNDEFINED));
      assert.ok(during.server.peakHeldBytes <= 64 * MiB, `held ${during.server.peakHeldBytes} B`);
      const grew = (during.peakRss - before.rss) / MiB;
      assert.ok(grew < 64 + 32, `RSS grew by ${grew.toFixed(0)} MiB (the 885 MiB of issue 11 without the cap)`);
      // The silent transfers time out (500 ms × 3); what they held is given back.
      assert.ok(await pollUntil(async () => ((await server!.memory()).server.transfers === 0 ? true : undefined), 10000, [200]), 'transfers left');
      const after = await server.memory();
      assert.equal(after.server.heldBytes, 0);
      assert.ok(after.rss - before.rss < 16 * MiB, `RSS after: ${((after.rss - before.rss) / MiB).toFixed(1)} MiB above before`);
      assert.equal((await rawFetch(server.port, 'big', BIG)).sha256, sha(data), 'served correctly afterwards');
    });
  });
});

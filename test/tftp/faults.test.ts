import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { ErrorCode, Opcode, packAck, packRequest } from '../../harness/tftp/packet.ts';
import { atftpGet, sha256File, tftpHpaGet, type ClientResult } from './clients.ts';
import { lastTransfer, startFixture, type Fixture } from './fixture.ts';
import { LossyProxy, type ProxyFaults } from './lossy-proxy.ts';
import { RawClient } from './raw-client.ts';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const BLK = 1468;
/** 64 blocks of 1468 bytes, plus a short last one. */
const SIZE = BLK * 64 + 100;

describe('tftp server under packet loss, duplication and silence (real clients through a loopback proxy)', function () {
  this.timeout(30000);
  let fx: Fixture;
  let data: Buffer;
  let proxy: LossyProxy | undefined;
  beforeEach(async () => {
    fx = await startFixture({ timeoutMs: 300, retries: 3 });
    data = await fx.file('image', SIZE);
  });
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
    await fx.close();
  });

  async function through(faults: ProxyFaults, run: (port: number, out: string) => Promise<ClientResult>) {
    proxy = new LossyProxy({ address: '127.0.0.1', port: fx.port }, faults);
    const out = path.join(fx.out, 'image');
    const r = await run(await proxy.listen(), out);
    assert.equal(r.exitCode, 0, r.output);
    assert.equal(r.errorCode, undefined, r.output);
    assert.equal(await sha256File(out), sha(data), 'sha256 of what arrived differs');
    const t = await lastTransfer(fx.server);
    assert.equal(t.ok, true, t.error);
    return t;
  }

  // Block 10 is inside the window for every size: the client sees the gap and ACKs block 9 at
  // once, and the server must resend from 10 without waiting for its timeout (RFC 7440).
  for (const windowsize of [1, 4, 8, 16]) {
    it(`dropped DATA block inside the window, window ${windowsize}: recovered, file intact`, async () => {
      const t = await through({ dropData: 10 }, (p, out) => atftpGet(p, 'image', out, { blksize: BLK, windowsize }));
      assert.equal(proxy!.counts.droppedData, 1);
      assert.ok(t.retransmits >= 1, 'the lost block was sent again');
      if (windowsize > 1) assert.ok(proxy!.recoveryMs! < 250, `resent after the client's ACK, not the 300 ms timeout (${proxy!.recoveryMs} ms)`);
      else assert.ok(proxy!.recoveryMs! >= 250, `window 1 can only recover by timeout (${proxy!.recoveryMs} ms)`);
    });
  }

  it('dropped DATA block that ends a window (window 8, block 16): recovered by timeout', async () => {
    const t = await through({ dropData: 16 }, (p, out) => atftpGet(p, 'image', out, { blksize: BLK, windowsize: 8 }));
    // Window 9..16 once, and nothing after: the client's ACK of 15, prompted by the resent 9 while
    // 10..16 are still arriving, must not make the server send 16.. again (which would go on
    // drawing a duplicate ACK and a half-duplicate window each round until the end of the file).
    assert.equal(t.retransmits, 8);
    assert.equal(proxy!.counts.data, Math.floor(SIZE / BLK) + 1 + 8 - 1, "every block once, 9..16 twice, less the dropped one");
  });

  it('dropped DATA block that starts a window (window 8, block 17): recovered by timeout, window resent once', async () => {
    const t = await through({ dropData: 17 }, (p, out) => atftpGet(p, 'image', out, { blksize: BLK, windowsize: 8 }));
    assert.equal(t.retransmits, 8);
  });

  it("the client's timeout option (1 s) replaces the server's 300 ms retransmission timeout", async () => {
    const t = await through({ dropData: 10 }, (p, out) => atftpGet(p, 'image', out, { blksize: BLK, timeout: 1 }));
    assert.equal(t.retransmits, 1);
    assert.ok(proxy!.recoveryMs! >= 900 && proxy!.recoveryMs! < 2000, `resent after ${proxy!.recoveryMs} ms`);
  });

  it('dropped final DATA block (tftp-hpa, blksize 512): recovered', async () => {
    const last = Math.floor(SIZE / 512) + 1;
    const t = await through({ dropData: last }, (p, out) => tftpHpaGet(p, 'image', out));
    assert.equal(t.retransmits, 1);
  });

  it('dropped ACK (tftp-hpa, window 1): the server resends the block on timeout', async () => {
    const t = await through({ dropAck: 5 }, (p, out) => tftpHpaGet(p, 'image', out));
    assert.equal(proxy!.counts.droppedAcks, 1);
    assert.equal(t.retransmits, 1);
  });

  it('dropped ACK ending a window (atftp, window 8): the window is resent', async () => {
    const t = await through({ dropAck: 8 }, (p, out) => atftpGet(p, 'image', out, { blksize: BLK, windowsize: 8 }));
    assert.equal(t.retransmits, 8);
  });

  it('duplicate ACK (tftp-hpa, window 1): ignored, no Sorcerer\'s Apprentice resends', async () => {
    const t = await through({ duplicateAck: 5 }, (p, out) => tftpHpaGet(p, 'image', out));
    assert.equal(t.retransmits, 0);
    assert.equal(proxy!.counts.data, Math.floor(SIZE / 512) + 1, 'every DATA block went out exactly once');
  });

  it('duplicate ACK ending a window (atftp, window 8): ignored', async () => {
    const t = await through({ duplicateAck: 8 }, (p, out) => atftpGet(p, 'image', out, { blksize: BLK, windowsize: 8 }));
    assert.equal(t.retransmits, 0);
    assert.equal(proxy!.counts.data, Math.floor(SIZE / BLK) + 1);
  });

  it('retries exhausted: a silent client gets an ERROR, the transfer fails, others are still served', async () => {
    const silent = await RawClient.open();
    try {
      silent.send(packRequest(Opcode.RRQ, 'image', 'octet'), fx.port);
      const first = await silent.next();
      assert.deepEqual([first.packet.op, first.packet.op === Opcode.DATA && first.packet.block], [Opcode.DATA, 1]);
      // While that transfer waits in vain, another client is served.
      const r = await tftpHpaGet(fx.port, 'image', path.join(fx.out, 'other'));
      assert.equal(r.errorCode, undefined, r.output);
      assert.equal(await sha256File(path.join(fx.out, 'other')), sha(data));
      const rest = await silent.collect(300 * 4 + 800);
      const resent = rest.filter((p) => p.packet.op === Opcode.DATA);
      assert.equal(resent.length, 3, 'block 1 sent again once per retry');
      const last = rest.at(-1)!.packet;
      assert.ok(last.op === Opcode.ERROR && last.code === ErrorCode.UNDEFINED && /timed out/.test(last.message));
      const failed = fx.server.transfers.find((t) => !t.ok)!;
      assert.match(failed.error!, /timed out: no ACK for block 1 after 3 retransmissions/);
      assert.deepEqual([failed.bytes, failed.retransmits], [0, 3]);
    } finally {
      await silent.close();
    }
  });

  it('retries exhausted waiting for ACK 0 of an OACK', async () => {
    const silent = await RawClient.open();
    try {
      silent.send(packRequest(Opcode.RRQ, 'image', 'octet', { blksize: 1024 }), fx.port);
      const packets = await silent.collect(300 * 4 + 800);
      assert.deepEqual(packets.map((p) => p.packet.op), [Opcode.OACK, Opcode.OACK, Opcode.OACK, Opcode.OACK, Opcode.ERROR]);
      assert.match((await lastTransfer(fx.server)).error!, /no ACK 0 for the OACK/);
    } finally {
      await silent.close();
    }
  });

  it('a client that vanishes mid-transfer ends the transfer without waiting for all retries', async () => {
    const gone = await RawClient.open();
    gone.send(packRequest(Opcode.RRQ, 'image', 'octet'), fx.port);
    const first = await gone.next();
    await gone.close(); // the next DATA meets a closed port: ICMP port unreachable
    const t0 = performance.now();
    const t = await lastTransfer(fx.server, 1, 2000);
    assert.equal(t.ok, false);
    assert.ok(performance.now() - t0 < 300 * 4, `ended in ${performance.now() - t0} ms`);
    assert.equal(first.packet.op, Opcode.DATA);
  });

  it('an ACK for a block never sent is ignored', async () => {
    const c = await RawClient.open();
    try {
      c.send(packRequest(Opcode.RRQ, 'image', 'octet'), fx.port);
      const { port } = await c.next();
      c.send(packAck(40), port); // far ahead of block 1
      const next = await c.next(); // the retransmission of block 1 after the timeout
      assert.ok(next.packet.op === Opcode.DATA && next.packet.block === 1);
    } finally {
      await c.close();
    }
  });
});

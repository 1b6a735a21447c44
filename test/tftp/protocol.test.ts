import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { ErrorCode, Opcode, packAck, packData, packError, packRequest } from '../../harness/tftp/packet.ts';
import { tftpHpaGet } from './clients.ts';
import { lastTransfer, startFixture, type Fixture } from './fixture.ts';
import { RawClient } from './raw-client.ts';

describe('tftp server protocol details and robustness (raw UDP peer)', function () {
  this.timeout(20000);
  let fx: Fixture;
  let c: RawClient;
  beforeEach(async () => {
    fx = await startFixture();
    c = await RawClient.open();
  });
  afterEach(async () => {
    await c.close();
    await fx.close();
  });

  it('answers options with an OACK from a new port, then sends DATA 1 after ACK 0', async () => {
    await fx.file('f', 3000);
    c.send(packRequest(Opcode.RRQ, 'f', 'octet', { BLKSIZE: 1024, tsize: 0, timeout: 2, windowsize: 2, rollover: 0 }), fx.port);
    const oack = await c.next();
    assert.notEqual(oack.port, fx.port, 'replies come from a per-transfer port (TID)');
    assert.ok(oack.packet.op === Opcode.OACK);
    assert.deepEqual(Object.fromEntries(oack.packet.options), { blksize: '1024', tsize: '3000', timeout: '2', windowsize: '2' });
    c.send(packAck(0), oack.port);
    const blocks = [await c.next(), await c.next()].map((p) => (p.packet.op === Opcode.DATA ? [p.packet.block, p.packet.data.length] : []));
    assert.deepEqual(blocks, [[1, 1024], [2, 1024]], 'a window of two blocks of 1024');
    c.send(packAck(2), oack.port);
    const last = await c.next();
    assert.ok(last.packet.op === Opcode.DATA && last.packet.block === 3 && last.packet.data.length === 3000 - 2048);
    c.send(packAck(3), oack.port);
    const t = await lastTransfer(fx.server);
    assert.deepEqual([t.ok, t.bytes, t.blksize, t.windowsize, t.retransmits], [true, 3000, 1024, 2, 0]);
  });

  it('an ACK inside the window slides it: blocks from the ACKed one + 1 are sent again at once', async () => {
    await fx.file('f', 512 * 10);
    c.send(packRequest(Opcode.RRQ, 'f', 'octet', { windowsize: 4 }), fx.port);
    const { port } = await c.next();
    c.send(packAck(0), port);
    for (let i = 1; i <= 4; i++) await c.next();
    c.send(packAck(2), port); // as if block 3 were lost
    const again = [await c.next(), await c.next(), await c.next(), await c.next()];
    assert.deepEqual(again.map((p) => p.packet.op === Opcode.DATA && p.packet.block), [3, 4, 5, 6]);
  });

  it('netascii on the wire: LF becomes CR LF, CR becomes CR NUL', async () => {
    await fx.file('t.txt', 'a\nb\rc');
    c.send(packRequest(Opcode.RRQ, 't.txt', 'NetASCII'), fx.port);
    const d = await c.next();
    assert.ok(d.packet.op === Opcode.DATA);
    assert.deepEqual(d.packet.data, Buffer.from('a\r\nb\r\0c', 'latin1'));
  });

  it('malformed packets to the request port get ERROR 4 (or nothing) and never stop the server', async () => {
    await fx.file('f', 5000);
    const garbage = [
      Buffer.alloc(0), Buffer.from([7]), Buffer.from([0, 99, 1, 2]), Buffer.from('\0\x01noterminator', 'latin1'),
      Buffer.from('\0\x01\0\0', 'latin1'), packData(1, Buffer.from('x')), packAck(3), randomBytes(60000),
      packError(0, 'stray error'), ...Array.from({ length: 200 }, () => randomBytes(1 + Math.floor(Math.random() * 64))),
    ];
    for (const g of garbage) c.send(g, fx.port);
    const replies = await c.collect(500);
    assert.ok(replies.length > 0);
    for (const r of replies) assert.ok(r.packet.op === Opcode.ERROR || r.packet.op === Opcode.OACK || r.packet.op === Opcode.DATA);
    assert.ok(replies.some((r) => r.packet.op === Opcode.ERROR && r.packet.code === ErrorCode.ILLEGAL_OPERATION));
    const out = path.join(fx.out, 'f');
    const ok = await tftpHpaGet(fx.port, 'f', out);
    assert.equal(ok.errorCode, undefined, `server no longer serves: ${ok.output}`);
  });

  it('garbage and foreign packets sent to a transfer port do not disturb the transfer', async () => {
    await fx.file('f', 2000);
    c.send(packRequest(Opcode.RRQ, 'f', 'octet'), fx.port);
    const first = await c.next();
    for (const g of [Buffer.from([1]), Buffer.from([0, 99]), Buffer.from('\0\x06x', 'latin1'), packAck(200)]) c.send(g, first.port);
    for (let block = 1; block <= 3; block++) {
      c.send(packAck(block), first.port);
      await c.next();
    }
    c.send(packAck(4), first.port);
    const t = await lastTransfer(fx.server);
    assert.deepEqual([t.ok, t.bytes], [true, 2000]);
  });

  it('an ERROR from the client ends the transfer as failed, with its text', async () => {
    await fx.file('f', 2000);
    c.send(packRequest(Opcode.RRQ, 'f', 'octet', { blksize: 8192 }), fx.port);
    const oack = await c.next();
    c.send(packError(ErrorCode.OPTION_REFUSED, 'blksize too large'), oack.port);
    const t = await lastTransfer(fx.server);
    assert.equal(t.ok, false);
    assert.match(t.error!, /client sent ERROR 8: blksize too large/);
  });

  it('a retransmitted RRQ from the same client port does not start a second transfer', async () => {
    await fx.file('f', 2000);
    c.send(packRequest(Opcode.RRQ, 'f', 'octet'), fx.port);
    c.send(packRequest(Opcode.RRQ, 'f', 'octet'), fx.port);
    const packets = await c.collect(200);
    assert.deepEqual(packets.map((p) => p.packet.op === Opcode.DATA && p.packet.block), [1]);
  });

  it('close() aborts transfers in progress with an ERROR and records them', async () => {
    await fx.file('f', 2000);
    c.send(packRequest(Opcode.RRQ, 'f', 'octet'), fx.port);
    await c.next();
    await fx.server.close();
    const err = await c.next();
    assert.ok(err.packet.op === Opcode.ERROR && /shutting down/.test(err.packet.message));
    assert.match(fx.server.transfers[0].error!, /shutting down/);
  });
});

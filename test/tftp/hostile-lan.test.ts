import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ErrorCode, Opcode, packAck, packError, packRequest } from '../../harness/tftp/packet.ts';
import { pollUntil } from '../../harness/util/deadline.ts';
import { requireOrSkip } from '../support/requirements.ts';
import { sha256File, tftpHpaGet } from './clients.ts';
import { lastTransfer, startFixture, type Fixture } from './fixture.ts';
import { RawClient } from './raw-client.ts';

/**
 * Sends one UDP datagram to 127.0.0.1:`port` with a source port of our choosing, 0 included, which no
 * ordinary socket can do: a raw socket (root) builds the UDP header itself (checksum 0: none, IPv4).
 */
function sendFromPort(srcPort: number, port: number, payload: Buffer): void {
  const script = [
    'import socket, struct, sys',
    'src, dst, data = int(sys.argv[1]), int(sys.argv[2]), bytes.fromhex(sys.argv[3])',
    's = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP)',
    "s.sendto(struct.pack('!HHHH', src, dst, 8 + len(data), 0) + data, ('127.0.0.1', 0))",
  ].join('\n');
  execFileSync('python3', ['-c', script, String(srcPort), String(port), payload.toString('hex')]);
}

describe('tftp server on a hostile LAN', function () {
  this.timeout(20000);
  let fx: Fixture;
  beforeEach(async () => {
    fx = await startFixture();
    await fx.file('kernel', Buffer.alloc(200000, 7));
  });
  afterEach(async () => fx.close());

  it('a datagram from source port 0 (a valid RRQ, and garbage) is dropped and logged; the server goes on serving', async function () {
    if (process.getuid?.() !== 0) requireOrSkip(this, 'root (a raw socket sets the source port to 0)');
    sendFromPort(0, fx.port, packRequest(Opcode.RRQ, 'kernel', 'octet'));
    sendFromPort(0, fx.port, Buffer.from([0x00, 0x07, 0xff]));
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(fx.log.some((l) => /source port 0/.test(l)), `not logged: ${fx.log.join(' | ')}`);
    const out = path.join(fx.out, 'kernel');
    const r = await tftpHpaGet(fx.port, 'kernel', out);
    assert.equal(r.errorCode, undefined, r.output);
    assert.equal(await sha256File(out), await sha256File(path.join(fx.root, 'kernel')));
  });

  it('a datagram to a transfer from another port or address gets ERROR 5 "Unknown transfer ID"; the transfer goes on', async () => {
    const client = await RawClient.open();
    const samePort = await RawClient.open(); // same address, another port
    const otherAddress = await RawClient.open('127.0.0.2');
    try {
      client.send(packRequest(Opcode.RRQ, 'kernel', 'octet', { blksize: 60000 }), fx.port);
      const oack = await client.next();
      assert.equal(oack.packet.op, Opcode.OACK);
      for (const stranger of [samePort, otherAddress]) {
        stranger.send(packAck(0), oack.port);
        const p = (await stranger.next()).packet;
        assert.ok(p.op === Opcode.ERROR && p.code === ErrorCode.UNKNOWN_TID && p.message === 'Unknown transfer ID', JSON.stringify(p));
        stranger.send(packError(0, 'an ERROR is not answered'), oack.port);
      }
      client.send(packAck(0), oack.port);
      for (let block = 1; block <= 4; block++) {
        const d = await client.next();
        assert.ok(d.packet.op === Opcode.DATA && d.packet.block === block && d.port === oack.port, JSON.stringify(d).slice(0, 200));
        client.send(packAck(block), oack.port);
      }
      assert.deepEqual([...(await samePort.collect(100)), ...(await otherAddress.collect(0))], [], 'an ERROR from a stranger gets no answer');
      const t = await lastTransfer(fx.server);
      assert.deepEqual([t.ok, t.bytes, t.retransmits], [true, 200000, 0]);
      assert.ok(fx.log.some((l) => /127\.0\.0\.2:\d+: datagram to the transfer of 'kernel' to 127\.0\.0\.1:\d+: unknown transfer ID, answered ERROR 5/.test(l)), fx.log.join('\n'));
    } finally {
      await Promise.all([client.close(), samePort.close(), otherAddress.close()]);
    }
  });

  it('a flood of malformed datagrams is logged 5 lines a second per client, then "… N more suppressed"', async () => {
    const flood = await RawClient.open('127.0.0.5');
    const other = await RawClient.open('127.0.0.6');
    try {
      for (let i = 0; i < 100; i++) flood.send(Buffer.from([0, 0x63, i]), fx.port);
      other.send(Buffer.from([0, 0x63]), fx.port);
      const replies = await flood.collect(200);
      assert.equal(replies.length, 100, 'each is still answered with ERROR 4');
      const lines = () => fx.log.filter((l) => l.startsWith('tftp: 127.0.0.5'));
      assert.equal(lines().length, 5);
      assert.ok(fx.log.some((l) => l.startsWith('tftp: 127.0.0.6:') && /malformed request: unknown opcode 99/.test(l)), 'another client has its own share');
      const summary = await pollUntil(() => lines().find((l) => /suppressed/.test(l)), 2500, [50]);
      assert.equal(summary, 'tftp: 127.0.0.5: … 95 more suppressed (at most 5 lines a second per address)');
    } finally {
      await Promise.all([flood.close(), other.close()]);
    }
  });
});

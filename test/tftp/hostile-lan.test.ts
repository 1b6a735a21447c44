import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Opcode, packRequest } from '../../harness/tftp/packet.ts';
import { requireOrSkip } from '../support/requirements.ts';
import { sha256File, tftpHpaGet } from './clients.ts';
import { startFixture, type Fixture } from './fixture.ts';
import path from 'node:path';

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
});

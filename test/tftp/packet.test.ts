import assert from 'node:assert/strict';
import { negotiate } from '../../harness/tftp/options.ts';
import {
  ErrorCode,
  Opcode,
  packAck,
  packData,
  packError,
  packOack,
  packRequest,
  parsePacket,
  TftpPacketError,
} from '../../harness/tftp/packet.ts';
import { toNetascii } from '../../harness/tftp/source.ts';

describe('tftp packets', () => {
  it('round-trips a read request with options (names lower-cased)', () => {
    const buf = packRequest(Opcode.RRQ, 'boot/xen', 'OCTET', { BlkSize: 1468, tsize: 0, windowsize: 8 });
    assert.deepEqual([...buf.subarray(0, 2)], [0, 1]);
    const p = parsePacket(buf);
    assert.equal(p.op, Opcode.RRQ);
    if (p.op !== Opcode.RRQ) return;
    assert.equal(p.filename, 'boot/xen');
    assert.equal(p.mode, 'octet');
    assert.deepEqual([...p.options], [['blksize', '1468'], ['tsize', '0'], ['windowsize', '8']]);
  });

  it('round-trips WRQ, DATA, ACK, ERROR and OACK', () => {
    assert.deepEqual(parsePacket(packRequest(Opcode.WRQ, 'f', 'netascii')), { op: Opcode.WRQ, filename: 'f', mode: 'netascii', options: new Map() });
    const data = parsePacket(packData(70000, Buffer.from('abc')));
    assert.deepEqual(data, { op: Opcode.DATA, block: 70000 & 0xffff, data: Buffer.from('abc') });
    assert.deepEqual(parsePacket(packData(1, Buffer.alloc(0))), { op: Opcode.DATA, block: 1, data: Buffer.alloc(0) });
    assert.deepEqual(parsePacket(packAck(65536)), { op: Opcode.ACK, block: 0 });
    assert.deepEqual(parsePacket(packError(ErrorCode.FILE_NOT_FOUND, 'File not found')), { op: Opcode.ERROR, code: 1, message: 'File not found' });
    assert.deepEqual(parsePacket(packOack({ blksize: 1468, tsize: 12 })), { op: Opcode.OACK, options: new Map([['blksize', '1468'], ['tsize', '12']]) });
  });

  it('encodes exactly as RFC 1350 draws it', () => {
    assert.equal(packRequest(Opcode.RRQ, 'a', 'octet').toString('latin1'), '\0\x01a\0octet\0');
    assert.equal(packAck(258).toString('hex'), '00040102');
    assert.equal(packError(2, 'x').toString('hex'), '0005000278' + '00');
  });

  it('tolerates padding after the options and an unpaired trailing string', () => {
    const req = packRequest(Opcode.RRQ, 'f', 'octet', { blksize: 1024 });
    for (const tail of ['\0\0\0', 'junk\0']) {
      const p = parsePacket(Buffer.concat([req, Buffer.from(tail)]));
      assert.ok(p.op === Opcode.RRQ);
      assert.deepEqual([...p.options], [['blksize', '1024']]);
    }
  });

  const malformed: [string, Buffer][] = [
    ['empty datagram', Buffer.alloc(0)],
    ['one byte', Buffer.from([0])],
    ['unknown opcode', Buffer.from([0, 9, 0, 0])],
    ['opcode 0', Buffer.from([0, 0])],
    ['request without the final NUL', Buffer.from('\0\x01file\0octet', 'latin1')],
    ['request without a mode', Buffer.from('\0\x01file\0', 'latin1')],
    ['request with an empty filename', Buffer.from('\0\x01\0octet\0', 'latin1')],
    ['short DATA', Buffer.from([0, 3, 0])],
    ['short ACK', Buffer.from([0, 4, 1])],
    ['short ERROR', Buffer.from([0, 5, 0])],
  ];
  for (const [name, buf] of malformed) {
    it(`rejects a malformed packet: ${name}`, () => assert.throws(() => parsePacket(buf), TftpPacketError));
  }

  it('never throws anything but TftpPacketError on random input', () => {
    for (let i = 0; i < 2000; i++) {
      const buf = Buffer.from(Array.from({ length: i % 40 }, () => Math.floor(Math.random() * 256)));
      if (i % 3 === 0 && buf.length >= 2) buf[0] = 0;
      try {
        parsePacket(buf);
      } catch (err) {
        assert.ok(err instanceof TftpPacketError, `input ${buf.toString('hex')} threw ${err}`);
      }
    }
  });

  it('accepts an ERROR message without its NUL', () => {
    assert.deepEqual(parsePacket(Buffer.from('\0\x05\0\x01gone', 'latin1')), { op: Opcode.ERROR, code: 1, message: 'gone' });
  });

  it('converts to netascii: LF to CR LF, CR to CR NUL', () => {
    assert.deepEqual(toNetascii(Buffer.from('a\nb\rc\r\n')), Buffer.from('a\r\nb\r\0c\r\0\r\n', 'latin1'));
    assert.equal(toNetascii(Buffer.alloc(0)).length, 0);
  });
});

describe('tftp option negotiation', () => {
  const opts = (o: Record<string, string>) => new Map(Object.entries(o));

  it('accepts blksize, timeout, tsize and windowsize and answers them in the OACK', () => {
    const n = negotiate(opts({ blksize: '1468', timeout: '3', tsize: '0', windowsize: '8' }), { size: 12345, timeoutMs: 1000, maxTimeoutS: 255 });
    assert.deepEqual(n, { blksize: 1468, windowsize: 8, timeoutMs: 3000, oack: { blksize: '1468', timeout: '3', tsize: '12345', windowsize: '8' } });
  });

  it('without options: RFC 1350 defaults and no OACK', () => {
    assert.deepEqual(negotiate(new Map(), { size: 10, timeoutMs: 700, maxTimeoutS: 255 }), { blksize: 512, windowsize: 1, timeoutMs: 700, oack: undefined });
  });

  it('leaves tsize out for an empty file (curl rejects "tsize 0")', () => {
    assert.equal(negotiate(opts({ tsize: '0' }), { size: 0, timeoutMs: 1000, maxTimeoutS: 255 }).oack, undefined);
  });

  it('clamps blksize above 65464 and windowsize above 64', () => {
    const n = negotiate(opts({ blksize: '100000', windowsize: '65535' }), { size: 0, timeoutMs: 1000, maxTimeoutS: 255 });
    assert.equal(n.blksize, 65464);
    assert.equal(n.windowsize, 64);
    assert.deepEqual(n.oack, { blksize: '65464', windowsize: '64' });
  });

  it('leaves out of the OACK what is out of range or not a number, and unknown options', () => {
    const n = negotiate(opts({ blksize: '7', timeout: '0', windowsize: '0', multicast: '', foo: 'bar' }), { size: 5, timeoutMs: 1000, maxTimeoutS: 255 });
    assert.deepEqual(n, { blksize: 512, windowsize: 1, timeoutMs: 1000, oack: undefined });
    assert.equal(negotiate(opts({ timeout: '256' }), { size: 5, timeoutMs: 1000, maxTimeoutS: 255 }).oack, undefined);
    assert.equal(negotiate(opts({ blksize: '1e3' }), { size: 5, timeoutMs: 1000, maxTimeoutS: 255 }).oack, undefined);
    assert.equal(negotiate(opts({ blksize: '8' }), { size: 5, timeoutMs: 1000, maxTimeoutS: 255 }).blksize, 8);
  });

  it('leaves out a timeout above maxTimeoutS: RFC 2349 allows only the same value or none', () => {
    const n = negotiate(opts({ timeout: '255', blksize: '1024' }), { size: 5, timeoutMs: 1000, maxTimeoutS: 10 });
    assert.deepEqual(n, { blksize: 1024, windowsize: 1, timeoutMs: 1000, oack: { blksize: '1024' } });
    assert.equal(negotiate(opts({ timeout: '10' }), { size: 5, timeoutMs: 1000, maxTimeoutS: 10 }).timeoutMs, 10000);
  });
});

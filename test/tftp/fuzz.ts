/**
 * Random and mutated TFTP packets from loopback for a bounded time: what a hostile or broken LAN
 * can send a TFTP server. Used by bench/tftp-fuzz.ts (60 s) and fuzz.test.ts (3 s).
 *
 * From a dozen sockets on several loopback addresses (so per-client limits are met as well as
 * the global ones) it sends, at a steady rate: random bytes of random lengths, random opcodes,
 * RRQs with valid and absurd names, modes and options (huge values, repeats, unknown ones), the
 * same mutated (bits flipped, cut short, NULs added or removed) or with strings left unterminated,
 * WRQs, stray ACK/ERROR/DATA/OACK packets, and packets to the transfer ports (TIDs) it has seen
 * answer: from the right socket (ACKs good and bad, ACK 0 for an OACK, ERRORs) and from others
 * (foreign TIDs). Most DATA and OACK packets are ACKed properly, so real transfers run meanwhile.
 */
import dgram from 'node:dgram';
import { Opcode, packAck, packData, packError, packOack, packRequest } from '../../harness/tftp/packet.ts';

export interface FuzzOptions {
  port: number;
  seconds: number;
  /** Files under the server's root, requested among made-up names. */
  files: string[];
  /** Fuzzed datagrams a second. Default 5000; ACKs as a good client's come on top, at most a quarter as many. */
  rate?: number;
  /** Makes a run repeatable. Default: from the clock. */
  seed?: number;
}

export interface FuzzResult {
  seed: number;
  seconds: number;
  sent: number;
  received: number;
  byKind: Record<string, number>;
}

/** mulberry32: small, fast, good enough to pick packets. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const bytes = (n: number) => {
    const b = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) b[i] = int(256);
    return b;
  };
  /** Mostly short, sometimes up to a full datagram. */
  const length = () => (next() < 0.3 ? int(5) : next() < 0.95 ? int(600) : int(65000));
  return { next, int, pick, bytes, length };
}

type Rng = ReturnType<typeof random>;

const OPTION_VALUES = ['0', '1', '8', '512', '1468', '65464', '65465', '65535', '255', '256', '64', '-1', '', '1e3', ' 7', '99999999999999999999', 'x'.repeat(300)];
const OPTION_NAMES = ['blksize', 'BLKSIZE', 'timeout', 'tsize', 'windowsize', 'rollover', 'multicast', 'utimeout', 'x'];
const MODES = ['octet', 'octet', 'netascii', 'NETASCII', 'mail', '', 'binary', 'x'.repeat(1000)];

function name(r: Rng, files: string[]): string {
  const k = r.int(10);
  if (k < 5) return r.pick(files);
  if (k === 5) return r.pick(['../secret', '/etc/passwd', '/', '.', 'a/../../b', '//x', '\x1b[2J', '%s%n', '\u00e9\u{1f600}']);
  if (k === 6) return 'n'.repeat(r.next() < 0.5 ? 255 : 60000);
  return r.bytes(1 + r.int(40)).toString('latin1').replace(/\0/g, '');
}

function request(r: Rng, files: string[], op: number = Opcode.RRQ): Buffer {
  const options: Record<string, string> = {};
  for (let i = r.int(5); i > 0; i--) options[r.pick(OPTION_NAMES)] = r.pick(OPTION_VALUES);
  return packRequest(op as typeof Opcode.RRQ, name(r, files), r.pick(MODES), options);
}

function mutate(r: Rng, packet: Buffer): Buffer {
  let b = Buffer.from(packet);
  for (let i = 1 + r.int(4); i > 0 && b.length > 0; i--) {
    const at = r.int(b.length);
    switch (r.int(6)) {
      case 0:
        b[at] ^= 1 << r.int(8);
        break;
      case 1:
        b[at] = r.int(256);
        break;
      case 2:
        b = b.subarray(0, at);
        break;
      case 3:
        b = Buffer.concat([b.subarray(0, at), Buffer.from([0]), b.subarray(at)]);
        break;
      case 4:
        b = Buffer.concat([b, b.subarray(at, at + r.int(64))]);
        break;
      default:
        b = Buffer.concat([b, r.bytes(r.int(32))]);
    }
  }
  return b;
}

/** A packet for the request port, and what kind it is. */
function forRequestPort(r: Rng, files: string[]): [string, Buffer] {
  const k = r.int(100);
  if (k < 15) return ['random bytes', r.bytes(r.length())];
  if (k < 25) return ['random opcode', Buffer.concat([Buffer.from([r.int(256), r.int(256)]), r.bytes(r.length())])];
  if (k < 50) return ['RRQ', request(r, files)];
  if (k < 70) return ['mutated RRQ', mutate(r, request(r, files))];
  if (k < 78) return ['unterminated RRQ', request(r, files).subarray(0, -1 - r.int(3))];
  if (k < 82) return ['WRQ', request(r, files, Opcode.WRQ)];
  const stray = [packAck(r.int(65536)), packError(r.int(10), r.bytes(r.int(100)).toString('latin1')), packData(r.int(65536), r.bytes(r.int(600))), packOack({ blksize: r.pick(OPTION_VALUES) })];
  return ['stray packet to the request port', r.next() < 0.5 ? r.pick(stray) : mutate(r, r.pick(stray))];
}

/** A packet for a transfer port: one a client might send, or not. */
function forTransfer(r: Rng, lastBlock: number): [string, Buffer] {
  const k = r.int(10);
  if (k < 3) return ['ACK to a TID', packAck(lastBlock + r.int(3) - 1)];
  if (k < 4) return ['ACK 0 (OACK) to a TID', packAck(0)];
  if (k < 5) return ['random ACK to a TID', packAck(r.int(65536))];
  if (k < 6) return ['ERROR to a TID', packError(r.int(10), r.next() < 0.1 ? 'e'.repeat(60000) : 'fuzz')];
  if (k < 8) return ['mutated ACK to a TID', mutate(r, packAck(lastBlock))];
  return ['random bytes to a TID', r.bytes(r.length())];
}

interface Peer {
  socket: dgram.Socket;
  address: string;
  /** Transfer port -> the last DATA block it sent. */
  tids: Map<number, number>;
}

/** Runs for `seconds`; resolves with what was sent once every socket is closed. */
export async function fuzz(o: FuzzOptions): Promise<FuzzResult> {
  const seed = o.seed ?? Date.now() % 2 ** 31;
  const r = random(seed);
  const rate = o.rate ?? 5000;
  const addresses = ['127.0.0.1', '127.0.0.1', '127.0.0.1', '127.0.0.1', '127.0.0.1', '127.0.0.1', '127.0.2.1', '127.0.2.2', '127.0.2.3', '127.0.2.4', '127.0.2.5', '127.0.2.6'];
  const peers: Peer[] = [];
  const byKind: Record<string, number> = {};
  let sent = 0;
  let fuzzed = 0;
  let acks = 0;
  let received = 0;
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const send = (peer: Peer, kind: string, packet: Buffer, port: number) => {
    // A send queue that does not drain means the kernel is full: skip rather than pile up.
    if (peer.socket.getSendQueueCount() > 64) return false;
    peer.socket.send(packet, port, '127.0.0.1', () => undefined);
    byKind[kind] = (byKind[kind] ?? 0) + 1;
    sent++;
    return true;
  };
  for (const address of addresses) {
    const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 1 << 20 });
    await new Promise<void>((resolve) => socket.bind(0, address, resolve));
    const peer: Peer = { socket, address, tids: new Map() };
    socket.on('error', () => undefined);
    socket.on('message', (msg, rinfo) => {
      received++;
      if (rinfo.port === o.port || msg.length < 4) return;
      const op = msg.readUInt16BE(0);
      if (op === Opcode.DATA) peer.tids.set(rinfo.port, msg.readUInt16BE(2));
      else if (op === Opcode.OACK) peer.tids.set(rinfo.port, 0);
      else return;
      if (peer.tids.size > 32) peer.tids.delete(peer.tids.keys().next().value!);
      // Now and then a good client: ACK what arrived, so transfers run while the rest goes on; not
      // always, or the transfers at loopback speed would take the whole budget.
      if (acks >= elapsed() * rate * 0.25 || r.next() >= 0.7) return;
      if (send(peer, 'ACK as a client would', packAck(op === Opcode.DATA ? msg.readUInt16BE(2) : 0), rinfo.port)) acks++;
    });
    peers.push(peer);
  }
  await new Promise<void>((resolve) => {
    const tick = () => {
      const t = elapsed();
      if (t >= o.seconds) return resolve();
      for (let n = Math.min(Math.floor(t * rate) - fuzzed, 500); n > 0; n--, fuzzed++) {
        const peer = r.pick(peers);
        const known = [...peer.tids];
        if (known.length && r.next() < 0.3) {
          const [tid, block] = r.pick(known);
          // A quarter of them from another socket: a foreign TID for that transfer.
          const from = r.next() < 0.25 ? r.pick(peers) : peer;
          const [kind, packet] = forTransfer(r, block);
          send(from, from === peer ? kind : `${kind} (foreign)`, packet, tid);
        } else {
          const [kind, packet] = forRequestPort(r, o.files);
          send(peer, kind, packet, o.port);
        }
      }
      setTimeout(tick, 5);
    };
    tick();
  });
  await new Promise((resolve) => setTimeout(resolve, 100));
  await Promise.all(peers.map((p) => new Promise<void>((resolve) => p.socket.close(() => resolve()))));
  return { seed, seconds: (performance.now() - started) / 1000, sent, received, byKind };
}

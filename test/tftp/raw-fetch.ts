import { createHash } from 'node:crypto';
import dgram from 'node:dgram';
import { Opcode, packAck, packRequest, parsePacket } from '../../harness/tftp/packet.ts';

export interface RawFetchOptions {
  mode?: string;
  blksize?: number;
  windowsize?: number;
  tsize?: boolean;
  /** Silence after which the last in-order block is ACKed again. Default 500. */
  timeoutMs?: number;
  /** Gives up after this long. Default 60000. */
  deadlineMs?: number;
}

export interface RawFetchResult {
  bytes: number;
  sha256: string;
  oack?: Map<string, string>;
}

/**
 * A windowed read over a bare socket, for what a real client cannot show: the bytes exactly as
 * they were sent (netascii not converted back), hashed as they arrive. It ACKs the last block of
 * each window, and the last block in order at once after a gap (as atftp does).
 */
export async function rawFetch(port: number, name: string, o: RawFetchOptions = {}): Promise<RawFetchResult> {
  // What the server answers in its OACK replaces these: it may lower them.
  let blksize = 512;
  let windowsize = 1;
  const options: Record<string, number> = {};
  if (o.blksize) options.blksize = o.blksize;
  if (o.windowsize) options.windowsize = o.windowsize;
  if (o.tsize) options.tsize = 0;
  const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 << 20 });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const hash = createHash('sha256');
  let tid: number | undefined;
  let expected = 1;
  let sinceAck = 0;
  let lastAcked = -1;
  let bytes = 0;
  let oack: Map<string, string> | undefined;
  let progressAt = performance.now();
  const ack = (block: number) => {
    lastAcked = block;
    sinceAck = 0;
    socket.send(packAck(block), tid!, '127.0.0.1');
  };
  try {
    return await new Promise<RawFetchResult>((resolve, reject) => {
      const started = performance.now();
      const watchdog = setInterval(() => {
        if (performance.now() - started > (o.deadlineMs ?? 60000)) reject(new Error(`'${name}': not done after ${o.deadlineMs ?? 60000} ms (${bytes} B)`));
        else if (tid !== undefined && performance.now() - progressAt > (o.timeoutMs ?? 500)) ack(expected - 1);
      }, o.timeoutMs ?? 500);
      const done = (r: RawFetchResult | Error) => {
        clearInterval(watchdog);
        if (r instanceof Error) reject(r);
        else resolve(r);
      };
      socket.on('message', (msg, rinfo) => {
        tid ??= rinfo.port;
        if (rinfo.port !== tid) return;
        const p = parsePacket(msg);
        if (p.op === Opcode.ERROR) return done(new Error(`'${name}': ERROR ${p.code}: ${p.message}`));
        if (p.op === Opcode.OACK) {
          oack = p.options;
          blksize = Number(oack.get('blksize') ?? 512);
          windowsize = Number(oack.get('windowsize') ?? 1);
          if (expected === 1) ack(0);
          return;
        }
        if (p.op !== Opcode.DATA) return;
        if (p.block !== (expected & 0xffff)) {
          if (lastAcked !== expected - 1) ack(expected - 1);
          return;
        }
        hash.update(p.data);
        bytes += p.data.length;
        progressAt = performance.now();
        sinceAck++;
        if (p.data.length < blksize) {
          ack(expected);
          return done({ bytes, sha256: hash.digest('hex'), oack });
        }
        if (sinceAck === windowsize) ack(expected);
        expected++;
      });
      socket.send(packRequest(Opcode.RRQ, name, o.mode ?? 'octet', options), port, '127.0.0.1');
    });
  } finally {
    socket.close();
  }
}

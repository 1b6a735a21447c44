import dgram from 'node:dgram';
import { type Packet, parsePacket } from '../../harness/tftp/packet.ts';

/**
 * A bare UDP peer for protocol cases the real clients cannot produce: silence, garbage, WRQ
 * without a local file, raw OACK inspection. Received packets queue until read with next().
 */
export class RawClient {
  private readonly queue: { packet: Packet | Buffer; port: number }[] = [];
  private waiter?: () => void;

  private constructor(readonly socket: dgram.Socket) {
    socket.on('message', (msg, rinfo) => {
      let packet: Packet | Buffer;
      try {
        packet = parsePacket(msg);
      } catch {
        packet = msg;
      }
      this.queue.push({ packet, port: rinfo.port });
      this.waiter?.();
    });
  }

  /** Bound to `address`: any of 127.0.0.0/8 is a client of its own, for per-client limits. */
  static async open(address = '127.0.0.1'): Promise<RawClient> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, address, resolve));
    return new RawClient(socket);
  }

  send(buf: Buffer, port: number): void {
    this.socket.send(buf, port, '127.0.0.1');
  }

  /** The next packet and the port it came from; rejects after `timeoutMs` with nothing. */
  async next(timeoutMs = 2000): Promise<{ packet: Packet; port: number }> {
    const end = performance.now() + timeoutMs;
    while (this.queue.length === 0) {
      const left = end - performance.now();
      if (left <= 0) throw new Error(`no packet within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
    const { packet, port } = this.queue.shift()!;
    if (Buffer.isBuffer(packet)) throw new Error(`received a malformed packet: ${packet.toString('hex')}`);
    return { packet, port };
  }

  /** Everything received within `ms`. */
  async collect(ms: number): Promise<{ packet: Packet; port: number }[]> {
    await new Promise((r) => setTimeout(r, ms));
    return this.queue.splice(0).map((e) => ({ packet: e.packet as Packet, port: e.port }));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

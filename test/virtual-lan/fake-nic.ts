import net from 'node:net';
import { FrameReader, frameRecords } from '../../harness/virtual-lan/stream-framing.ts';

/**
 * The QEMU end of the virtual LAN, as `-netdev socket,connect=` behaves: connects to the port in
 * the LAN's netdev() and exchanges length-prefixed Ethernet frames.
 */
export class FakeNic {
  readonly frames: Buffer[] = [];
  /** Resolves when the LAN (or close()) ends the connection. */
  readonly closed: Promise<void>;
  private wake = () => {};

  private constructor(private readonly socket: net.Socket) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    const reader = new FrameReader();
    socket.on('data', (chunk: Buffer) => {
      this.frames.push(...reader.push(chunk));
      this.wake();
    });
  }

  static async connect(netdev: string): Promise<FakeNic> {
    const port = Number(/connect=127\.0\.0\.1:(\d+)/.exec(netdev)?.[1]);
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return new FakeNic(socket);
  }

  send(...frames: Buffer[]): void {
    this.socket.write(frameRecords(frames));
  }

  /** Bytes as they are, framing or not. */
  writeRaw(data: Buffer): void {
    this.socket.write(data);
  }

  /** Resolves with the first received frame `match` accepts (removing it), or rejects after `timeoutMs`. */
  async next(match: (frame: Buffer) => boolean, timeoutMs = 2000): Promise<Buffer> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const i = this.frames.findIndex(match);
      if (i >= 0) return this.frames.splice(i, 1)[0];
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`no matching frame within ${timeoutMs} ms (${this.frames.length} others received)`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

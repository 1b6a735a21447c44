import { SerialPort } from 'serialport';
import type { ConsoleTransport } from '../../harness/console/transport.ts';

/** Opens a pty end as the "board" side of a cable. */
export async function openEnd(path: string): Promise<SerialPort> {
  const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
  port.on('error', () => undefined);
  return port;
}

export async function closeEnd(port: SerialPort | undefined): Promise<void> {
  if (port?.isOpen) await new Promise<void>((r) => port.close(() => r()));
}

/** Collects what a transport or a port receives, and waits for a given amount. */
export class Collector {
  private chunks: Buffer[] = [];
  get data(): Buffer {
    return Buffer.concat(this.chunks);
  }
  readonly push = (chunk: Buffer) => void this.chunks.push(chunk);

  async waitFor(bytes: number, timeoutMs = 3000): Promise<Buffer> {
    const start = Date.now();
    while (this.data.length < bytes) {
      if (Date.now() - start > timeoutMs) throw new Error(`received ${this.data.length} of ${bytes} bytes within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.data;
  }
}

export function collect(transport: ConsoleTransport): { data: Collector; events: string[] } {
  const data = new Collector();
  const events: string[] = [];
  transport.onData(data.push);
  transport.onEvent((e) => events.push(e));
  return { data, events };
}

export async function waitUntil(check: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Every byte value 0..255, `times` times over. */
export function allBytes(times = 1): Buffer {
  return Buffer.concat(Array.from({ length: times }, () => Buffer.from(Array.from({ length: 256 }, (_, i) => i))));
}

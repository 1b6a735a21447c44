import type { ConsoleTransport } from '../../harness/console/transport.ts';

/** A console transport in memory: the test plays the board by calling emit(), and reads what was written. */
export class MemoryTransport implements ConsoleTransport {
  readonly description = 'memory';
  readonly written: Buffer[] = [];
  private data: Array<(c: Buffer) => void> = [];
  private events: Array<(e: string) => void> = [];
  onWrite?: (text: string) => void;

  async open(): Promise<void> {}
  async close(): Promise<void> {}
  async write(data: string | Buffer): Promise<void> {
    const buf = Buffer.isBuffer(data) ? data : Buffer.from(data, 'latin1');
    this.written.push(buf);
    this.onWrite?.(buf.toString('latin1'));
  }
  onData(l: (c: Buffer) => void): void {
    this.data.push(l);
  }
  onEvent(l: (e: string) => void): void {
    this.events.push(l);
  }
  emit(text: string | Buffer): void {
    const buf = Buffer.isBuffer(text) ? text : Buffer.from(text, 'latin1');
    for (const l of this.data) l(buf);
  }
  event(e: string): void {
    for (const l of this.events) l(e);
  }
  writtenText(): string {
    return Buffer.concat(this.written).toString('latin1');
  }
}

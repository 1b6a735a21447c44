import type { ConsoleTransport } from '../console/transport.ts';

/**
 * One domain's share of the board's serial line, as a console transport: it receives what the
 * splitter attributes to the domain (prefixes removed) and writes through `send`, which puts the
 * bytes on the board's line once the domain has Xen's input focus.
 */
export class DomainChannel implements ConsoleTransport {
  private readonly listeners: Array<(chunk: Buffer) => void> = [];

  constructor(
    readonly description: string,
    private readonly send: (data: Buffer) => Promise<void>,
  ) {}

  async open(): Promise<void> {}
  async close(): Promise<void> {}

  async write(data: string | Buffer): Promise<void> {
    await this.send(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  onData(listener: (chunk: Buffer) => void): void {
    this.listeners.push(listener);
  }

  onEvent(): void {}

  /** Text the domain printed (latin1, one char per byte). */
  feed(content: string): void {
    if (!content) return;
    const chunk = Buffer.from(content, 'latin1');
    for (const l of this.listeners) l(chunk);
  }
}

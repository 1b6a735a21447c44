import { MemoryTransport } from './memory-transport.ts';

/**
 * A dom0less board's serial line after boot, as Xen 4.17 drives it: Ctrl-<key> three times moves the input
 * focus round the cycle (with no dom0: DOM0 → DOM1 → … → Xen → DOM0) and Xen announces it; the focused
 * domU gets typed bytes through a 32-byte buffer that drops what overflows, echoes them like a shell, and
 * runs `echo` lines. Debug key 'h' on Xen prints its help.
 */
export class FakeXenConsole extends MemoryTransport {
  focus = 'DOM0';
  private run = 0;
  private inFlight = 0;
  private lines = new Map<string, string>();
  readonly dropped: string[] = [];

  constructor(
    private readonly cycle: string[] = ['DOM0', 'DOM1', 'DOM2', 'Xen'],
    private readonly key = 'a',
    /** Milliseconds the guest needs per character it consumes. */
    private readonly charMs = 2,
  ) {
    super();
    this.onWrite = (text) => this.typed(text);
  }

  private typed(text: string): void {
    const ctrl = String.fromCharCode(this.key.charCodeAt(0) - 96);
    for (const c of text) {
      if (c === ctrl) {
        if (++this.run === 3) this.next();
        continue;
      }
      this.run = 0;
      if (this.focus === 'Xen') this.debugKey(c);
      else if (this.focus !== 'DOM0') this.toGuest(c);
    }
  }

  private next(): void {
    this.run = 0;
    this.focus = this.cycle[(this.cycle.indexOf(this.focus) + 1) % this.cycle.length];
    this.emit(`(XEN) *** Serial input to ${this.focus} (type 'CTRL-${this.key}' three times to switch input)\r\n`);
  }

  private debugKey(c: string): void {
    if (c === 'h') this.emit("(XEN) 'h' pressed -> showing installed handlers\r\n(XEN)  key '%' (ascii '25') => trap to xendbg\r\n");
  }

  /** The vpl011 buffer: 32 characters in flight at most; the guest consumes one every charMs. */
  private toGuest(c: string): void {
    const domain = this.focus;
    if (this.inFlight >= 32) {
      this.dropped.push(c);
      return;
    }
    this.inFlight++;
    setTimeout(() => {
      this.inFlight--;
      this.guestChar(domain, c);
    }, this.charMs * this.inFlight);
  }

  private guestChar(domain: string, c: string): void {
    if (c === '\x03') {
      this.lines.set(domain, '');
      this.emit(`(XEN) ^C\r\r\n(XEN) / # `);
      return;
    }
    if (c !== '\r') {
      this.lines.set(domain, (this.lines.get(domain) ?? '') + c);
      this.emit(c);
      return;
    }
    const line = this.lines.get(domain) ?? '';
    this.lines.set(domain, '');
    this.emit('\r\r\n');
    for (const part of line.split(';').map((p) => p.trim())) {
      const echo = /^echo (.*)$/.exec(part);
      if (echo) this.emit(`(XEN) ${echo[1].replace('$?', '0')}\r\r\n`);
      else if (part === 'whoami') this.emit(`(XEN) ${domain}\r\r\n`);
    }
    this.emit('(XEN) / # ');
  }
}

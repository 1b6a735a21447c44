import { MemoryTransport } from './memory-transport.ts';

export interface FakeXenConsoleOptions {
  /** Milliseconds the guest needs per character it consumes. Default 2. */
  charMs?: number;
  /**
   * Like busybox ash, the shell follows its prompt with the cursor-position query ESC[6n, this many
   * milliseconds later. Default: no query.
   */
  promptQueryMs?: number;
}

/** Xen 4.17's SBSA_UART_OUT_BUF_SIZE: an unfocused domU's line is printed when it fills up. */
const OUT_BUF_SIZE = 128;

/**
 * A dom0less board's serial line after boot, as Xen 4.17 drives it.
 * - Input: Ctrl-<key> three times moves the focus round the cycle (with no dom0: DOM0 → DOM1 → … → Xen
 *   → DOM0) and Xen announces it; the focused domU gets typed bytes through a 32-byte buffer that drops
 *   what overflows. Debug key 'h' on Xen prints its help.
 * - Output, as vpl011_write_data_xen does it: an unfocused domU's characters are buffered and printed
 *   as whole lines headed "DOMn: "; the focused domU's go out one at a time, except that a line left
 *   buffered from before the focus came is flushed with the first new character and a '\n' Xen adds.
 *   Xen's printk heads every line it starts with "(XEN) " and ends lines with "\r\n".
 * - The guest is a shell that echoes, and runs `echo` and `whoami` lines.
 */
export class FakeXenConsole extends MemoryTransport {
  focus = 'DOM0';
  private run = 0;
  private inFlight = 0;
  private lines = new Map<string, string>();
  private pending = new Map<string, string>();
  /** Characters typed while the shell had not yet sent its prompt's query: it reads them after. */
  private held = new Map<string, string[]>();
  private atLineStart = true;
  readonly dropped: string[] = [];

  constructor(
    private readonly cycle: string[] = ['DOM0', 'DOM1', 'DOM2', 'Xen'],
    private readonly key = 'a',
    private readonly options: FakeXenConsoleOptions = {},
  ) {
    super();
    this.onWrite = (text) => this.typed(text);
  }

  /** Raw bytes on the line, outside Xen's printk (the tests' boot log lines). */
  override emit(text: string | Buffer): void {
    const s = Buffer.isBuffer(text) ? text.toString('latin1') : text;
    if (s.length > 0) this.atLineStart = s.endsWith('\n');
    super.emit(text);
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
    this.printk(`*** Serial input to ${this.focus} (type 'CTRL-${this.key}' three times to switch input)\n`);
  }

  private debugKey(c: string): void {
    if (c === 'h') this.printk("'h' pressed -> showing installed handlers\n key '%' (ascii '25') => trap to xendbg\n");
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
    }, (this.options.charMs ?? 2) * this.inFlight);
  }

  private guestChar(domain: string, c: string): void {
    const held = this.held.get(domain);
    if (held) {
      held.push(c);
      return;
    }
    if (c === '\x03') {
      this.lines.set(domain, '');
      this.guestWrite(domain, '^C\r\n');
      this.prompt(domain);
      return;
    }
    if (c !== '\r') {
      this.lines.set(domain, (this.lines.get(domain) ?? '') + c);
      this.guestWrite(domain, c);
      return;
    }
    const line = this.lines.get(domain) ?? '';
    this.lines.set(domain, '');
    this.guestWrite(domain, '\r\n');
    for (const part of line.split(';').map((p) => p.trim())) {
      const echo = /^echo (.*)$/.exec(part);
      if (echo) this.guestWrite(domain, `${echo[1].replace('$?', '0')}\r\n`);
      else if (part === 'whoami') this.guestWrite(domain, `${domain}\r\n`);
    }
    this.prompt(domain);
  }

  private prompt(domain: string): void {
    this.guestWrite(domain, '/ # ');
    const delay = this.options.promptQueryMs;
    if (delay === undefined) return;
    this.held.set(domain, []);
    setTimeout(() => {
      this.guestWrite(domain, '\x1b[6n');
      const typed = this.held.get(domain) ?? [];
      this.held.delete(domain);
      for (const c of typed) this.guestChar(domain, c);
    }, delay);
  }

  /** What the domU writes to its UART, through Xen's vpl011 output path. */
  private guestWrite(domain: string, text: string): void {
    for (const c of text) {
      const line = (this.pending.get(domain) ?? '') + c;
      if (domain === this.focus) {
        this.pending.set(domain, '');
        this.printk(line.length === 1 ? c : c === '\n' ? line : line + '\n');
      } else if (c === '\n' || line.length === OUT_BUF_SIZE - 2) {
        this.pending.set(domain, '');
        this.printk(`${domain}: ${c === '\n' ? line : line + '\n'}`);
      } else {
        this.pending.set(domain, line);
      }
    }
  }

  private printk(text: string): void {
    let out = '';
    for (const c of text) {
      if (this.atLineStart) out += '(XEN) ';
      out += c === '\n' ? '\r\n' : c;
      this.atLineStart = c === '\n';
    }
    super.emit(out);
  }
}

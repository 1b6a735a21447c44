import { DomainSplitter } from './domain-splitter.ts';
import { READINESS_PARAM, READINESS_RE } from './readiness.ts';
import { StreamLines, type StreamLine } from './stream-lines.ts';

/** What Xen and its guests printed during boot, read from the console one line at a time. */
export interface XenDomainSeen {
  domid: number;
  vcpus: number;
  memoryKb: number;
  loadedMs?: number;
  /**
   * By when its kernel had started, by the kernel's own printk clock: the least of a stamped line's
   * arrival less its stamp. A line arrives after it was printed, so this is never before the start.
   */
  kernelStartMs?: number;
  /** The configured name, learnt from what the domain printed (domids can come out reversed). */
  name?: string;
  readyMs?: number;
}

export type XenEvent =
  | { kind: 'banner'; version: string }
  | { kind: 'domu-loaded'; domid: number }
  | { kind: 'init-done' }
  | { kind: 'domu-ready'; domid: number; name: string }
  | { kind: 'focus'; target: string };

// Xen 4.17 prints the memory as bare hex KB, 4.18+ with 0x.
const LOADING_DOMU = /\*\*\* LOADING DOMU cpus=(\d+) memory=(?:0x)?([0-9a-fA-F]+)KB \*\*\*/;
const LOADING_KERNEL = /^Loading d(\d+) kernel from boot module/;
const BANNER = /^Xen version (\S+)/;
const INIT_DONE = /^Freed \d+kB init memory/;
/** A guest kernel's printk time, seconds since its start: `[    1.234567] …`. */
const PRINTK_STAMP = /^\[\s*(\d+\.\d+)\]/;
/** A guest kernel's command line names its domain first thing, long before its readiness line. */
const NAMED_CMDLINE = new RegExp(`Kernel command line:.*\\b${READINESS_PARAM.replace('.', '\\.')}=([a-z0-9-]+)`);

export interface XenConsoleOptions {
  /** Whether the system booted has a dom0 (text without Xen's prefix is then dom0's). Default true. */
  hasDom0?: boolean;
  /** How long the splitter holds back a possible line head (DomainSplitterOptions.holdMs). */
  holdMs?: number;
}

/**
 * The one reader of a Xen board's serial line: feed it every byte received (push). Its splitter
 * attributes each byte to firmware, Xen, dom0 or a domU and owns the input focus; from the complete
 * lines of each stream it learns Xen's version, the domains Xen created, and each domain's name and
 * readiness (from the domain's own stream, so domids that come out reversed do not matter).
 */
export class XenConsoleModel {
  readonly domains: XenDomainSeen[] = [];
  readonly splitter: DomainSplitter;
  version?: string;
  private pending?: { vcpus: number; memoryKb: number };
  private readonly lines: StreamLines;
  private readonly listeners: Array<(e: XenEvent, ms: number) => void> = [];
  private readonly guestListeners: Array<(domid: number, text: string) => void> = [];

  constructor(
    private readonly now: () => number,
    options: XenConsoleOptions = {},
  ) {
    this.splitter = new DomainSplitter({ nameOf: (domid) => this.domains.find((d) => d.domid === domid)?.name, hasDom0: options.hasDom0, holdMs: options.holdMs });
    this.lines = new StreamLines((line) => this.line(line));
    this.splitter.onPiece((piece) => this.lines.add(piece));
    this.splitter.onFocus((target) => this.emit({ kind: 'focus', target }));
  }

  /** Where Xen sends serial input: `Xen` or `DOMn`, as its last `*** Serial input to` line said. */
  get focus(): string {
    return this.splitter.focus;
  }

  onEvent(listener: (e: XenEvent, ms: number) => void): void {
    this.listeners.push(listener);
  }

  /** Each complete line a domU printed, from its own stream (whether it had the focus or not). */
  onGuestLine(listener: (domid: number, text: string) => void): void {
    this.guestListeners.push(listener);
  }

  byName(name: string): XenDomainSeen | undefined {
    return this.domains.find((d) => d.name === name);
  }

  /** Received text (latin1: one char per byte). */
  push(text: string): void {
    this.splitter.push(text);
  }

  /** At power-on: what follows is a new boot, from the firmware on. */
  reset(): void {
    this.splitter.reset();
    this.lines.clear();
    this.domains.length = 0;
    this.version = undefined;
    this.pending = undefined;
  }

  private line({ stream, domid, text }: StreamLine): void {
    if (stream === 'xen') this.xenLine(text);
    else if (domid) this.guestLine(domid, text);
  }

  private xenLine(text: string): void {
    let m: RegExpExecArray | null;
    if ((m = BANNER.exec(text))) {
      this.version = m[1];
      this.emit({ kind: 'banner', version: m[1] });
    } else if ((m = LOADING_DOMU.exec(text))) {
      this.pending = { vcpus: Number(m[1]), memoryKb: parseInt(m[2], 16) };
    } else if ((m = LOADING_KERNEL.exec(text)) && this.pending) {
      const id = Number(m[1]);
      this.domains.push({ domid: id, ...this.pending, loadedMs: Math.round(this.now()) });
      this.pending = undefined;
      this.emit({ kind: 'domu-loaded', domid: id });
    } else if (INIT_DONE.test(text)) {
      this.emit({ kind: 'init-done' });
    }
  }

  private guestLine(domid: number, text: string): void {
    for (const l of this.guestListeners) l(domid, text);
    const domain = this.domains.find((d) => d.domid === domid);
    // Not the first line's arrival: with console=ttyAMA0 that is when the console driver came up.
    const stamp = PRINTK_STAMP.exec(text);
    if (domain && stamp) {
      domain.kernelStartMs = Math.min(domain.kernelStartMs ?? Infinity, Math.round(this.now() - Number(stamp[1]) * 1000));
    }
    const named = domain && !domain.name && NAMED_CMDLINE.exec(text);
    if (named) domain.name = named[1];
    const ready = READINESS_RE.exec(text);
    if (!ready) return;
    if (domain) {
      domain.name = ready[1];
      domain.readyMs = Math.round(this.now());
    }
    this.emit({ kind: 'domu-ready', domid, name: ready[1] });
  }

  private emit(event: XenEvent): void {
    const ms = this.now();
    for (const l of this.listeners) l(event, ms);
  }
}

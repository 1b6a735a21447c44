import { READINESS_RE } from './readiness.ts';

/** What Xen and its guests printed during boot, read from the console one line at a time. */
export interface XenDomainSeen {
  domid: number;
  vcpus: number;
  memoryKb: number;
  loadedMs?: number;
  /** The configured name, learnt from what the domain printed (domids can come out reversed). */
  name?: string;
  readyMs?: number;
}

export type XenEvent =
  | { kind: 'banner'; version: string }
  | { kind: 'domu-loaded'; domid: number }
  | { kind: 'init-done' }
  | { kind: 'domu-ready'; domid: number | undefined; name: string }
  | { kind: 'focus'; target: string };

// Xen 4.17 prints the memory as bare hex KB, 4.18+ with 0x.
const LOADING_DOMU = /\*\*\* LOADING DOMU cpus=(\d+) memory=(?:0x)?([0-9a-fA-F]+)KB \*\*\*/;
const LOADING_KERNEL = /^Loading d(\d+) kernel from boot module/;
const BANNER = /^Xen version (\S+)/;
const INIT_DONE = /^Freed \d+kB init memory/;
const GUEST_LINE = /^DOM(\d+): (.*)$/;
/** Xen prefixes its lines with "(XEN) " and, with console_timestamps, a bracketed time. */
const XEN_PREFIX = /^\(XEN\) (?:\[[^\]]*\] )?/;
export const FOCUS_RE = /\*\*\* Serial input to (Xen|DOM\d+)/;

/** Reads Xen's boot messages into domains and events; feed it console lines. */
export class XenConsoleModel {
  readonly domains: XenDomainSeen[] = [];
  version?: string;
  private pending?: { vcpus: number; memoryKb: number };
  /** Where Xen sends serial input: "Xen" or "DOMn"; the focused domU's output has no DOMn prefix. */
  focus?: string;
  private readonly listeners: Array<(e: XenEvent, ms: number) => void> = [];

  constructor(private readonly now: () => number) {}

  onEvent(listener: (e: XenEvent, ms: number) => void): void {
    this.listeners.push(listener);
  }

  byName(name: string): XenDomainSeen | undefined {
    return this.domains.find((d) => d.name === name);
  }

  /** Guest readiness lines that arrived while no domid was known (e.g. printed by the focused domain). */
  readonly unattributedReady: string[] = [];

  line(raw: string): void {
    const focus = FOCUS_RE.exec(raw);
    if (focus) {
      this.focus = focus[1];
      this.emit({ kind: 'focus', target: focus[1] });
    }
    if (!XEN_PREFIX.test(raw)) return;
    const text = raw.replace(XEN_PREFIX, '');
    let m: RegExpExecArray | null;
    if ((m = BANNER.exec(text))) {
      this.version = m[1];
      this.emit({ kind: 'banner', version: m[1] });
    } else if ((m = LOADING_DOMU.exec(text))) {
      this.pending = { vcpus: Number(m[1]), memoryKb: parseInt(m[2], 16) };
    } else if ((m = LOADING_KERNEL.exec(text)) && this.pending) {
      const domid = Number(m[1]);
      this.domains.push({ domid, ...this.pending, loadedMs: Math.round(this.now()) });
      this.pending = undefined;
      this.emit({ kind: 'domu-loaded', domid });
    } else if (INIT_DONE.test(text)) {
      this.emit({ kind: 'init-done' });
    } else {
      this.guestLine(text);
    }
  }

  private guestLine(text: string): void {
    const guest = GUEST_LINE.exec(text);
    const ready = READINESS_RE.exec(guest ? guest[2] : text);
    if (!ready) return;
    const focused = this.focus?.startsWith('DOM') ? Number(this.focus.slice(3)) : undefined;
    const domid = guest ? Number(guest[1]) : focused;
    const domain = this.domains.find((d) => d.domid === domid);
    if (domain) {
      domain.name = ready[1];
      domain.readyMs = Math.round(this.now());
    } else {
      this.unattributedReady.push(ready[1]);
    }
    this.emit({ kind: 'domu-ready', domid, name: ready[1] });
  }

  private emit(event: XenEvent): void {
    const ms = this.now();
    for (const l of this.listeners) l(event, ms);
  }
}

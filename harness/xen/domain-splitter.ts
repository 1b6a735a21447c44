import * as H from './line-heads.ts';
import { MarkerSearch } from './marker-search.ts';
import { domuKey, PieceCollector, type SplitPiece, type StreamKey } from './split-piece.ts';

export type { SplitPiece, StreamKey } from './split-piece.ts';

export interface DomainSplitterOptions {
  /** The configured name of a domain, once known (e.g. from its readiness line); used for SplitPiece.name. */
  nameOf?: (domid: number) => string | undefined;
  /**
   * Text held back because it may still turn out to be a line prefix or a marker (at most a few dozen
   * bytes, e.g. a lone `D` that could start `DOM2: `) is released to its likeliest stream after this
   * many milliseconds without new input. 0: only push() and flush() release it. Default 50.
   */
  holdMs?: number;
  /**
   * Whether the system has a dom0. Xen 4.17 prints dom0's console bare, and usually heads the focused
   * domU's lines with `(XEN) `; but printk keeps "am I mid-line" per physical CPU, so when the domU's
   * vCPU moves between CPUs a `(XEN) ` can land mid-line and a line can come bare (seen right after a
   * focus switch, and on a 2-vCPU domU). So while a domU has the focus a bare line is that domU's;
   * with a dom0, one that starts like a kernel log line (`[   72.776309] `) is taken for dom0's kernel
   * (the dom0 text a lab sees while it types to a domU). Default true.
   */
  hasDom0?: boolean;
}

/** How a line's body is read: which markers can interrupt it. */
type Body = 'raw' | 'focused' | 'line' | 'xen';
interface Target {
  stream: StreamKey;
  domid?: number;
  body: Body;
}
interface Decision {
  target: Target;
  prefix: number;
  xen: boolean;
  stamped?: boolean;
}

const FIRMWARE: Target = { stream: 'firmware', body: 'raw' };
const XEN: Target = { stream: 'xen', body: 'xen' };
const DOM0: Target = { stream: 'dom0', domid: 0, body: 'raw' };
/**
 * Markers that can interrupt a line: a raw writer (firmware, dom0) and Xen's printk do not share line
 * state. In the focused domU's line, `(XEN) ` starts another line of Xen's printk (`(XEN) DOM2: …`,
 * one of Xen's own) that interrupts it: that line is classified whole, prefix included.
 */
const MARKERS: Record<Exclude<Body, 'xen'>, readonly string[]> = {
  raw: [H.XEN_PREFIX, H.FOCUS_HEAD],
  focused: [H.XEN_PREFIX, H.DOMU_LINE, H.FOCUS_HEAD],
  line: [H.FOCUS_HEAD],
};
/** After `(XEN) `: the heads of lines a domU printed itself. */
const DOMU_HEADS = [H.DOMU_LINE, H.GUEST_PRINTK];
/** A line head not decided after this many characters is decided on what is there. */
const HEAD_MAX = 64;

/**
 * Splits a dom0less board's serial stream into firmware, xen, dom0 and one stream per domU.
 *
 * Rules: everything before the first `(XEN) ` is `firmware` (U-Boot and whatever ran before Xen; reset()
 * starts over after a power cycle). After it: `(XEN) [stamp] DOMn: ` → DOMn; `(XEN) ` + anything else →
 * the domU that has the input focus (Xen prints its characters one by one behind a single `(XEN) `),
 * unless the focus is on Xen or DOM0 or the line starts like one of Xen's own messages (XEN_OWN_HEADS),
 * then `xen`; no prefix → `dom0` (its hvc0 is written raw). Mid-line, `*** Serial input to` hands the
 * rest of the line to `xen`, `DOMn: ` inside the focused domU's line (Xen's printk was mid-line) goes to
 * DOMn, and `(XEN) ` inside a raw line starts a Xen line. The focus follows the `*** Serial input to` lines.
 *
 * A line is classified as soon as its head decides it; the rest streams out at once (a prompt without
 * newline is not delayed). Every input byte is in exactly one piece; pieces in order rebuild the input.
 */
export class DomainSplitter {
  private started = false;
  private stamps?: boolean;
  private focusOn = 'Xen';
  /** The domid of the domU that has the focus, if a domU (not Xen, not DOM0) has it. */
  private focusedDomu?: number;
  private target?: Target;
  private contentAt = 0;
  private held = '';
  private xenLine = '';
  private timer?: NodeJS.Timeout;
  private readonly lineTargets: Target[] = [];
  private readonly focusedTargets: Target[] = [];
  private readonly markers = {
    raw: new MarkerSearch(MARKERS.raw),
    focused: new MarkerSearch(MARKERS.focused),
    line: new MarkerSearch(MARKERS.line),
  };
  private readonly listeners: Array<(piece: SplitPiece) => void> = [];
  private readonly focusListeners: Array<(target: string) => void> = [];
  private readonly out: PieceCollector;

  constructor(private readonly options: DomainSplitterOptions = {}) {
    this.out = new PieceCollector((p) => this.listeners.forEach((l) => l(p)), options.nameOf ?? (() => undefined));
  }

  /** Where Xen sends serial input, as its last `*** Serial input to` line said: `Xen` (at boot) or `DOMn`. */
  get focus(): string {
    return this.focusOn;
  }

  /** Receives each piece as soon as it is attributed; within one push, consecutive text of a stream is one piece. */
  onPiece(listener: (piece: SplitPiece) => void): void {
    this.listeners.push(listener);
  }

  /** Told each time Xen announces where serial input goes (at the end of its `*** Serial input to` line), and on reset(). */
  onFocus(listener: (target: string) => void): void {
    this.focusListeners.push(listener);
  }

  /** Feeds received text (latin1: one char per byte). */
  push(text: string): void {
    if (text.length === 0) return;
    this.clearTimer();
    this.process(this.held + text, false);
    const holdMs = this.options.holdMs ?? 50;
    if (this.held && holdMs > 0) {
      this.timer = setTimeout(() => this.flush(), holdMs);
      this.timer.unref();
    }
  }

  /** Releases held-back text to the stream it most likely belongs to (as if no more text could follow). */
  flush(): void {
    this.clearTimer();
    if (this.held) this.process(this.held, true);
  }

  /** After a power cycle: flushes, then reads what follows as firmware again, with the focus on Xen. */
  reset(): void {
    this.flush();
    this.started = false;
    this.stamps = undefined;
    this.setFocus('Xen');
    this.target = undefined;
    this.xenLine = '';
  }

  /** Stops the hold timer; held text stays until flush(). */
  close(): void {
    this.clearTimer();
  }

  private process(s: string, final: boolean): void {
    this.held = '';
    this.contentAt = 0;
    let pos = 0;
    while (pos < s.length) {
      if (this.target) {
        pos = this.body(this.target, s, pos, final);
        continue;
      }
      const d = this.classify(s, pos, final || s.length - pos > HEAD_MAX);
      if (!d) {
        this.held = s.slice(pos);
        break;
      }
      if (d.xen) this.started = true;
      if (d.stamped !== undefined) this.stamps ??= d.stamped;
      this.target = d.target;
      this.contentAt = pos + d.prefix;
    }
    this.out.end();
    for (const m of Object.values(this.markers)) m.reset();
  }

  /** Streams the current line's text from pos to its end, the next marker, or the end of s. */
  private body(t: Target, s: string, pos: number, final: boolean): number {
    const nl = s.indexOf('\n', pos);
    const lineEnd = nl < 0 ? s.length : nl + 1;
    // Markers are looked for after the line's own head (a focused line starts with the `(XEN) ` marker).
    const from = Math.max(pos, this.contentAt);
    const mark = t.body === 'xen' ? -1 : this.markers[t.body].find(s, from, lineEnd);
    if (mark >= 0) {
      this.emit(t, s, pos, mark);
      this.interrupt(t.body, s, mark);
      return mark;
    }
    if (nl >= 0) {
      this.emit(t, s, pos, lineEnd);
      if (t.body === 'xen') this.xenLineDone();
      this.target = undefined;
      return lineEnd;
    }
    const keep = final || t.body === 'xen' ? 0 : this.markers[t.body].partialAtEnd(s, from);
    this.emit(t, s, pos, s.length - keep);
    this.held = s.slice(s.length - keep);
    return s.length;
  }

  /** A marker found at `at` interrupts the line: what follows belongs elsewhere. */
  private interrupt(body: Body, s: string, at: number): void {
    const domu = H.matchHead(s, at, H.DOMU_LINE);
    if (body === 'focused' && domu > 0) {
      this.target = this.domu(H.numberAt(s, at), 'line');
      this.contentAt = at + domu;
    } else if (H.matchHead(s, at, H.FOCUS_HEAD) > 0) {
      this.target = XEN;
      this.contentAt = at;
    } else {
      this.target = undefined; // "(XEN) " inside a raw or focused line: a line head
    }
  }

  private classify(s: string, pos: number, final: boolean): Decision | undefined {
    const x = settle(H.matchHead(s, pos, H.XEN_PREFIX), final);
    if (x === H.MAYBE) return undefined;
    if (x === H.NO) return this.unprefixed(s, pos, final);
    let p = pos + x;
    let stamped: boolean | undefined;
    if (this.stamps !== false) {
      const st = settle(H.matchStamp(s, p), final);
      if (st === H.MAYBE) return undefined;
      stamped = st > 0;
      p += st;
    }
    for (const template of DOMU_HEADS) {
      const m = settle(H.matchHead(s, p, template), final);
      if (m === H.MAYBE) return undefined;
      if (m > 0) return { target: this.domu(H.numberAt(s, p), 'line'), prefix: p + m - pos, xen: true, stamped };
    }
    const focused = this.focusedDomu;
    const own = focused === undefined ? 1 : xenOwn(s, p, final);
    if (own === H.MAYBE) return undefined;
    const target = own > 0 ? XEN : this.domu(focused!, 'focused');
    return { target, prefix: p - pos, xen: true, stamped };
  }

  /** A line without `(XEN) `: firmware before Xen; after it dom0, unless Xen's printk was mid-line. */
  private unprefixed(s: string, pos: number, final: boolean): Decision | undefined {
    if (!this.started) return { target: FIRMWARE, prefix: 0, xen: false };
    const domu = settle(H.matchHead(s, pos, H.DOMU_LINE), final);
    if (domu > 0) return { target: this.domu(H.numberAt(s, pos), 'line'), prefix: domu, xen: false };
    const focus = settle(H.matchHead(s, pos, H.FOCUS_HEAD), final);
    if (domu === H.MAYBE || focus === H.MAYBE) return undefined;
    if (focus > 0) return { target: XEN, prefix: 0, xen: false };
    const dom0 = { target: DOM0, prefix: 0, xen: false };
    if (this.focusedDomu === undefined) return dom0;
    const focused = { target: this.domu(this.focusedDomu, 'focused'), prefix: 0, xen: false };
    if (this.options.hasDom0 === false) return focused;
    const kernelLine = settle(H.matchStamp(s, pos), final);
    if (kernelLine === H.MAYBE) return undefined;
    return kernelLine > 0 ? dom0 : focused;
  }

  private emit(t: Target, s: string, from: number, to: number): void {
    if (to <= from) return;
    const content = s.slice(Math.max(from, this.contentAt), to);
    if (t.body === 'xen' && this.xenLine.length < 512) this.xenLine += content;
    this.out.add(t.stream, t.domid, s.slice(from, to), content);
  }

  private xenLineDone(): void {
    const focus = this.xenLine.includes(H.FOCUS_HEAD) ? H.FOCUS_RE.exec(this.xenLine) : null;
    if (focus) this.setFocus(focus[1]);
    this.xenLine = '';
  }

  private setFocus(target: string): void {
    this.focusOn = target;
    const domid = target.startsWith('DOM') ? Number(target.slice(3)) : 0;
    this.focusedDomu = domid > 0 ? domid : undefined;
    for (const l of this.focusListeners) l(target);
  }

  private domu(domid: number, body: 'line' | 'focused'): Target {
    const cache = body === 'line' ? this.lineTargets : this.focusedTargets;
    return (cache[domid] ??= { stream: domuKey(domid), domid, body });
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** Does the line at p start like one of Xen's own messages? 1: yes, NO, or MAYBE (cannot tell yet). */
function xenOwn(s: string, p: number, final: boolean): number {
  let result = H.NO;
  for (const template of H.XEN_OWN_HEADS) {
    const m = settle(H.matchHead(s, p, template), final);
    if (m > 0) return 1;
    if (m === H.MAYBE) result = H.MAYBE;
  }
  return result;
}

/** With no more text to come, a head that could still match does not. */
function settle(result: number, final: boolean): number {
  return final && result === H.MAYBE ? H.NO : result;
}

/**
 * Line heads on a Xen serial console: how a line (or, mid-line, a marker) tells whose text follows.
 * Sources: Xen 4.17 xen/arch/arm/vpl011.c, xen/drivers/char/console.c and the project's reference notes.
 *
 * A head template is literal text where `#` stands for 1 to 9 digits (a domid, a vcpu number).
 */
import { escapeRegExp } from '../console/patterns.ts';

/** Xen's own line prefix; with `console_timestamps` a bracketed stamp and a space follow it. */
export const XEN_PREFIX = '(XEN) ';
/** A line of a domU without the input focus (vpl011 prints it whole); Xen 4.17 has no other form. */
export const DOMU_LINE = 'DOM#: ';
/** guest_printk's prefix for a domU's console_io writes (hypercall console, rarely enabled). */
export const GUEST_PRINTK = '(d#) ';
/** Xen announcing where serial input goes; it can interrupt another line. */
export const FOCUS_HEAD = '*** Serial input to ';

/**
 * Heads of lines Xen prints itself while a domU has the input focus (after `(XEN) ` and any stamp).
 * Without one of these, such a line is the focused domU's: keep the list short and specific.
 */
export const XEN_OWN_HEADS: readonly string[] = [
  '***', // *** Serial input to …, *** LOADING DOMU …
  'd#v#', // d1v0: vGICD: unhandled word write …, d1v0 vpl011: …
  'Xen ', // Xen BUG at …, Xen call trace:, Xen version …
  '----[ Xen-',
  'Panic on CPU ',
  'Domain #', // Domain 1 (vcpu#0) crashed on cpu#1:
  'Hardware Dom0 ',
  'Reboot in ',
  // Xen 4.20 gives the focus to the first domU before its end of boot, so this comes while a domU has it.
  'Freed ', // Freed 368kB init memory.
];

/** The result of matchHead when the text ends before the template could be decided. */
export const MAYBE = -1;
/** The result of matchHead when the text is not this template. */
export const NO = 0;
const MAX_DIGITS = 9;

/** The focus line's head and its target: `Xen` or `DOMn`. */
export const FOCUS_RE = new RegExp(`${templateSource(FOCUS_HEAD)}(Xen|DOM\\d+)`);

/**
 * Does `text` at `from` start with `template`? Returns the length matched (> 0), NO, or MAYBE when
 * the text ends first (more text could still make it match).
 */
export function matchHead(text: string, from: number, template: string): number {
  let i = from;
  for (let t = 0; t < template.length; t++) {
    const c = template.charCodeAt(t);
    if (c === 0x23 /* # */) {
      const start = i;
      while (i < text.length && i - start <= MAX_DIGITS && isDigit(text.charCodeAt(i))) i++;
      if (i - start > MAX_DIGITS) return NO;
      if (i === text.length) return MAYBE;
      if (i === start) return NO;
      continue;
    }
    if (i === text.length) return MAYBE;
    if (text.charCodeAt(i) !== c) return NO;
    i++;
  }
  return i - from;
}

/** A stamp after `(XEN) ` as console_timestamps prints it: `[    4.221026] `, `[2024-05-01 10:00:00.123] `. */
export function matchStamp(text: string, from: number): number {
  if (from >= text.length) return MAYBE;
  if (text.charCodeAt(from) !== 0x5b /* [ */) return NO;
  const limit = Math.min(text.length, from + 40);
  for (let i = from + 1; i < limit; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || c === 0x0d || c === 0x5b) return NO;
    if (c !== 0x5d /* ] */) continue;
    if (i + 1 === text.length) return MAYBE;
    return text.charCodeAt(i + 1) === 0x20 ? i + 2 - from : NO;
  }
  return limit === text.length && limit < from + 40 ? MAYBE : NO;
}

/** The first number in `text` from `from` (the domid in `DOM12: ` or `(d12) `). */
export function numberAt(text: string, from: number): number {
  let i = from;
  while (i < text.length && !isDigit(text.charCodeAt(i))) i++;
  let n = 0;
  while (isDigit(text.charCodeAt(i))) n = n * 10 + text.charCodeAt(i++) - 0x30;
  return n;
}

/** A global RegExp finding any of the templates anywhere (same meaning of `#` as matchHead). */
export function templatesRegExp(templates: readonly string[]): RegExp {
  return new RegExp(templates.map(templateSource).join('|'), 'g');
}

/** One template as regular-expression source: literal text escaped, `#` as 1 to 9 digits. */
function templateSource(template: string): string {
  return template
    .split('#')
    .map(escapeRegExp)
    .join(`\\d{1,${MAX_DIGITS}}`);
}

/** The longest template, digits counted at their maximum: how much text a partial marker can hold back. */
export function longestTemplate(templates: readonly string[]): number {
  return Math.max(...templates.map((t) => t.length + (t.split('#').length - 1) * (MAX_DIGITS - 1)));
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

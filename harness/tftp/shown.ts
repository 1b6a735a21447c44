import { printable } from '../console/patterns.ts';

/**
 * The most of a peer's text (a file name, a mode, an ERROR message) put into a reply or a log
 * line: a request may carry a name of up to 64 KB, which must not come back whole in our ERROR
 * nor fill a log line.
 */
export const SHOWN_CHARS = 100;

/** `text` cut to SHOWN_CHARS with an ellipsis, control characters made visible (a log may be a terminal). */
export function shown(text: string): string {
  if (text.length <= SHOWN_CHARS) return printable(text);
  // Not between the two halves of a surrogate pair, which would encode as U+FFFD.
  const end = /[\ud800-\udbff]/.test(text[SHOWN_CHARS - 1]) ? SHOWN_CHARS - 1 : SHOWN_CHARS;
  // A copy, not a slice: V8 keeps the whole text alive for as long as a slice of it is kept (in
  // a TransferStats error, say), and the whole may be 64 KB.
  return `${printable(Buffer.from(text.slice(0, end)).toString())}…`;
}

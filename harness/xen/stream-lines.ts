import type { SplitPiece, StreamKey } from './split-piece.ts';

/** A complete line of one stream: its owner's text, without Xen's prefixes and the line end. */
export interface StreamLine {
  stream: StreamKey;
  domid?: number;
  text: string;
}

/** Longest line kept per stream: a prompt or binary noise without a newline cannot grow it further. */
const MAX_LINE = 4096;

/** Assembles the split pieces of each stream into complete lines (a line of one stream can be interrupted by another's). */
export class StreamLines {
  private readonly partial = new Map<StreamKey, string>();

  constructor(private readonly onLine: (line: StreamLine) => void) {}

  add(piece: SplitPiece): void {
    let text = (this.partial.get(piece.stream) ?? '') + piece.content;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n')) {
      this.onLine({ stream: piece.stream, domid: piece.domid, text: text.slice(0, nl).replace(/\r+$/, '') });
      text = text.slice(nl + 1);
    }
    this.partial.set(piece.stream, text.length > MAX_LINE ? text.slice(-MAX_LINE) : text);
  }

  clear(): void {
    this.partial.clear();
  }
}

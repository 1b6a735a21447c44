/** Splits a character stream into lines (CR and LF both end a line; CRLF counts once) and keeps the last few. */
export class LineAssembler {
  private partial = '';
  private lastWasCr = false;
  private readonly recent: string[] = [];
  private readonly listeners: Array<(line: string) => void> = [];

  constructor(private readonly keep: number) {}

  onLine(listener: (line: string) => void): void {
    this.listeners.push(listener);
  }

  push(text: string): void {
    if (text.length === 0) return;
    let start = 0;
    let cr = text.indexOf('\r');
    let lf = text.indexOf('\n');
    while (cr >= 0 || lf >= 0) {
      const i = lf < 0 || (cr >= 0 && cr < lf) ? cr : lf;
      const afterCr = i === 0 ? this.lastWasCr : text.charCodeAt(i - 1) === 13;
      const crlf = i === lf && i === start && afterCr;
      const line = this.partial + text.slice(start, i);
      this.partial = '';
      start = i + 1;
      if (!crlf) this.emit(line);
      if (i === cr) cr = text.indexOf('\r', start);
      else lf = text.indexOf('\n', start);
    }
    this.lastWasCr = text.charCodeAt(text.length - 1) === 13;
    this.partial += text.slice(start);
  }

  last(n: number): string[] {
    const lines = this.recent.slice(-Math.min(n, this.keep));
    if (this.partial) lines.push(this.partial);
    return lines.slice(-n);
  }

  private emit(line: string): void {
    this.recent.push(line);
    // Trimmed in batches: shift() on every line copies the whole array.
    if (this.recent.length > 2 * this.keep) this.recent.splice(0, this.recent.length - this.keep);
    for (const listener of this.listeners) listener(line);
  }
}

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
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) {
        this.lastWasCr = false;
        continue;
      }
      const crlf = c === 10 && this.lastWasCr && i === start;
      this.lastWasCr = c === 13;
      const line = this.partial + text.slice(start, i);
      this.partial = '';
      start = i + 1;
      if (!crlf) this.emit(line);
    }
    this.partial += text.slice(start);
  }

  last(n: number): string[] {
    const lines = this.recent.slice(-n);
    if (this.partial) lines.push(this.partial);
    return lines.slice(-n);
  }

  private emit(line: string): void {
    this.recent.push(line);
    if (this.recent.length > this.keep) this.recent.shift();
    for (const listener of this.listeners) listener(line);
  }
}

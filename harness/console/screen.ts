import { createRequire } from 'node:module';
import type { ITerminalInitOnlyOptions, ITerminalOptions, Terminal as TerminalType } from '@xterm/headless';

// A named ESM import of @xterm/headless throws and its default import is undefined under tsx.
const { Terminal } = createRequire(import.meta.url)('@xterm/headless') as { Terminal: typeof TerminalType };

export interface ScreenOptions {
  /** Columns; a guest on a serial line assumes 80 (it cannot ask). Default 80. */
  cols?: number;
  /** Rows of the visible screen. Default 24. */
  rows?: number;
  /** Rows kept above the visible screen; older ones are dropped. Default 1000. */
  scrollback?: number;
}

/**
 * A terminal emulator fed one domain's console text, so tests read what a person would see: colours,
 * cursor moves, CR and backspace applied, no escape sequences. It never answers the guest (busybox ash's
 * `ESC[6n` cursor query gets no reply): nothing it produces goes back to the board.
 */
export class Screen {
  private readonly term: TerminalType;

  constructor(options: ScreenOptions = {}) {
    const termOptions: ITerminalOptions & ITerminalInitOnlyOptions = {
      cols: options.cols ?? 80,
      rows: options.rows ?? 24,
      scrollback: options.scrollback ?? 1000,
      allowProposedApi: true,
    };
    this.term = new Terminal(termOptions);
  }

  /** Queues console text (latin1: one char per byte; UTF-8 sequences are decoded by the terminal). */
  write(text: string): void {
    if (text.length > 0) this.term.write(Buffer.from(text, 'latin1'));
  }

  /** Resolves once everything written so far is on the screen; read it after this. */
  flush(): Promise<void> {
    return new Promise((resolve) => this.term.write('', resolve));
  }

  /** Scrollback and screen as logical lines (rows the terminal wrapped are joined), right-trimmed, without trailing empty lines. */
  lines(): string[] {
    const buffer = this.term.buffer.active;
    const lines: string[] = [];
    for (let y = 0; y < buffer.length; y++) {
      const row = buffer.getLine(y);
      if (!row) continue;
      const text = row.translateToString(false);
      if (row.isWrapped && lines.length > 0) lines[lines.length - 1] += text;
      else lines.push(text);
    }
    const trimmed = lines.map((l) => l.trimEnd());
    while (trimmed.length > 0 && trimmed[trimmed.length - 1] === '') trimmed.pop();
    return trimmed;
  }

  /** All lines joined with "\n". */
  text(): string {
    return this.lines().join('\n');
  }

  /** The last n of lines(). */
  lastLines(n: number): string[] {
    return this.lines().slice(-n);
  }

  dispose(): void {
    this.term.dispose();
  }
}

import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { scrub } from '../secrets/scrubber.ts';

export interface TranscriptOptions {
  /** File to append to; created with its folder. */
  path: string;
  /** Milliseconds since the run's reference time (power-on), for the per-line stamps. */
  now: () => number;
}

/**
 * A console transcript written as bytes arrive (synchronously, so a crash loses nothing).
 * Each line starts with a stamp "[  12.345] " in seconds from power-on; the bytes themselves are kept as they came.
 */
export class Transcript {
  private fd: number | undefined;
  private atLineStart = true;

  constructor(private readonly options: TranscriptOptions) {
    mkdirSync(dirname(options.path), { recursive: true });
    this.fd = openSync(options.path, 'a');
  }

  get path(): string {
    return this.options.path;
  }

  write(chunk: Buffer): void {
    if (this.fd === undefined || chunk.length === 0) return;
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      if (this.atLineStart) {
        if (i > start) writeSync(this.fd, chunk, start, i - start);
        writeSync(this.fd, this.stamp());
        start = i;
        this.atLineStart = false;
      }
      if (chunk[i] === 0x0a) this.atLineStart = true;
    }
    writeSync(this.fd, chunk, start, chunk.length - start);
  }

  /**
   * A harness note in the transcript, on a line of its own: "[hil] power on". When the board had not
   * finished its line, the note reads "[hil+] power off": the line break before it is the harness's,
   * not the board's, so the board's bytes can still be told exactly from the file. The note has the
   * lab file's secrets masked (it may quote an error); the board's own bytes are kept exactly as they came.
   */
  mark(note: string): void {
    if (this.fd === undefined) return;
    const brokeLine = !this.atLineStart;
    writeSync(this.fd, `${brokeLine ? '\n' : ''}${this.stamp()}[hil${brokeLine ? '+' : ''}] ${scrub(note)}\n`);
    this.atLineStart = true;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private stamp(): string {
    return `[${(this.options.now() / 1000).toFixed(3).padStart(8)}] `;
  }
}

import { MemoryTransport } from './memory-transport.ts';

/**
 * A U-Boot look-alike on a memory transport: banner, autoboot countdown, prompt, echo of typed text,
 * `cmd; echo MARK=$?` lines as hush runs them. Commands and their output/status come from a table.
 */
export class FakeUBoot extends MemoryTransport {
  private line = '';
  private interrupted = false;
  constructor(
    private readonly commands: Record<string, { output: string; status: number }>,
    private readonly prompt = '=> ',
  ) {
    super();
    this.onWrite = (text) => this.type(text);
  }

  /** A power-on: a fresh U-Boot prints its banner and counts down again. */
  powerOn(): void {
    this.line = '';
    this.interrupted = false;
    this.emit('\r\n\r\nU-Boot 2023.01 (fake)\r\n\r\nDRAM:  2 GiB\r\nHit any key to stop autoboot:  2 ');
  }

  private type(text: string): void {
    if (!this.interrupted) {
      this.interrupted = true;
      this.emit(`\b\b\b 0 \r\n${this.prompt}`);
      return;
    }
    for (const c of text) {
      if (c !== '\r') {
        this.line += c;
        this.emit(c);
        continue;
      }
      this.emit('\r\n');
      this.execute(this.line);
      this.line = '';
      this.emit(this.prompt);
    }
  }

  private execute(line: string): void {
    let status = 0;
    for (const part of line.split(';').map((s) => s.trim())) {
      const echo = /^echo (\S+)=\$\?$/.exec(part);
      if (echo) {
        this.emit(`${echo[1]}=${status}\r\n`);
        continue;
      }
      const known = this.commands[part];
      if (!known) {
        this.emit(`Unknown command '${part.split(' ')[0]}' - try 'help'\r\n`);
        status = 1;
        continue;
      }
      if (known.output) this.emit(known.output.replace(/\n/g, '\r\n') + '\r\n');
      status = known.status;
    }
  }
}

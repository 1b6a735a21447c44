import { randomBytes } from 'node:crypto';
import { Console } from '../console/console.ts';
import { escapeRegExp } from '../console/patterns.ts';
import { ConsoleTimeoutError, HilError } from '../errors.ts';
import { DEFAULT_LIMITS, describeLimit, type Limit } from '../lab/limits.ts';
import { DomainChannel } from './domain-channel.ts';

/** Xen's vpl011 receive buffer holds 32 bytes and drops what does not fit: type less than that, then wait for the echo. */
export const VPL011_INPUT_BUFFER = 32;

export interface DomainConsoleOptions {
  name: string;
  domid: number;
  board?: string;
  /** Puts bytes on the board's serial line with the input focus on this domain. */
  send: (domid: number, data: Buffer) => Promise<void>;
  /** Bytes typed before waiting for their echo. Default 16: half the vpl011 buffer. */
  chunkSize?: number;
  /** Wait for each chunk's echo. Default 5000 ms. */
  echoTimeoutMs?: number;
  /** The time limit of a command run(), unless it gives its own. Default: hil's shellCommandMs. */
  commandLimit?: Limit;
}

export interface ShellResult {
  output: string;
  exitCode: number;
}

/** The shell prompt of busybox ash (`/ # `), maybe followed by its cursor-position query. */
const PROMPT = /[#$] (?:\x1b\[6n)?$/;

/**
 * The echo of a typed chunk. Xen holds back an unfocused domain's unfinished line (the tail of a prompt
 * that came after the focus moved away, such as ash's ESC[6n) and, once the focus is back, prints it
 * with the domain's next character and a line break of its own: the echo may break after its first character.
 */
function echoOf(chunk: string): RegExp {
  return new RegExp(`${escapeRegExp(chunk[0])}(?:\r*\n)?${escapeRegExp(chunk.slice(1))}`);
}

/** One domU's console: its own expect engine over what it printed, safe typing, and a shell runner. */
export class DomainConsole {
  readonly name: string;
  readonly domid: number;
  readonly channel: DomainChannel;
  readonly console: Console;
  private prepared = false;
  /** Command lines whose echo came back wrong and were typed again: a sign of lost characters. */
  retypes = 0;

  constructor(private readonly options: DomainConsoleOptions) {
    this.name = options.name;
    this.domid = options.domid;
    this.channel = new DomainChannel(`domain ${options.name} (DOM${options.domid})`, (data) => options.send(options.domid, data));
    this.console = new Console(this.channel, { board: options.board ? `${options.board}/${options.name}` : options.name });
  }

  /**
   * Types text so that Xen's 32-byte input buffer never overflows: a chunk at a time, each after the
   * previous one's echo. A chunk whose echo does not come back intact is a mismatch (characters were lost).
   */
  async type(text: string, stage = `domain ${this.name}: typing`): Promise<void> {
    const size = Math.min(this.options.chunkSize ?? 16, VPL011_INPUT_BUFFER - 1);
    for (let at = 0; at < text.length; at += size) {
      const chunk = text.slice(at, at + size);
      await this.console.send(chunk);
      await this.console.expect(echoOf(chunk), { stage, timeoutMs: this.options.echoTimeoutMs ?? 5000 });
    }
  }

  /**
   * Runs a command in the domain's shell and returns its output and exit status, framed by unique
   * markers. If the echo of the command line comes back wrong, the line is cancelled and typed once more.
   */
  async run(command: string, options: { timeoutMs?: number } = {}): Promise<ShellResult> {
    await this.prepare();
    const id = randomBytes(4).toString('hex');
    const start = `hil-start-${id}`;
    const end = `hil-end-${id}`;
    const line = `echo ${start}; ${command}; echo ${end}=$?`;
    await this.typeLine(line);
    const stage = `domain ${this.name}: ${command.length > 60 ? command.slice(0, 57) + '...' : command}`;
    const limit = this.options.commandLimit ?? DEFAULT_LIMITS.shellCommandMs;
    const timeoutMs = options.timeoutMs ?? limit.ms;
    const timeoutFrom = options.timeoutMs === undefined ? describeLimit(limit) : undefined;
    await this.console.expect(new RegExp(`\\n${start}\\r*\\n`), { stage, timeoutMs, timeoutFrom });
    const done = await this.console.expect(new RegExp(`${end}=(\\d+)`), { stage, timeoutMs, timeoutFrom });
    await this.console.expect(PROMPT, { stage, timeoutMs: 5000 });
    return { output: done.before.replace(/\r/g, '').replace(/\n$/, ''), exitCode: Number(done.match[1]) };
  }

  /** Gets a fresh prompt and widens the terminal so the shell never wraps (and redraws) a long line. */
  private async prepare(): Promise<void> {
    if (this.prepared) return;
    await this.freshPrompt();
    await this.typeLine('stty cols 4000 rows 100');
    await this.console.expect(PROMPT, { stage: `domain ${this.name}: prompt`, timeoutMs: 5000 });
    this.prepared = true;
  }

  private async freshPrompt(): Promise<void> {
    this.console.discard();
    await this.console.send('\x03');
    await this.console.expect(PROMPT, { stage: `domain ${this.name}: prompt`, timeoutMs: 10000 });
  }

  private async typeLine(line: string): Promise<void> {
    try {
      await this.type(line);
    } catch (err) {
      if (!(err instanceof ConsoleTimeoutError)) throw err;
      this.retypes++;
      await this.freshPrompt();
      await this.type(line).catch((again) => {
        throw new HilError(`domain ${this.name}: the command line did not arrive intact twice (characters lost on the way)`, {
          code: 'TYPING',
          cause: again,
        });
      });
    }
    this.console.discard();
    await this.console.send('\r');
  }
}

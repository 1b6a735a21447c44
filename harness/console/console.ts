import { BoardFaultError, ConsoleFailureError, ConsoleTimeoutError, HilError } from '../errors.ts';
import { describePattern, printable, toRegExp, type Pattern } from './patterns.ts';
import type { ConsoleTransport } from './transport.ts';
import type { Transcript } from './transcript.ts';
import { LineAssembler } from './line-assembler.ts';
import { PendingText } from './pending-text.ts';

export interface ConsoleOptions {
  /** Board name, for error messages. */
  board?: string;
  /** Every received byte is appended here as it arrives. */
  transcript?: Transcript;
  /** Unconsumed text kept for matching when nobody waits. Default 256 KiB. */
  keepChars?: number;
  /**
   * While a wait goes on, each new chunk is matched together with only this much of the text already
   * checked, so a match longer than this that arrives in several chunks can be missed. Default 4 KiB.
   */
  maxMatchChars?: number;
}

export interface ExpectOptions {
  timeoutMs: number;
  /** Where the time limit comes from, shown in a timeout error ("limit xenInitMs = 60000 ms, set by …"). */
  timeoutFrom?: string;
  /** Stage name shown in a timeout or failure error, e.g. "uboot: stop autoboot". */
  stage: string;
  /** Patterns that mean the stage failed; seen before the expected pattern, they reject at once. */
  failOn?: readonly Pattern[];
}

export interface ConsoleMatch {
  /** Which of the expected patterns matched (index into the array given). */
  index: number;
  match: RegExpExecArray;
  /** Text between the previous match and this one. */
  before: string;
}

interface Waiter {
  patterns: RegExp[];
  failOn: RegExp[];
  resolve: (m: ConsoleMatch) => void;
  reject: (e: Error) => void;
  stage: string;
  /** Position up to which the text has been checked without a match. */
  checked: number;
}

/** Text before the matched region given to the regexes, so ^, \b and lookbehind see the real context. */
const CONTEXT_CHARS = 256;

/**
 * The streaming expect engine over a board's serial bytes. Text is matched from where the
 * previous match ended, so nothing printed between two waits is missed.
 */
export class Console {
  private readonly pending = new PendingText();
  private waiter?: Waiter;
  private readonly lines = new LineAssembler(200);
  private readonly textListeners: Array<(text: string) => void> = [];
  /** The stage of the wait in progress, or of the last one. */
  stage?: string;
  /** Why the board cannot be waited on (see halt()); cleared by resume(). */
  private halted?: string;

  constructor(
    readonly transport: ConsoleTransport,
    private readonly options: ConsoleOptions = {},
  ) {
    transport.onData((chunk) => this.receive(chunk));
    transport.onEvent((event) => this.options.transcript?.mark(`console ${event}`));
  }

  get board(): string | undefined {
    return this.options.board;
  }

  /** Receives every text chunk as it arrives (bytes as latin1, so one char per byte). */
  onText(listener: (text: string) => void): void {
    this.textListeners.push(listener);
  }

  offText(listener: (text: string) => void): void {
    const i = this.textListeners.indexOf(listener);
    if (i >= 0) this.textListeners.splice(i, 1);
  }

  /** Receives every complete line (without its line ending). */
  onLine(listener: (line: string) => void): void {
    this.lines.onLine(listener);
  }

  async send(text: string | Buffer): Promise<void> {
    await this.transport.write(typeof text === 'string' ? Buffer.from(text, 'latin1') : text);
  }

  /** The last n lines seen (the partial line last), control characters made visible. */
  lastLines(n = 40): string[] {
    return this.lines.last(n).map(printable);
  }

  /** Forgets unconsumed text: the next expect only sees what arrives from now on. */
  discard(): void {
    this.pending.drop(this.pending.end);
  }

  /**
   * A fault seen outside the text (power lost, serial line gone, silence): the wait in progress and
   * every later one fail at once with it, naming their stage, instead of each running to its timeout.
   */
  halt(fault: string): void {
    this.halted ??= fault;
    this.options.transcript?.mark(`board fault: ${fault}`);
    this.waiter?.reject(this.faultError(this.waiter.stage));
  }

  /** Waits work again (the board was powered on afresh). */
  resume(): void {
    this.halted = undefined;
  }

  private faultError(stage: string): BoardFaultError {
    return new BoardFaultError({ stage, fault: this.halted!, lastLines: this.lastLines(), board: this.options.board });
  }

  expect(expected: Pattern | readonly Pattern[], options: ExpectOptions): Promise<ConsoleMatch> {
    if (this.waiter) throw new HilError(`console already has a wait in progress (stage '${this.waiter.stage}')`);
    this.stage = options.stage;
    if (this.halted) return Promise.reject(this.faultError(options.stage));
    const list = Array.isArray(expected) ? (expected as Pattern[]) : [expected as Pattern];
    return new Promise<ConsoleMatch>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(
          new ConsoleTimeoutError({
            stage: options.stage,
            expected: list.map(describePattern).join(' or '),
            timeoutMs: options.timeoutMs,
            timeoutFrom: options.timeoutFrom,
            lastLines: this.lastLines(),
            board: this.options.board,
          }),
        );
      }, options.timeoutMs);
      const done = <T>(fn: (v: T) => void) => (v: T) => {
        clearTimeout(timer);
        this.waiter = undefined;
        fn(v);
      };
      this.waiter = {
        patterns: list.map(toRegExp).map(searchable),
        failOn: oneSearch((options.failOn ?? []).map(toRegExp)),
        resolve: done(resolve),
        reject: done(reject),
        stage: options.stage,
        checked: this.pending.start,
      };
      this.check();
    });
  }

  private receive(chunk: Buffer): void {
    this.options.transcript?.write(chunk);
    const text = chunk.toString('latin1');
    this.lines.push(text);
    for (const listener of this.textListeners) listener(text);
    this.pending.append(text);
    if (this.waiter) this.check();
    const keep = this.options.keepChars ?? 256 * 1024;
    if (this.pending.length > keep) this.pending.drop(this.pending.end - keep);
  }

  private check(): void {
    const waiter = this.waiter;
    if (!waiter) return;
    const pending = this.pending;
    const from = Math.max(pending.start, waiter.checked - (this.options.maxMatchChars ?? 4096));
    const base = Math.max(pending.start, from - CONTEXT_CHARS);
    const text = pending.text(base);
    waiter.checked = pending.end;
    const found = firstMatch(text, from - base, waiter.patterns);
    const failure = firstMatch(text, from - base, waiter.failOn);
    if (failure && (!found || failure.match.index <= found.match.index)) {
      pending.drop(base + failure.match.index + failure.match[0].length);
      waiter.reject(
        new ConsoleFailureError({
          stage: waiter.stage,
          matched: printable(failure.match[0]),
          lastLines: this.lastLines(),
          board: this.options.board,
        }),
      );
      return;
    }
    if (!found) return;
    const before = pending.text(pending.start, base + found.match.index);
    pending.drop(base + found.match.index + found.match[0].length);
    waiter.resolve({ ...found, before });
  }
}

/** A copy with the g flag, so a search can start at lastIndex (the caller's own RegExp is left alone). */
function searchable(re: RegExp): RegExp {
  return new RegExp(re, re.flags.includes('g') ? re.flags : `${re.flags}g`);
}

/**
 * Failure patterns are many and match rarely: one alternation is one pass over the text instead of
 * one per pattern. Patterns with flags of their own, or backreferences (their numbers would shift),
 * stay separate.
 */
function oneSearch(patterns: RegExp[]): RegExp[] {
  const plain = patterns.filter((re) => !re.flags.replace('g', '') && !/\\[1-9]/.test(re.source));
  const rest = patterns.filter((re) => !plain.includes(re)).map(searchable);
  if (plain.length < 2) return [...plain.map(searchable), ...rest];
  return [new RegExp(plain.map((re) => `(?:${re.source})`).join('|'), 'g'), ...rest];
}

function firstMatch(text: string, from: number, patterns: RegExp[]): { index: number; match: RegExpExecArray } | undefined {
  let best: { index: number; match: RegExpExecArray } | undefined;
  patterns.forEach((re, index) => {
    re.lastIndex = from;
    const match = re.exec(text);
    if (match && (!best || match.index < best.match.index)) best = { index, match };
  });
  return best;
}

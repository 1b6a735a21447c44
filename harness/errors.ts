import { scrub } from './secrets/scrubber.ts';

/** Every error the harness raises on purpose is a HilError: it says what failed and, where known, on which board. */
export class HilError extends Error {
  readonly code: string;
  readonly board?: string;
  /** The boot or test stage it happened in, where known (e.g. `uboot: tftp linux`), for the report. */
  readonly stage?: string;
  constructor(message: string, options: { code?: string; board?: string; stage?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code ?? 'HIL_ERROR';
    this.board = options.board;
    this.stage = options.stage;
  }
}

/** Bad input in a file the user wrote: names the file, the field path and, where known, the line. */
export class ConfigError extends HilError {
  readonly file: string;
  readonly field?: string;
  readonly line?: number;
  constructor(file: string, problem: string, where: { field?: string; line?: number; cause?: unknown } = {}) {
    const at = [file + (where.line ? `:${where.line}` : ''), where.field ? `field '${where.field}'` : '']
      .filter(Boolean)
      .join(', ');
    super(`${at}: ${problem}`, { code: 'CONFIG', cause: where.cause });
    this.file = file;
    this.field = where.field;
    this.line = where.line;
  }
}

/** "in stage 'S' on board B": where a console error happened. */
const inStage = (stage: string, board?: string) => `in stage '${stage}'${board ? ` on board ${board}` : ''}`;

/** The last console lines, indented under a heading, for error messages. */
export function formatConsoleTail(lines: readonly string[]): string[] {
  return ['  Last console lines:', ...lines.map((l) => `    | ${l}`)];
}

/** A wait on the console ran out: shows the stage, what was expected and the last lines seen. */
export class ConsoleTimeoutError extends HilError {
  readonly stage: string;
  readonly expected: string;
  readonly timeoutMs: number;
  readonly lastLines: string[];
  constructor(opts: { stage: string; expected: string; timeoutMs: number; timeoutFrom?: string; lastLines: string[]; board?: string }) {
    super(
      [
        `Timed out ${inStage(opts.stage, opts.board)}`,
        `  Expected: ${opts.expected}`,
        `  Timeout:  ${opts.timeoutMs} ms${opts.timeoutFrom ? ` (${opts.timeoutFrom})` : ''}`,
        ...formatConsoleTail(opts.lastLines),
      ].join('\n'),
      { code: 'TIMEOUT', board: opts.board },
    );
    this.stage = opts.stage;
    this.expected = opts.expected;
    this.timeoutMs = opts.timeoutMs;
    this.lastLines = opts.lastLines;
  }
}

/** The console showed a failure pattern (U-Boot error, kernel panic, Xen panic...). */
export class ConsoleFailureError extends HilError {
  readonly stage: string;
  readonly matched: string;
  readonly lastLines: string[];
  constructor(opts: { stage: string; matched: string; lastLines: string[]; board?: string }) {
    super(
      [
        `Failure seen ${inStage(opts.stage, opts.board)}: ${opts.matched}`,
        ...formatConsoleTail(opts.lastLines),
      ].join('\n'),
      { code: 'CONSOLE_FAILURE', board: opts.board },
    );
    this.stage = opts.stage;
    this.matched = opts.matched;
    this.lastLines = opts.lastLines;
  }
}

/**
 * The board stopped being observable or running, seen from outside the console's text: its power went
 * (the virtual board's QEMU exited), its serial line went away while it ran, or it went silent.
 */
export class BoardFaultError extends HilError {
  readonly stage: string;
  readonly fault: string;
  readonly lastLines: string[];
  constructor(opts: { stage: string; fault: string; lastLines: string[]; board?: string }) {
    super([`Board fault ${inStage(opts.stage, opts.board)}: ${opts.fault}`, ...formatConsoleTail(opts.lastLines)].join('\n'), {
      code: 'BOARD_FAULT',
      board: opts.board,
    });
    this.stage = opts.stage;
    this.fault = opts.fault;
    this.lastLines = opts.lastLines;
  }
}

/** A command (U-Boot, domU shell, SSH) ran and failed; carries its output and exit status. */
export class ExecutionError extends HilError {
  readonly command: string;
  readonly output: string;
  readonly exitCode: number;
  constructor(command: string, output: string, exitCode: number, where = '', stage?: string) {
    super(`${where ? where + ': ' : ''}command '${command}' exited ${exitCode}\n${output}`, { code: 'EXEC', stage });
    this.command = command;
    this.output = output;
    this.exitCode = exitCode;
  }
}

/**
 * Short, human message for the CLI and the report: the message, then each cause on its own line,
 * with the lab file's secrets masked (a cause may hold what a device echoed).
 */
export function describeError(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e && depth < 5; depth++) {
    parts.push(e instanceof Error ? e.message : String(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  return scrub(parts.join('\n  caused by: '));
}

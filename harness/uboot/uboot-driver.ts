import { randomBytes } from 'node:crypto';
import type { Console } from '../console/console.ts';
import { UBOOT_ERRORS } from '../console/failure-patterns.ts';
import { ConsoleTimeoutError, ExecutionError } from '../errors.ts';
import type { BoardProfile } from '../lab/board-profile.ts';
import { describeLimit, type Limit } from '../lab/limits.ts';
import { Deadline } from '../util/deadline.ts';

export interface UBootCommandResult {
  command: string;
  output: string;
  exitCode: number;
}

export interface UBootRunOptions {
  /** Default 10 s. */
  timeoutMs?: number;
  /** Where timeoutMs was set, for a timeout error. */
  timeoutFrom?: string;
  /** Stage for errors; default "uboot: <command>". */
  stage?: string;
  /** Return a non-zero status instead of throwing. Default false. */
  allowFailure?: boolean;
}

/** Drives U-Boot on a board's console: stops autoboot, runs commands, reports their output and status. */
export class UBootDriver {
  constructor(
    private readonly console: Console,
    private readonly profile: BoardProfile['uboot'],
  ) {}

  /**
   * Waits for the autoboot countdown and interrupts it, then waits for the prompt.
   * Short waits inside one deadline; an idle console gets a newline in case the countdown was missed.
   */
  async stopAutoboot(limit: number | Limit, onBanner?: () => void): Promise<void> {
    const timeoutMs = typeof limit === 'number' ? limit : limit.ms;
    const timeoutFrom = typeof limit === 'number' ? undefined : describeLimit(limit);
    const deadline = new Deadline(timeoutMs);
    const stage = 'uboot: stop autoboot';
    let sawBanner = false;
    for (;;) {
      const wanted = sawBanner ? [this.profile.autobootPattern, this.profile.prompt] : [/U-Boot (?:SPL )?20\d\d/];
      try {
        const m = await this.console.expect(wanted, { stage, timeoutMs: Math.max(1, Math.min(2000, deadline.remaining())) });
        if (!sawBanner) {
          sawBanner = true;
          onBanner?.();
          continue;
        }
        if (m.index === 0) await this.console.send(this.profile.interruptKey);
        break;
      } catch (err) {
        if (!(err instanceof ConsoleTimeoutError) || deadline.expired()) {
          throw err instanceof ConsoleTimeoutError ? this.timeout(stage, 'autoboot countdown or prompt', timeoutMs, timeoutFrom) : err;
        }
        if (sawBanner) await this.console.send('\r');
      }
    }
    await this.waitPrompt(Math.max(1000, deadline.remaining()), stage);
  }

  /** Runs one command line and returns its output and `$?`; fails fast on U-Boot error messages. */
  async run(command: string, options: UBootRunOptions = {}): Promise<UBootCommandResult> {
    const marker = `hil${randomBytes(4).toString('hex')}`;
    const stage = options.stage ?? `uboot: ${command}`;
    const timeoutMs = options.timeoutMs ?? 10000;
    const { timeoutFrom } = options;
    this.console.discard();
    await this.console.send(`${command}; echo ${marker}=$?\r`);
    // The echoed command line shows "marker=$?"; only U-Boot's own echo prints digits after it.
    await this.console.expect(`${marker}=$?`, { stage, timeoutMs, timeoutFrom });
    const done = await this.console.expect(new RegExp(`${marker}=(\\d+)`), {
      stage,
      timeoutMs,
      timeoutFrom,
      failOn: options.allowFailure ? [] : UBOOT_ERRORS,
    });
    await this.waitPrompt(timeoutMs, stage, timeoutFrom);
    const output = done.before.replace(/^\r?\n/, '').replace(/\r/g, '').replace(/\n$/, '');
    const exitCode = Number(done.match[1]);
    if (exitCode !== 0 && !options.allowFailure) throw new ExecutionError(command, output, exitCode, `U-Boot (${stage})`, stage);
    return { command, output, exitCode };
  }

  /** Sends a command that does not come back to the prompt (booti, bootm, reset). */
  async launch(command: string): Promise<void> {
    this.console.discard();
    await this.console.send(`${command}\r`);
  }

  private async waitPrompt(timeoutMs: number, stage: string, timeoutFrom?: string): Promise<void> {
    await this.console.expect(this.profile.prompt, { stage, timeoutMs, timeoutFrom });
  }

  private timeout(stage: string, expected: string, timeoutMs: number, timeoutFrom?: string): ConsoleTimeoutError {
    return new ConsoleTimeoutError({ stage, expected, timeoutMs, timeoutFrom, lastLines: this.console.lastLines(), board: this.console.board });
  }
}

import { z } from 'zod';
import { execa } from 'execa';
import { powerError, type PowerTarget } from './power-error.ts';
import { driverSettings, millis } from '../config/driver-options.ts';
import { maskSecrets, registerSecret, scrub } from '../secrets/scrubber.ts';
import type { PowerState, PowerSwitch } from './power-switch.ts';

/** Shell-command power's options, as code gives them; the lab file's `power:` has all but `cwd`. */
export const commandOptions = z.strictObject({
  /** Shell command that switches the board on (run with /bin/sh -c). */
  on: z.string().min(1),
  /** Shell command that switches the board off. */
  off: z.string().min(1),
  /**
   * Shell command that reports the state. It prints "on" or "off" (any case, surrounding blanks
   * ignored); when it prints nothing, exit status 0 means on and 1 means off. Anything else is an
   * error. Optional: without it the switch cannot report its state and nothing is verified.
   */
  state: z.string().min(1).optional(),
  /** Time limit for each command. */
  timeoutMs: millis.default(10000),
  /** Working directory for the commands (the lab file's folder, from a lab file). Default: the current directory. */
  cwd: z.string().min(1).optional(),
});

export type CommandPowerOptions = z.input<typeof commandOptions> & {
  board?: string;
  /**
   * A password the commands need (from the lab file's passwordEnv/passwordFile): given to them in
   * the environment variable HIL_PASSWORD, and masked in everything hil shows of their output.
   */
  password?: string;
};

/** Power switched by the lab's own shell commands (a vendor CLI, a script, ...). */
export class CommandPower implements PowerSwitch {
  readonly description: string;
  readonly state?: () => Promise<PowerState>;
  private readonly target: PowerTarget;
  private readonly options: z.output<typeof commandOptions>;
  // A private field: kept out of JSON.stringify, util.inspect and so out of logs and reports.
  readonly #password?: string;

  constructor({ board, password, ...options }: CommandPowerOptions) {
    const o = (this.options = driverSettings("power driver 'command'", commandOptions, options, board));
    this.#password = password;
    if (password !== undefined) registerSecret(password);
    this.description = `command on: ${o.on}; off: ${o.off}`;
    this.target = { board, driver: 'command', device: `"${o.on}" / "${o.off}"` };
    if (o.state !== undefined) {
      const stateCommand = o.state;
      this.state = () => this.readState(stateCommand, 'state');
    }
  }

  on(): Promise<void> {
    return this.switchTo('on', this.options.on);
  }

  off(): Promise<void> {
    return this.switchTo('off', this.options.off);
  }

  private async switchTo(want: PowerState, command: string): Promise<void> {
    const r = await this.run(want, command);
    if (r.exitCode !== 0) throw powerError(this.target, want, `'${command}' exited ${r.exitCode}${this.stderrOf(r)}`);
    if (this.options.state === undefined) return;
    const got = await this.readState(this.options.state, want);
    if (got !== want) throw powerError(this.target, want, `'${this.options.state}' reports ${got} after switching ${want}`);
  }

  private async readState(command: string, action: string): Promise<PowerState> {
    const r = await this.run(action, command);
    const said = r.stdout.trim().toLowerCase();
    if (said === 'on' || said === 'off') return said;
    if (said === '' && r.exitCode === 0) return 'on';
    if (said === '' && r.exitCode === 1) return 'off';
    throw powerError(
      this.target,
      action,
      `'${command}' exited ${r.exitCode} and printed '${this.mask(r.stdout.trim()).slice(0, 100)}': expected "on" or "off", or no output and exit status 0 (on) or 1 (off)${this.stderrOf(r)}`,
    );
  }

  private async run(action: string, command: string) {
    const timeoutMs = this.options.timeoutMs;
    // Own process group, killed whole at the timeout: a shell's children (sleep, ssh, ...) would
    // otherwise keep the output pipes open and the wait going.
    const env = this.#password === undefined ? undefined : { HIL_PASSWORD: this.#password };
    const sub = execa(command, { shell: true, reject: false, detached: true, cwd: this.options.cwd, stdin: 'ignore', env });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(sub.pid);
    }, timeoutMs);
    const r = await sub.finally(() => clearTimeout(timer));
    if (timedOut) throw powerError(this.target, action, `'${command}' did not finish within ${timeoutMs} ms${this.stderrOf(r)}`);
    if (r.exitCode === undefined) throw powerError(this.target, action, `'${command}' could not run: ${this.mask(String(r.shortMessage))}${this.stderrOf(r)}`);
    return { exitCode: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
  }

  /** What a command wrote to stderr, for an error: secrets masked first, then cut to its last 500 characters. */
  private stderrOf(r: { stderr: unknown }): string {
    const text = this.mask(String(r.stderr ?? '').trim());
    return text ? `; stderr: ${text.slice(-500)}` : '';
  }

  /** `text` with the password and every registered secret masked (a command may echo what it was given). */
  private mask(text: string): string {
    return scrub(maskSecrets(text, [this.#password]));
  }
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

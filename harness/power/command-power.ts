import { z } from 'zod';
import { execa } from 'execa';
import { powerError, type PowerTarget } from './power-error.ts';
import { driverSettings, millis } from '../config/driver-options.ts';
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

export type CommandPowerOptions = z.input<typeof commandOptions> & { board?: string };

/** Power switched by the lab's own shell commands (a vendor CLI, a script, ...). */
export class CommandPower implements PowerSwitch {
  readonly description: string;
  readonly state?: () => Promise<PowerState>;
  private readonly target: PowerTarget;
  private readonly options: z.output<typeof commandOptions>;

  constructor({ board, ...options }: CommandPowerOptions) {
    const o = (this.options = driverSettings("power driver 'command'", commandOptions, options, board));
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
    if (r.exitCode !== 0) throw powerError(this.target, want, `'${command}' exited ${r.exitCode}${stderrOf(r)}`);
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
      `'${command}' exited ${r.exitCode} and printed '${r.stdout.trim().slice(0, 100)}': expected "on" or "off", or no output and exit status 0 (on) or 1 (off)${stderrOf(r)}`,
    );
  }

  private async run(action: string, command: string) {
    const timeoutMs = this.options.timeoutMs;
    // Own process group, killed whole at the timeout: a shell's children (sleep, ssh, ...) would
    // otherwise keep the output pipes open and the wait going.
    const sub = execa(command, { shell: true, reject: false, detached: true, cwd: this.options.cwd, stdin: 'ignore' });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(sub.pid);
    }, timeoutMs);
    const r = await sub.finally(() => clearTimeout(timer));
    if (timedOut) throw powerError(this.target, action, `'${command}' did not finish within ${timeoutMs} ms${stderrOf(r)}`);
    if (r.exitCode === undefined) throw powerError(this.target, action, `'${command}' could not run: ${r.shortMessage}${stderrOf(r)}`);
    return { exitCode: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
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

function stderrOf(r: { stderr: unknown }): string {
  const text = String(r.stderr ?? '').trim();
  return text ? `; stderr: ${text.slice(-500)}` : '';
}

import { z } from 'zod';
import { join } from 'node:path';
import { execa } from 'execa';
import { powerError, type PowerTarget } from './power-error.ts';
import { driverSettings, millis } from '../config/driver-options.ts';
import type { PowerState, PowerSwitch } from './power-switch.ts';

const gpioLine = z.strictObject({
  /** GPIO chip as libgpiod names it: "gpiochip0", "0", or a /dev/gpiochipN path. */
  chip: z.union([z.string().min(1), z.number().int().min(0)]).transform(String),
  /** Line offset on that chip. */
  line: z.number().int().min(0),
  /** The signal is active low: "on" drives the line to 0. */
  activeLow: z.boolean().default(false),
});

/** A GPIO power line's options, as code and the lab file's `power:` give them. */
export const gpioOptions = gpioLine.extend({
  /**
   * An input line that reads the board's power (e.g. a power-good signal), for state() and to
   * verify each switch. Optional. The output line itself is never read back: libgpiod v1's
   * gpioget requests a line as an input, which would release the relay.
   */
  sense: gpioLine.optional(),
  /** Directory holding gpioset/gpioget. Default: found on PATH. */
  binDir: z.string().min(1).optional(),
  /** Time limit for each tool run. */
  timeoutMs: millis.default(5000),
});

export type GpioLine = z.output<typeof gpioLine>;
export type GpioPowerOptions = z.input<typeof gpioOptions> & { board?: string };

/**
 * A relay or load switch on a GPIO line of the lab host, driven with Debian's gpiod tools
 * (libgpiod v1 in bookworm: `gpioset [-l] CHIP LINE=VALUE`, `gpioget [-l] CHIP LINE`).
 * gpioset's default mode sets the value and exits; the line keeps its value on the GPIO controllers
 * labs use (Raspberry Pi, FTDI), which is what this driver relies on.
 */
export class GpioPower implements PowerSwitch {
  readonly description: string;
  readonly state?: () => Promise<PowerState>;
  private readonly target: PowerTarget;
  private readonly options: z.output<typeof gpioOptions>;

  constructor({ board, ...options }: GpioPowerOptions) {
    const o = (this.options = driverSettings("power driver 'gpio'", gpioOptions, options, board));
    this.description = `gpio ${o.chip} line ${o.line}${o.activeLow ? ' (active low)' : ''}`;
    this.target = { board, driver: 'gpio', device: `${o.chip} line ${o.line}` };
    const sense = o.sense;
    if (sense) this.state = () => this.read(sense, 'state');
  }

  on(): Promise<void> {
    return this.switchTo('on');
  }

  off(): Promise<void> {
    return this.switchTo('off');
  }

  private async switchTo(want: PowerState): Promise<void> {
    const o = this.options;
    const args = [...(o.activeLow ? ['-l'] : []), o.chip, `${o.line}=${want === 'on' ? 1 : 0}`];
    await this.tool('gpioset', args, want);
    if (!o.sense) return;
    const got = await this.read(o.sense, want);
    if (got !== want) throw powerError(this.target, want, `sense line ${o.sense.chip} ${o.sense.line} reads ${got} after switching ${want}`);
  }

  private async read(sense: GpioLine, action: string): Promise<PowerState> {
    const out = await this.tool('gpioget', [...(sense.activeLow ? ['-l'] : []), sense.chip, String(sense.line)], action);
    if (out === '1') return 'on';
    if (out === '0') return 'off';
    throw powerError(this.target, action, `gpioget printed '${out.slice(0, 100)}', expected 0 or 1`);
  }

  /** Runs a gpiod tool and returns its trimmed stdout; a failure names the command and its stderr. */
  private async tool(name: string, args: string[], action: string): Promise<string> {
    const file = this.options.binDir ? join(this.options.binDir, name) : name;
    const timeoutMs = this.options.timeoutMs;
    const r = await execa(file, args, { reject: false, timeout: timeoutMs, stdin: 'ignore' });
    const shown = `${name} ${args.join(' ')}`;
    const stderr = String(r.stderr ?? '').trim();
    if (r.timedOut) throw powerError(this.target, action, `'${shown}' did not finish within ${timeoutMs} ms`);
    if (r.exitCode !== 0) {
      const why = r.exitCode === undefined ? r.shortMessage : `exited ${r.exitCode}`;
      throw powerError(this.target, action, `'${shown}' ${why}${stderr ? `: ${stderr}` : ''}`);
    }
    return String(r.stdout).trim();
  }
}

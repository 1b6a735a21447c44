import { z } from 'zod';
import { SerialPort } from 'serialport';
import { numatoAnswer, numatoRelayId, NUMATO_PROMPT } from './numato-protocol.ts';
import { powerError, reason, type PowerTarget } from './power-error.ts';
import { driverSettings, millis } from '../config/driver-options.ts';
import type { PowerState, PowerSwitch } from './power-switch.ts';

/** A Numato relay's options, as code and the lab file's `power:` give them. */
export const numatoOptions = z
  .strictObject({
    /** The module's serial device, e.g. /dev/serial/by-id/usb-Numato_Systems_...-if00. */
    path: z.string().min(1),
    /** Relay number as Numato prints it, from 0. */
    relay: z.number().int().min(0),
    /** Number of relays on the module: decides how relay numbers are written. */
    channels: z.union([1, 2, 4, 8, 16, 32, 64].map((n) => z.literal(n))).default(8),
    /** The module is a USB CDC device: the rate is not used on the wire. */
    baudRate: z.number().int().positive().default(19200),
    /** Time limit for each answer. */
    timeoutMs: millis.default(2000),
  })
  .superRefine((o, ctx) => {
    if (o.relay >= o.channels) {
      ctx.addIssue({ code: 'custom', path: ['relay'], message: `relay ${o.relay} does not exist on a ${o.channels}-channel module (relays are numbered 0 to ${o.channels - 1}; set channels)` });
    }
  });

export type NumatoPowerOptions = z.input<typeof numatoOptions> & { board?: string };

/** One relay of a Numato Lab USB relay module. Each switch is read back with `relay read`. */
export class NumatoPower implements PowerSwitch {
  readonly description: string;
  private readonly target: PowerTarget;
  private readonly id: string;
  private readonly options: z.output<typeof numatoOptions>;

  constructor({ board, ...options }: NumatoPowerOptions) {
    const o = (this.options = driverSettings("power driver 'numato'", numatoOptions, options, board));
    this.id = numatoRelayId(o.relay, o.channels);
    this.description = `numato ${o.path} relay ${o.relay}`;
    this.target = { board, driver: 'numato', device: `${o.path} relay ${o.relay}` };
  }

  on(): Promise<void> {
    return this.switchTo('on');
  }

  off(): Promise<void> {
    return this.switchTo('off');
  }

  state(): Promise<PowerState> {
    return this.session('state', (ask) => this.read(ask, 'state'));
  }

  private switchTo(want: PowerState): Promise<void> {
    return this.session(want, async (ask) => {
      const command = `relay ${want} ${this.id}`;
      const extra = await ask(command);
      if (extra.length > 0) throw powerError(this.target, want, `unexpected reply to '${command}': ${extra.join(' | ')}`);
      const got = await this.read(ask, want);
      if (got !== want) throw powerError(this.target, want, `the module reads relay ${this.options.relay} as ${got} after 'relay ${want}'`);
    });
  }

  private async read(ask: Ask, action: string): Promise<PowerState> {
    const command = `relay read ${this.id}`;
    const answer = await ask(command);
    if (answer.length === 1 && (answer[0] === 'on' || answer[0] === 'off')) return answer[0];
    throw powerError(this.target, action, `unexpected reply to '${command}': '${answer.join(' | ')}' (expected on or off)`);
  }

  /** Opens the port, resynchronises on the prompt, runs `work`, closes the port. */
  private async session<T>(action: string, work: (ask: Ask) => Promise<T>): Promise<T> {
    const port = new SerialPort({ path: this.options.path, baudRate: this.options.baudRate, autoOpen: false });
    let received = '';
    port.on('data', (d: Buffer) => (received += d.toString('latin1')));
    port.on('error', () => undefined); // reported through the pending call instead
    try {
      await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    } catch (err) {
      throw powerError(this.target, action, `cannot open ${this.options.path}: ${reason(err)}`, err);
    }
    const timeoutMs = this.options.timeoutMs;
    const exchange = async (text: string, shown: string): Promise<string> => {
      received = '';
      await new Promise<void>((resolve, reject) => port.write(text, (err) => (err ? reject(err) : port.drain(() => resolve()))));
      return new Promise<string>((resolve, reject) => {
        const check = () => {
          if (!received.includes(NUMATO_PROMPT)) return;
          done();
          resolve(received);
        };
        const timer = setTimeout(() => {
          done();
          const seen = received ? `; received: ${JSON.stringify(received.slice(-200))}` : '';
          reject(powerError(this.target, action, `no prompt '>' within ${timeoutMs} ms after '${shown}'${seen}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          port.off('data', check);
        };
        port.on('data', check);
        check();
      });
    };
    const ask: Ask = async (command) => {
      const raw = await exchange(`${command}\r`, command);
      const answer = numatoAnswer(command, raw);
      if (!answer) throw powerError(this.target, action, `unexpected reply to '${command}': ${JSON.stringify(raw.slice(0, 200))}`);
      return answer;
    };
    try {
      await exchange('\r', 'CR'); // an empty line clears any half-typed command and brings the prompt
      return await work(ask);
    } finally {
      await new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve()));
    }
  }
}

type Ask = (command: string) => Promise<string[]>;

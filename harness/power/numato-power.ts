import { SerialPort } from 'serialport';
import { numatoAnswer, numatoRelayId, NUMATO_PROMPT } from './numato-protocol.ts';
import { powerError, reason, type PowerTarget } from './power-error.ts';
import type { PowerState, PowerSwitch } from './power-switch.ts';

export interface NumatoPowerOptions {
  /** The module's serial device, e.g. /dev/serial/by-id/usb-Numato_Systems_...-if00. */
  path: string;
  /** Relay number as Numato prints it, from 0. */
  relay: number;
  /** Number of relays on the module: decides how relay numbers are written. Default 8. */
  channels?: number;
  /** The module is a USB CDC device: the rate is not used on the wire. Default 19200. */
  baudRate?: number;
  /** Time limit for each answer. Default 2000 ms. */
  timeoutMs?: number;
  board?: string;
}

/** One relay of a Numato Lab USB relay module. Each switch is read back with `relay read`. */
export class NumatoPower implements PowerSwitch {
  readonly description: string;
  private readonly target: PowerTarget;
  private readonly id: string;

  constructor(private readonly options: NumatoPowerOptions) {
    this.id = numatoRelayId(options.relay, options.channels ?? 8);
    this.description = `numato ${options.path} relay ${options.relay}`;
    this.target = { board: options.board, driver: 'numato', device: `${options.path} relay ${options.relay}` };
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
    const port = new SerialPort({ path: this.options.path, baudRate: this.options.baudRate ?? 19200, autoOpen: false });
    let received = '';
    port.on('data', (d: Buffer) => (received += d.toString('latin1')));
    port.on('error', () => undefined); // reported through the pending call instead
    try {
      await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    } catch (err) {
      throw powerError(this.target, action, `cannot open ${this.options.path}: ${reason(err)}`, err);
    }
    const timeoutMs = this.options.timeoutMs ?? 2000;
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

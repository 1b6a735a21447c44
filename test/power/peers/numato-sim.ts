import { SerialPort } from 'serialport';

/** How the simulated module misbehaves. */
export type NumatoFault = 'none' | 'silent' | 'garbage' | 'stuck';

/**
 * A simulated Numato USB relay module on one end of a pty: echoes what it receives, answers
 * `relay on|off|read N` and `ver`, and prints "\n\r>" when ready, as the real module does.
 * Faults: silent (never answers), garbage (`relay read` answers nonsense), stuck (relays ignore on/off).
 */
export class NumatoSim {
  readonly relays = new Map<string, boolean>();
  readonly commands: string[] = [];
  fault: NumatoFault = 'none';
  private port?: SerialPort;
  private line = '';

  constructor(private readonly path: string) {}

  async open(): Promise<void> {
    const port = new SerialPort({ path: this.path, baudRate: 19200, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
    port.on('data', (d: Buffer) => this.receive(d.toString('latin1')));
    port.on('error', () => undefined);
    this.port = port;
  }

  async close(): Promise<void> {
    const port = this.port;
    this.port = undefined;
    if (port?.isOpen) await new Promise<void>((r) => port.close(() => r()));
  }

  private receive(text: string): void {
    if (this.fault === 'silent') return;
    for (const ch of text) {
      if (ch !== '\r') {
        this.line += ch;
        this.port?.write(ch); // echo
        continue;
      }
      const command = this.line;
      this.line = '';
      if (command !== '') this.commands.push(command);
      const answer = this.answer(command);
      this.port?.write(`\n\r${answer === undefined ? '' : `${answer}\n\r`}>`);
    }
  }

  private answer(command: string): string | undefined {
    const m = /^relay (on|off|read) ([0-9A-V]{1,2})$/.exec(command);
    if (command === 'ver') return '00000008';
    if (!m) return command === '' ? undefined : 'Unknown command';
    const [, verb, id] = m;
    if (verb === 'read') {
      if (this.fault === 'garbage') return 'maybe';
      return this.relays.get(id) ? 'on' : 'off';
    }
    if (this.fault !== 'stuck') this.relays.set(id, verb === 'on');
    return undefined;
  }
}

import { SerialPort } from 'serialport';
import { HilError } from '../errors.ts';
import type { ConsoleTransport } from './transport.ts';

export interface SerialTransportOptions {
  path: string;
  /** Default 115200. */
  baudRate?: number;
  /** Hardware flow control. Default false. */
  rtscts?: boolean;
}

/** A local serial device (/dev/ttyUSB0, or a pseudo-terminal) opened with serialport. */
export class SerialTransport implements ConsoleTransport {
  readonly description: string;
  private port?: SerialPort;
  private dataListeners: Array<(chunk: Buffer) => void> = [];
  private eventListeners: Array<(event: string) => void> = [];

  constructor(private readonly options: SerialTransportOptions) {
    this.description = `serial ${options.path} @${options.baudRate ?? 115200}`;
  }

  async open(): Promise<void> {
    const port = new SerialPort({
      path: this.options.path,
      baudRate: this.options.baudRate ?? 115200,
      rtscts: this.options.rtscts ?? false,
      autoOpen: false,
    });
    await new Promise<void>((resolve, reject) =>
      port.open((err) =>
        err ? reject(new HilError(`cannot open ${this.description}: ${err.message}`, { code: 'CONSOLE_OPEN', cause: err })) : resolve(),
      ),
    );
    port.on('data', (chunk: Buffer) => this.dataListeners.forEach((l) => l(chunk)));
    port.on('close', (err?: { disconnected?: boolean }) => {
      if (err?.disconnected) this.eventListeners.forEach((l) => l('disconnected'));
    });
    // After a disconnect serialport emits 'error' on close(); a listener keeps it from crashing the process.
    port.on('error', (err) => this.eventListeners.forEach((l) => l(`error: ${err.message}`)));
    this.port = port;
  }

  async write(data: string | Buffer): Promise<void> {
    const port = this.port;
    if (!port?.isOpen) throw new HilError(`${this.description} is not open`, { code: 'CONSOLE_CLOSED' });
    await new Promise<void>((resolve, reject) => {
      port.write(data, (err) => (err ? reject(err) : port.drain((e) => (e ? reject(e) : resolve()))));
    });
  }

  onData(listener: (chunk: Buffer) => void): void {
    this.dataListeners.push(listener);
  }

  onEvent(listener: (event: string) => void): void {
    this.eventListeners.push(listener);
  }

  async close(): Promise<void> {
    const port = this.port;
    this.port = undefined;
    if (!port?.isOpen) return;
    await new Promise<void>((resolve) => port.close(() => resolve()));
  }
}

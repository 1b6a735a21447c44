import { z } from 'zod';
import { existsSync, realpathSync, statSync } from 'node:fs';
import { SerialPort } from 'serialport';
import { driverSettings, millis } from '../config/driver-options.ts';
import { HilError } from '../errors.ts';
import { announceReopen, reopenWithin } from './reopen.ts';
import type { ConsoleTransport } from './transport.ts';
import { TransportListeners } from './transport-listeners.ts';

/** A serial device's options, as code and the lab file's `console:` give them. */
export const serialOptions = z.strictObject({
  path: z.string().min(1),
  baudRate: z.number().int().positive().default(115200),
  /** Hardware flow control. */
  rtscts: z.boolean().default(false),
  /**
   * When the device disappears (a USB serial adapter re-enumerating while the board is
   * power-cycled), wait for the path to come back, reopen it and emit "reopened". Default: true
   * for real devices; false for pseudo-terminals (the path resolves under /dev/pts/), whose far
   * end going away is final.
   */
  reopen: z.boolean().optional(),
  /** How long to wait for the device to come back. */
  reopenTimeoutMs: millis.default(30000),
});

export type SerialTransportOptions = z.input<typeof serialOptions>;

/** How often the device path is checked while reopening is on. */
const WATCH_INTERVAL_MS = 250;

/** A local serial device (/dev/ttyUSB0, or a pseudo-terminal) opened with serialport. */
export class SerialTransport extends TransportListeners implements ConsoleTransport {
  readonly description: string;
  private port?: SerialPort;
  private closing = false;
  private reopening?: Promise<boolean>;
  private reopenEnabled = false;
  private watchdog?: NodeJS.Timeout;
  private readonly options: z.output<typeof serialOptions>;

  constructor(options: SerialTransportOptions) {
    super();
    this.options = driverSettings("console transport 'serial'", serialOptions, options);
    this.description = `serial ${this.options.path} @${this.options.baudRate}`;
  }

  async open(): Promise<void> {
    this.closing = false;
    // Decided while the path exists: after a disconnect a pty link may already be gone.
    this.reopenEnabled = this.options.reopen ?? !isPseudoTerminal(this.options.path);
    try {
      await this.openOnce();
    } catch (err) {
      throw new HilError(`cannot open ${this.description}: ${(err as Error).message}`, { code: 'CONSOLE_OPEN', cause: err });
    }
  }

  async write(data: string | Buffer): Promise<void> {
    if (!this.port?.isOpen && this.reopening) await this.reopening;
    const port = this.port;
    if (!port?.isOpen) throw new HilError(`${this.description} is not open`, { code: 'CONSOLE_CLOSED' });
    await new Promise<void>((resolve, reject) => {
      port.write(data, (err) => (err ? reject(err) : port.drain((e) => (e ? reject(e) : resolve()))));
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.watchdog);
    const port = this.port;
    this.port = undefined;
    if (!port?.isOpen) return;
    await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  private async openOnce(): Promise<void> {
    const port = new SerialPort({
      path: this.options.path,
      baudRate: this.options.baudRate,
      rtscts: this.options.rtscts,
      autoOpen: false,
    });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    if (this.closing && this.reopening) {
      await new Promise<void>((resolve) => port.close(() => resolve()));
      throw new Error('transport closed');
    }
    port.on('data', (chunk: Buffer) => this.deliver(chunk));
    port.on('close', (err?: { disconnected?: boolean }) => {
      if (err?.disconnected) this.lost(port);
    });
    // After a disconnect serialport emits 'error' on close(); a listener keeps it from crashing the process.
    port.on('error', (err) => this.emit(`error: ${err.message}`));
    this.port = port;
    if (this.reopenEnabled) this.watch(port);
  }

  /**
   * serialport sometimes misses the hang-up of a vanished device (seen with ptys under load), so
   * while reopening is on, the path is also checked: gone, or now another device, means lost.
   */
  private watch(port: SerialPort): void {
    clearInterval(this.watchdog);
    const device = deviceOf(this.options.path);
    this.watchdog = setInterval(() => {
      if (this.port !== port) return clearInterval(this.watchdog);
      if (deviceOf(this.options.path) === device) return;
      this.lost(port);
      port.close(() => undefined);
    }, WATCH_INTERVAL_MS);
    this.watchdog.unref();
  }

  /** The device went away: mark it, then wait for it to come back (bounded) unless reopening is off. */
  private lost(port: SerialPort): void {
    if (this.port !== port || this.closing) return;
    clearInterval(this.watchdog);
    this.port = undefined;
    this.emit('disconnected');
    if (!this.reopenEnabled) return;
    const path = this.options.path;
    const reopen = reopenWithin({
      attempt: async () => {
        if (!existsSync(path)) throw new Error(`${path} does not exist`);
        await this.openOnce();
      },
      timeoutMs: this.options.reopenTimeoutMs,
      intervalMs: 100,
      cancelled: () => this.closing,
    });
    this.reopening = announceReopen(reopen, (e) => this.emit(e), `${path} `);
    void this.reopening.finally(() => (this.reopening = undefined));
  }

}

/** The device number behind a path, or undefined when the path is gone. */
function deviceOf(path: string): number | undefined {
  try {
    return statSync(path).rdev;
  } catch {
    return undefined;
  }
}

function isPseudoTerminal(path: string): boolean {
  try {
    return realpathSync(path).startsWith('/dev/pts/');
  } catch {
    return false;
  }
}

import { z } from 'zod';
import { connect, type Socket } from 'node:net';
import { driverSettings, hostName, millis, portNumber } from '../config/driver-options.ts';
import { HilError } from '../errors.ts';
import { announceReopen, reopenWithin } from './reopen.ts';
import type { ConsoleTransport } from './transport.ts';
import { TransportListeners } from './transport-listeners.ts';

/** How long a fresh connection must stay up to count as accepted. */
const ACCEPT_WINDOW_MS = 150;

/** A serial server port's options, as code and the lab file's `console:` give them. */
export const tcpOptions = z.strictObject({
  host: hostName,
  port: portNumber,
  /** Time limit for connecting. */
  connectTimeoutMs: millis.default(5000),
  /**
   * Reconnect when the server drops the connection (a serial server restarting), emitting
   * "reopened". Do not set ser2net's kickolduser on ports hil uses: two clients would keep
   * kicking each other (board locks keep hil users apart).
   */
  reconnect: z.boolean().default(true),
  /** How long to keep trying to reconnect. */
  reconnectTimeoutMs: millis.default(30000),
});

export type TcpTransportOptions = z.input<typeof tcpOptions>;

/**
 * A raw TCP serial server (ser2net's raw accepter, a console server's port): bytes pass unchanged
 * both ways, no telnet negotiation, so 0xFF and Ctrl-A reach the board as they are.
 */
export class TcpTransport extends TransportListeners implements ConsoleTransport {
  readonly description: string;
  private socket?: Socket;
  private closing = false;
  private reconnecting?: Promise<boolean>;
  private readonly options: z.output<typeof tcpOptions>;

  constructor(options: TcpTransportOptions) {
    super();
    this.options = driverSettings("console transport 'tcp'", tcpOptions, options);
    this.description = `tcp ${this.options.host}:${this.options.port}`;
  }

  async open(): Promise<void> {
    this.closing = false;
    try {
      await this.connectOnce();
    } catch (err) {
      throw new HilError(`cannot open ${this.description}: ${(err as Error).message} (is the serial server running?)`, { code: 'CONSOLE_OPEN', cause: err });
    }
  }

  async write(data: string | Buffer): Promise<void> {
    if (!this.socket && this.reconnecting) await this.reconnecting;
    const socket = this.socket;
    if (!socket) throw new HilError(`${this.description} is not connected`, { code: 'CONSOLE_CLOSED' });
    await new Promise<void>((resolve, reject) => socket.write(data, (err) => (err ? reject(err) : resolve())));
  }

  async close(): Promise<void> {
    this.closing = true;
    const socket = this.socket;
    this.socket = undefined;
    if (!socket || socket.destroyed) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.end();
      setTimeout(() => socket.destroy(), 500).unref();
    });
  }

  /**
   * Connects, then waits ACCEPT_WINDOW_MS: a serial server that refuses the client (ser2net: "Port
   * already in use") accepts and closes at once, which must count as a failed attempt, not a connection.
   */
  private connectOnce(): Promise<void> {
    const timeoutMs = this.options.connectTimeoutMs;
    return new Promise((resolve, reject) => {
      const socket = connect({ host: this.options.host, port: this.options.port });
      const early: Buffer[] = [];
      let settled = false;
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        reject(err);
      };
      const timer = setTimeout(() => fail(new Error(`no connection within ${timeoutMs} ms`)), timeoutMs);
      socket.once('error', fail);
      socket.on('data', (chunk: Buffer) => (settled ? this.deliver(chunk) : early.push(chunk)));
      socket.once('close', () => {
        const said = Buffer.concat(early).toString('latin1').trim();
        if (!settled) return fail(new Error(`the server closed the connection at once${said ? `: ${said}` : ''}`));
        this.lost(socket);
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.setNoDelay(true);
        setTimeout(() => {
          if (settled) return;
          if (this.closing && this.reconnecting) return fail(new Error('transport closed'));
          settled = true;
          socket.on('error', (err) => this.emit(`error: ${err.message}`));
          this.socket = socket;
          for (const chunk of early) this.deliver(chunk);
          resolve();
        }, ACCEPT_WINDOW_MS);
      });
    });
  }

  private lost(socket: Socket): void {
    if (this.socket !== socket || this.closing) return;
    this.socket = undefined;
    this.emit('disconnected');
    if (!this.options.reconnect) return;
    const reconnect = reopenWithin({
      attempt: () => this.connectOnce(),
      timeoutMs: this.options.reconnectTimeoutMs,
      intervalMs: 250,
      cancelled: () => this.closing,
    });
    this.reconnecting = announceReopen(reconnect, (e) => this.emit(e), '');
    void this.reconnecting.finally(() => (this.reconnecting = undefined));
  }

}

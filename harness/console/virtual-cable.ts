import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { HilError } from '../errors.ts';
import { pollUntil } from '../util/deadline.ts';

/**
 * The virtual board's serial cable. The board end is a loopback TCP port QEMU's UART connects to at
 * each power-on (`-chardev socket`); the console end is a pseudo-terminal made by socat, which the
 * harness opens with serialport exactly as it opens /dev/ttyUSB0. This process passes the bytes
 * between the two, so the console end can be pulled out and plugged back while the board runs, as a
 * USB serial adapter can (the virtual board's `serial-drop` fault). Like such an adapter, the cable
 * exists whether the board is on or off; what the board prints while the console end is out is lost.
 */
export class VirtualCable {
  readonly consolePath: string;
  /** Every byte the board printed, as the board printed it: what a complete transcript must hold. */
  readonly witnessPath: string;
  private witness?: number;
  private readonly boardSide = net.createServer((s) => this.attachBoard(s));
  private readonly consoleSide = net.createServer((s) => this.attachConsole(s));
  private board?: net.Socket;
  private console?: net.Socket;
  private socat?: ChildProcess;
  private stderr = '';
  private readonly boardListeners: Array<(chunk: Buffer) => void> = [];
  /** Bytes the board printed while the console end was out. */
  lostBytes = 0;

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    this.consolePath = join(dir, 'console');
    this.witnessPath = join(dir, 'board-output.log');
  }

  /** Whether the cable is in use (its board end listens). */
  get plugged(): boolean {
    return this.boardSide.listening;
  }

  /** QEMU's `-chardev` value for the UART: a client of the board end. */
  boardChardev(id: string): string {
    return `socket,id=${id},host=127.0.0.1,port=${portOf(this.boardSide)},nodelay=on`;
  }

  /** Every chunk the board prints, whether the console end is in or not (fault triggers watch it). */
  onBoardOutput(listener: (chunk: Buffer) => void): void {
    this.boardListeners.push(listener);
  }

  async plug(timeoutMs = 5000): Promise<void> {
    if (!this.boardSide.listening) {
      await listen(this.boardSide);
      await listen(this.consoleSide);
      this.witness = openSync(this.witnessPath, 'a');
      process.once('exit', this.unplug);
    }
    await this.plugConsole(timeoutMs);
  }

  /** Starts the console end: a new pty at consolePath, joined to this process by socat. */
  async plugConsole(timeoutMs = 5000): Promise<void> {
    rmSync(this.consolePath, { force: true });
    const socat = spawn('socat', ['-b65536', `PTY,link=${this.consolePath},rawer,echo=0`, `TCP:127.0.0.1:${portOf(this.consoleSide)},nodelay`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    socat.stderr?.on('data', (d: Buffer) => (this.stderr += d.toString()));
    socat.on('error', (err) => (this.stderr += String(err)));
    this.socat = socat;
    // Up when its pty exists and it has joined this end (attachConsole sets this.console).
    const joined = await pollUntil(() => (existsSync(this.consolePath) && this.console ? true : undefined), timeoutMs, [20]);
    if (!joined) {
      this.unplugConsole();
      throw new HilError(`virtual serial cable did not come up within ${timeoutMs} ms (is socat installed?): ${this.stderr.trim()}`, {
        code: 'CONSOLE_OPEN',
      });
    }
  }

  /** Pulls the console end out: its pty goes away, as a USB adapter's tty does. */
  unplugConsole(): void {
    this.socat?.kill('SIGKILL');
    this.socat = undefined;
    this.console?.destroy();
    this.console = undefined;
    rmSync(this.consolePath, { force: true });
  }

  readonly unplug = (): void => {
    process.off('exit', this.unplug);
    this.unplugConsole();
    this.board?.destroy();
    this.boardSide.close();
    this.consoleSide.close();
    if (this.witness !== undefined) closeSync(this.witness);
    this.witness = undefined;
  };

  private attachBoard(socket: net.Socket): void {
    this.board?.destroy();
    this.board = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      if (this.witness !== undefined) writeSync(this.witness, chunk);
      for (const listener of this.boardListeners) listener(chunk);
      if (this.console?.writable) this.console.write(chunk);
      else this.lostBytes += chunk.length;
    });
    socket.on('error', () => undefined); // QEMU killed: its end resets; the next power-on reconnects
    socket.on('close', () => this.board === socket && (this.board = undefined));
  }

  private attachConsole(socket: net.Socket): void {
    this.console?.destroy();
    this.console = socket;
    socket.setNoDelay(true);
    // Typing into a board that is off goes nowhere, as on a real cable.
    socket.on('data', (chunk: Buffer) => this.board?.writable && this.board.write(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => this.console === socket && (this.console = undefined));
  }
}

function listen(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
}

function portOf(server: net.Server): number {
  const address = server.address();
  if (!address || typeof address === 'string') throw new HilError('virtual serial cable not plugged');
  return address.port;
}

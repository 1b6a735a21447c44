import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { HilError } from '../errors.ts';
import { pollUntil } from '../util/deadline.ts';

/**
 * The virtual board's serial cable: a pair of pseudo-terminals joined by socat.
 * The board end is where QEMU's UART attaches; the harness opens the console end with serialport,
 * exactly as it opens /dev/ttyUSB0. Like a USB adapter, the cable exists whether the board is on or off.
 */
export class VirtualCable {
  readonly consolePath: string;
  readonly boardPath: string;
  private socat?: ChildProcess;
  private stderr = '';

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    this.consolePath = join(dir, 'console');
    this.boardPath = join(dir, 'board');
  }

  async plug(timeoutMs = 5000): Promise<void> {
    for (const p of [this.consolePath, this.boardPath]) rmSync(p, { force: true });
    const pty = (link: string) => `PTY,link=${link},rawer,echo=0`;
    const socat = spawn('socat', ['-b65536', pty(this.consolePath), pty(this.boardPath)], { stdio: ['ignore', 'ignore', 'pipe'] });
    socat.stderr?.on('data', (d: Buffer) => (this.stderr += d.toString()));
    socat.on('error', (err) => (this.stderr += String(err)));
    this.socat = socat;
    process.once('exit', this.unplug);
    const ready = await pollUntil(() => (existsSync(this.consolePath) && existsSync(this.boardPath) ? true : undefined), timeoutMs, [20]);
    if (!ready) {
      this.unplug();
      throw new HilError(`virtual serial cable did not come up within ${timeoutMs} ms (is socat installed?): ${this.stderr.trim()}`, {
        code: 'CONSOLE_OPEN',
      });
    }
  }

  readonly unplug = (): void => {
    process.off('exit', this.unplug);
    this.socat?.kill('SIGTERM');
    this.socat = undefined;
  };
}

import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { HilError } from '../errors.ts';
import { sleep } from '../util/deadline.ts';
import type { PowerState, PowerSwitch } from './power-switch.ts';
import { checkQemuInstalled, QEMU_BINARY, qemuMachineArgs, userNetworkArgs, type QemuMachineOptions } from './qemu-machine.ts';

export interface QemuPowerOptions extends QemuMachineOptions {
  /** The board end of the serial cable (a pty path) the UART attaches to. */
  serialPath: string;
  /** QEMU's own stderr goes here. */
  logPath: string;
  /** NIC options, asked for at each power-on (the first NIC is the one U-Boot uses). */
  networkArgs?: () => string[];
  board?: string;
}

/** Powering the virtual board on starts QEMU; powering it off stops QEMU. */
export class QemuPower implements PowerSwitch {
  readonly description: string;
  private process?: ChildProcess;
  private log?: WriteStream;
  private exitNote = '';

  constructor(private readonly options: QemuPowerOptions) {
    this.description = `qemu ${QEMU_BINARY} serial ${options.serialPath}`;
  }

  async on(): Promise<void> {
    if (this.process) return;
    checkQemuInstalled(this.options);
    const nics = [...(this.options.networkArgs?.() ?? []), ...userNetworkArgs(this.options.hostForwards)];
    const args = [...qemuMachineArgs(this.options), ...nics, '-chardev', `tty,id=uart0,path=${this.options.serialPath}`, '-serial', 'chardev:uart0'];
    this.log = createWriteStream(this.options.logPath, { flags: 'a' });
    const child = spawn(QEMU_BINARY, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.pipe(this.log, { end: false });
    child.stderr?.on('data', (d: Buffer) => {
      this.log?.write(d);
      this.exitNote = (this.exitNote + d.toString()).slice(-2000);
    });
    const spawnFailed = new Promise<Error>((resolve) => child.once('error', resolve));
    child.once('exit', (code, signal) => {
      if (this.process === child) this.process = undefined;
      this.log?.write(`[hil] qemu exited code=${code} signal=${signal}\n`);
    });
    this.process = child;
    // If this process dies without powering off (a crash), the virtual board must not run on alone.
    process.once('exit', this.killNow);
    // QEMU fails fast on bad options or files; give it a moment to do so.
    const early = await Promise.race([spawnFailed, sleep(300).then(() => undefined)]);
    if (early || !this.process) {
      this.process = undefined;
      throw new HilError(`${this.options.board ?? 'virtual board'}: power on failed, QEMU did not start: ${early?.message ?? this.exitNote.trim()}`, {
        code: 'POWER',
        board: this.options.board,
      });
    }
  }

  async off(): Promise<void> {
    const child = this.process;
    if (!child) return;
    this.process = undefined;
    process.off('exit', this.killNow);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const gone = await Promise.race([exited.then(() => true), sleep(3000).then(() => false)]);
    if (!gone) {
      child.kill('SIGKILL');
      await exited;
    }
    this.log?.end();
    this.log = undefined;
  }

  async state(): Promise<PowerState> {
    return this.process ? 'on' : 'off';
  }

  /** Synchronous last resort for process exit handlers. */
  readonly killNow = (): void => {
    this.process?.kill('SIGKILL');
    this.process = undefined;
  };
}

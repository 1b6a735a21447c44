import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { HilError } from '../errors.ts';
import { sleep } from '../util/deadline.ts';
import type { PowerState, PowerSwitch } from './power-switch.ts';
import { checkQemuInstalled, QEMU_BINARY, qemuMachineArgs, userNetworkArgs, type QemuMachineOptions } from './qemu-machine.ts';

export interface QemuPowerOptions extends QemuMachineOptions {
  /** The `-chardev` value (given its id) of the serial cable's board end, where the UART attaches. */
  serialChardev: (id: string) => string;
  /** QEMU's own stderr goes here. */
  logPath: string;
  /** NIC options, asked for at each power-on (the first NIC is the one U-Boot uses). */
  networkArgs?: () => string[];
  board?: string;
  /** QEMU writes its pid here while it runs. */
  pidFile?: string;
}

/** Powering the virtual board on starts QEMU; powering it off stops QEMU. */
export class QemuPower implements PowerSwitch {
  readonly description: string;
  private process?: ChildProcess;
  private log?: WriteStream;
  private exitNote = '';
  private readonly lostListeners: Array<(why: string) => void> = [];
  /** Called at each power-on, before QEMU starts. */
  onPowerOn?: () => void;

  constructor(private readonly options: QemuPowerOptions) {
    this.description = `qemu ${QEMU_BINARY}${options.board ? ` (${options.board})` : ''}`;
  }

  async on(): Promise<void> {
    if (this.process) return;
    checkQemuInstalled(this.options);
    this.onPowerOn?.();
    const nics = [...(this.options.networkArgs?.() ?? []), ...userNetworkArgs(this.options.hostForwards)];
    const args = [...qemuMachineArgs(this.options), ...nics, '-chardev', this.options.serialChardev('uart0'), '-serial', 'chardev:uart0'];
    if (this.options.pidFile) args.push('-pidfile', this.options.pidFile);
    this.log = createWriteStream(this.options.logPath, { flags: 'a' });
    const child = spawn(QEMU_BINARY, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.pipe(this.log, { end: false });
    child.stderr?.on('data', (d: Buffer) => {
      this.log?.write(d);
      this.exitNote = (this.exitNote + d.toString()).slice(-2000);
    });
    const spawnFailed = new Promise<Error>((resolve) => child.once('error', resolve));
    child.once('exit', (code, signal) => {
      this.log?.write(`[hil] qemu exited code=${code} signal=${signal}\n`);
      if (this.process !== child) return; // off() asked for it
      this.process = undefined;
      process.off('exit', this.killNow);
      const why = `QEMU exited unasked (${signal ? `signal ${signal}` : `code ${code}`})`;
      for (const listener of this.lostListeners) listener(why);
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
    child.kill('SIGCONT'); // a stopped QEMU (the console-silent fault) acts on SIGTERM only once it runs
    const gone = await Promise.race([exited.then(() => true), sleep(3000).then(() => false)]);
    if (!gone) {
      child.kill('SIGKILL');
      await exited;
    }
    this.log?.end();
    this.log = undefined;
  }

  onLost(listener: (why: string) => void): void {
    this.lostListeners.push(listener);
  }

  /** The QEMU process while powered on (for the virtual board's fault injection). */
  get pid(): number | undefined {
    return this.process?.pid;
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

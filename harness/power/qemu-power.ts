import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import net from 'node:net';
import { HilError } from '../errors.ts';
import { sleep } from '../util/deadline.ts';
import type { PowerState, PowerSwitch } from './power-switch.ts';
import { QEMU_BINARY, type QemuMachine } from './qemu-machine.ts';

export interface QemuPowerOptions {
  machine: QemuMachine;
  /** The `-chardev` value (given its id) of the serial cable's board end, where the UART attaches. */
  serialChardev: (id: string) => string;
  /** QEMU's own stderr goes here. */
  logPath: string;
  /** The netdev of the NIC U-Boot uses (e.g. "socket,connect=127.0.0.1:4000"), asked for at each power-on. */
  labNetdev?: () => string;
  /** Host forwards of a second NIC on QEMU's user network, e.g. "tcp:127.0.0.1:2222-:22" (none: no such NIC). */
  hostForwards?: string[];
  board?: string;
  /** QEMU writes its pid here while it runs. */
  pidFile?: string;
  /**
   * QEMU's human monitor listens on this unix socket, and power-off asks it to `quit`: the board's
   * own firmware cannot switch it off (the ZCU102's stand-in EL3 parks the core on SYSTEM_OFF).
   */
  monitorSocket?: string;
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
    this.description = `${options.machine.description}${options.board ? ` (${options.board})` : ''}`;
  }

  async on(): Promise<void> {
    if (this.process) return;
    const { machine, hostForwards } = this.options;
    machine.check();
    this.onPowerOn?.();
    const nics = [...machine.labNicArgs(this.options.labNetdev?.()), ...(hostForwards?.length && machine.sshNicArgs ? machine.sshNicArgs(hostForwards) : [])];
    const args = [...machine.args(), ...nics, '-chardev', this.options.serialChardev('uart0'), '-serial', 'chardev:uart0'];
    if (this.options.pidFile) args.push('-pidfile', this.options.pidFile);
    if (this.options.monitorSocket) args.push('-monitor', `unix:${this.options.monitorSocket},server=on,wait=off`);
    this.log = createWriteStream(this.options.logPath, { flags: 'a' });
    const child = spawn(QEMU_BINARY, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...machine.env } });
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
    const exited = new Promise<boolean>((resolve) => child.once('exit', () => resolve(true)));
    const within = (ms: number) => Promise.race([exited, sleep(ms).then(() => false)]);
    child.kill('SIGCONT'); // a stopped QEMU (the console-silent fault) answers nothing until it runs
    const quitAsked = this.options.monitorSocket ? await askMonitor(this.options.monitorSocket, 'quit') : false;
    if (!(quitAsked && (await within(3000)))) {
      child.kill('SIGTERM');
      if (!(await within(3000))) {
        child.kill('SIGKILL');
        await exited;
      }
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

/** Sends one command line to QEMU's human monitor; false if the monitor did not take it within 1 s. */
function askMonitor(socketPath: string, command: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.createConnection(socketPath);
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), 1000);
    socket.once('error', () => done(false));
    // The monitor greets with its banner and prompt once it reads commands.
    socket.once('data', () => socket.write(`${command}\n`, () => setTimeout(() => done(true), 50)));
  });
}

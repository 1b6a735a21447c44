import { MARK } from '../report/marks.ts';
import { join } from 'node:path';
import { Console } from '../console/console.ts';
import { Transcript } from '../console/transcript.ts';
import type { BoardInstance } from '../lab/board-instance.ts';
import type { Limits } from '../lab/limits.ts';
import type { TransferRecord } from '../report/record.ts';
import { UBootDriver } from '../uboot/uboot-driver.ts';
import { DomainConsoles } from '../xen/domain-consoles.ts';
import { XenConsoleModel, type XenEvent } from '../xen/xen-console.ts';
import { RunClock } from './clock.ts';

export interface BoardSessionOptions {
  /** The run's report folder; transcripts go to its console/ folder. */
  reportDir: string;
  log?: (line: string) => void;
  /** Xen's conswitch key for the system being booted. Default 'a'. */
  conswitchKey?: string;
  /** Whether the system being booted has a dom0. Default true. */
  hasDom0?: boolean;
}

/**
 * A board in use by one run: its console with transcript, the U-Boot driver and the Xen model over it,
 * the clock all marks are measured with, and the TFTP transfers seen. Power goes off in close().
 */
export class BoardSession {
  readonly clock = new RunClock();
  readonly transcript: Transcript;
  readonly console: Console;
  readonly uboot: UBootDriver;
  readonly xen: XenConsoleModel;
  /** Each domain's own console, split from the one serial line; typing moves Xen's input focus. */
  readonly domains: DomainConsoles;
  readonly transfers: TransferRecord[] = [];
  /** The board's time limits (each knows where it was set). */
  readonly limits: Limits;
  private powered = false;

  constructor(
    readonly board: BoardInstance,
    readonly options: BoardSessionOptions,
  ) {
    this.limits = board.limits;
    this.transcript = new Transcript({ path: join(options.reportDir, 'console', 'raw.log'), now: () => this.clock.now() });
    this.console = new Console(board.console, { board: board.name, transcript: this.transcript });
    this.uboot = new UBootDriver(this.console, board.profile.uboot);
    this.xen = new XenConsoleModel(() => this.clock.now(), { hasDom0: options.hasDom0 });
    this.console.onText((text) => this.xen.push(text));
    this.xen.onEvent((event, ms) => this.markXenEvent(event, ms));
    this.domains = new DomainConsoles({
      console: this.console,
      xen: this.xen,
      transcriptDir: join(options.reportDir, 'console'),
      now: () => this.clock.now(),
      conswitchKey: options.conswitchKey,
      pressLimit: this.limits.conswitchPressMs,
      commandLimit: this.limits.shellCommandMs,
    });
  }

  log(line: string): void {
    this.options.log?.(line);
  }

  async open(): Promise<void> {
    await this.board.console.open();
  }

  async powerOn(): Promise<void> {
    this.clock.reset();
    this.xen.reset();
    this.domains.reset();
    this.transcript.mark(`power on (${this.board.power.description})`);
    this.powered = true;
    await this.board.power.on();
    this.clock.mark(MARK.powerOn, undefined, 0);
  }

  async powerOff(): Promise<void> {
    if (!this.powered) return;
    this.transcript.mark('power off');
    await this.board.power.off();
    this.powered = false;
  }

  /** Powers off (unless the board is to be left on), closes the console and the transcript. Never throws. */
  async close(): Promise<void> {
    const errors: unknown[] = [];
    if (!this.board.leaveOn) await this.powerOff().catch((e) => errors.push(e));
    await this.board.console.close().catch((e) => errors.push(e));
    this.domains.close();
    this.transcript.close();
    for (const e of errors) this.log(`warning while closing ${this.board.name}: ${e instanceof Error ? e.message : e}`);
  }

  /** Milliseconds from power-on for a performance.now() time. */
  sincePowerOn(perfNow: number): number {
    return this.clock.now() - (performance.now() - perfNow);
  }

  private markXenEvent(event: XenEvent, ms: number): void {
    if (event.kind === 'banner') this.clock.mark(MARK.xenBanner, undefined, ms);
    else if (event.kind === 'init-done') this.clock.mark(MARK.xenInitDone, undefined, ms);
    else if (event.kind === 'domu-loaded') this.clock.mark(MARK.domuLoaded, `d${event.domid}`, ms);
    else if (event.kind === 'domu-ready') this.clock.mark(MARK.domuReady, event.name, ms);
  }
}

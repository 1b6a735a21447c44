import { MARK } from '../report/marks.ts';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Console } from '../console/console.ts';
import { Transcript } from '../console/transcript.ts';
import type { BoardInstance } from '../lab/board-instance.ts';
import type { Limits } from '../lab/limits.ts';
import type { TransferRecord } from '../report/record.ts';
import { UBootDriver } from '../uboot/uboot-driver.ts';
import { DomainConsoles } from '../xen/domain-consoles.ts';
import { XenConsoleModel, type XenEvent } from '../xen/xen-console.ts';
import { pollUntil, sleep } from '../util/deadline.ts';
import { RunClock } from './clock.ts';

/** How long closing waits for a lost serial line to come back, so the transcript says whether it did. */
const LINE_BACK_MS = 5000;

export interface BoardSessionOptions {
  /** The run's report folder; transcripts go to its console/ folder. */
  reportDir: string;
  log?: (line: string) => void;
  /** Xen's conswitch key for the system being booted. Default 'a'. */
  conswitchKey?: string;
  /** Whether the system being booted has a dom0. Default true. */
  hasDom0?: boolean;
  /** After each TFTP fetch, have U-Boot compute the CRC-32 of what it got and compare it with the file's. */
  verifyFetches?: boolean;
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
  /** Where this session's boots begin in raw.log. */
  private readonly transcriptStart: number;
  /** Whether the board has printed anything since power-on (a USB adapter may re-enumerate before). */
  private heard = false;
  private silence?: NodeJS.Timeout;
  /** The serial line went away and has not come back yet. */
  private lineLost = false;

  constructor(
    readonly board: BoardInstance,
    readonly options: BoardSessionOptions,
  ) {
    this.limits = board.limits;
    const transcriptPath = join(options.reportDir, 'console', 'raw.log');
    this.transcriptStart = existsSync(transcriptPath) ? statSync(transcriptPath).size : 0;
    this.transcript = new Transcript({ path: transcriptPath, now: () => this.clock.now() });
    this.console = new Console(board.console, { board: board.name, transcript: this.transcript });
    this.uboot = new UBootDriver(this.console, board.profile.uboot);
    this.xen = new XenConsoleModel(() => this.clock.now(), { hasDom0: options.hasDom0 });
    this.console.onText((text) => {
      this.heard = true;
      this.xen.push(text);
      this.silence?.refresh();
    });
    board.power.onLost?.((why) => this.powered && this.console.halt(`the board lost power: ${why}`));
    board.console.onEvent((event) => {
      if (event === 'disconnected') this.lineLost = true;
      if (event === 'reopened' || event.startsWith('reopen failed')) this.lineLost = false;
      if (event === 'disconnected' && this.powered && this.heard) {
        this.console.halt(`serial line ${board.console.description} lost while the board ran: what it printed meanwhile is lost`);
      }
    });
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
    this.console.resume();
    this.heard = false;
    this.transcript.mark(`power on (${this.board.power.description})`);
    this.powered = true;
    await this.board.power.on();
    this.clock.mark(MARK.powerOn, undefined, 0);
  }

  /**
   * While on (the board is booting), a console silent for the consoleSilenceMs limit means the board
   * hung: the wait in progress fails at once, naming its stage.
   */
  watchSilence(on: boolean): void {
    clearTimeout(this.silence);
    this.silence = undefined;
    if (!on) return;
    const limit = this.limits.consoleSilenceMs;
    this.silence = setTimeout(() => {
      if (this.powered) this.console.halt(`the console was silent for ${limit.ms} ms (limit consoleSilenceMs, set by ${limit.from}): the board hangs`);
    }, limit.ms);
    this.silence.unref();
  }

  async powerOff(): Promise<void> {
    this.watchSilence(false);
    if (!this.powered) return;
    this.transcript.mark('power off');
    await this.board.power.off();
    this.powered = false;
  }

  /** Powers off (unless the board is to be left on), closes the console and the transcript. Never throws. */
  async close(): Promise<void> {
    const errors: unknown[] = [];
    if (!this.board.leaveOn) await this.powerOff().catch((e) => errors.push(e));
    await this.drainConsole();
    // Whether a lost serial line comes back tells a cable fault from a board fault: wait a little to see.
    if (this.lineLost) await pollUntil(() => (this.lineLost ? undefined : true), LINE_BACK_MS, [50]);
    await this.board.console.close().catch((e) => errors.push(e));
    this.domains.close();
    this.transcript.close();
    for (const e of errors) this.log(`warning while closing ${this.board.name}: ${e instanceof Error ? e.message : e}`);
  }

  /**
   * What the board printed last may still be on its way (in a serial adapter, a serial server, the
   * virtual cable): the console stays open until it has been quiet a moment, so the transcript ends
   * with the board's last byte. Bounded, for a board that keeps printing (left on).
   */
  private async drainConsole(quietMs = 150, maxMs = 1500): Promise<void> {
    let last = performance.now();
    const started = last;
    const heard = () => (last = performance.now());
    this.console.onText(heard);
    while (performance.now() - last < quietMs && performance.now() - started < maxMs) await sleep(25);
    this.console.offText(heard);
  }

  /**
   * The transcript of this session's boots (raw.log holds every boot of the run, and an earlier
   * system's boot, with another key or a panic on purpose, must not answer for this one).
   */
  sessionTranscript(): string {
    return readFileSync(this.transcript.path).subarray(this.transcriptStart).toString('latin1');
  }

  /** The transcript of the last boot only, from its power-on mark. */
  bootTranscript(): string {
    const text = this.sessionTranscript();
    const marks = [...text.matchAll(/^\[\s*-?\d+\.\d{3}\] \[hil\+?\] power on /gm)];
    return text.slice(marks.at(-1)?.index ?? 0);
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

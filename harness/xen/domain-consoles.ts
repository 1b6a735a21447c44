import type { Console } from '../console/console.ts';
import type { SplitPiece } from './domain-splitter.ts';
import { DomainTranscripts } from './domain-transcripts.ts';
import { Screen } from '../console/screen.ts';
import { HilError } from '../errors.ts';
import type { Limit } from '../lab/limits.ts';
import { XenConsoleSwitch } from './conswitch.ts';
import { DomainConsole } from './domain-console.ts';
import type { XenConsoleModel } from './xen-console.ts';

export interface DomainConsolesOptions {
  console: Console;
  xen: XenConsoleModel;
  /** Folder for xen.log, <domain>.log, dom0.log and firmware.log. */
  transcriptDir: string;
  now: () => number;
  /** Xen's conswitch key (system file `xen.conswitch`). Default 'a'. */
  conswitchKey?: string;
  /** How long to wait for Xen's answer to one conswitch press. Default: hil's conswitchPressMs. */
  pressLimit?: Limit;
  /** The default time limit of a shell command in a domain. */
  commandLimit?: Limit;
}

/**
 * Every domain's own console on a dom0less board's one serial line: the stream split per domain
 * (with a transcript and a screen each), and typing routed by moving Xen's input focus. One typist at a
 * time: a domain's keystrokes never land in another's shell.
 */
export class DomainConsoles {
  readonly switch: XenConsoleSwitch;
  private readonly transcripts: DomainTranscripts;
  private readonly domains = new Map<number, DomainConsole>();
  private readonly screens = new Map<number, Screen>();
  private typing: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: DomainConsolesOptions) {
    const { console, xen } = options;
    this.transcripts = new DomainTranscripts({ dir: options.transcriptDir, now: options.now });
    this.switch = new XenConsoleSwitch(console, xen, { key: options.conswitchKey, pressLimit: options.pressLimit });
    xen.splitter.onPiece((piece) => this.route(piece));
  }

  /** The console of the domU with this configured name (it must have printed its readiness line). */
  domain(name: string): DomainConsole {
    const seen = this.options.xen.byName(name);
    if (!seen) {
      const known = this.options.xen.domains.map((d) => d.name ?? `d${d.domid}`).join(', ');
      throw new HilError(`no domain '${name}' on this board (known: ${known || 'none yet'})`, { code: 'NO_DOMAIN' });
    }
    let domain = this.domains.get(seen.domid);
    if (!domain) {
      domain = new DomainConsole({
        name,
        domid: seen.domid,
        board: this.options.console.board,
        send: (domid, data) => this.sendTo(domid, data),
        commandLimit: this.options.commandLimit,
      });
      this.domains.set(seen.domid, domain);
    }
    return domain;
  }

  /** What the domain's screen shows now (escape sequences applied), for reading text as a person would. */
  async screenText(name: string): Promise<string> {
    const screen = this.screens.get(this.domain(name).domid);
    if (!screen) return '';
    await screen.flush();
    return screen.text();
  }

  /** Presses one of Xen's debug keys: only ever with the focus on Xen, so it cannot reach a guest. */
  async debugKey(key: string): Promise<void> {
    if (!/^[a-zA-Z0-9*+-]$/.test(key)) throw new HilError(`not a Xen debug key: '${key}'`);
    await this.exclusive(async () => {
      await this.switch.focusOn('Xen');
      await this.options.console.send(key);
    });
  }

  /**
   * At power-on: the domains of the last boot are gone, and with them what their consoles knew (a
   * prepared shell, the terminal width set). The transcripts go on in the same files.
   */
  reset(): void {
    this.domains.clear();
    for (const s of this.screens.values()) s.dispose();
    this.screens.clear();
  }

  /** Per-stream transcript files written so far. */
  transcriptPaths(): string[] {
    return [...this.transcripts.paths().values()];
  }

  close(): void {
    this.options.xen.splitter.flush();
    this.transcripts.close();
    for (const s of this.screens.values()) s.dispose();
  }

  private sendTo(domid: number, data: Buffer): Promise<void> {
    return this.exclusive(async () => {
      await this.switch.focusOn(`DOM${domid}`);
      await this.options.console.send(data);
    });
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.typing.then(work, work);
    this.typing = run.catch(() => undefined);
    return run;
  }

  private route(piece: SplitPiece): void {
    this.transcripts.write(piece);
    if (piece.domid === undefined || piece.domid === 0) return;
    this.domains.get(piece.domid)?.channel.feed(piece.content);
    let screen = this.screens.get(piece.domid);
    if (!screen) this.screens.set(piece.domid, (screen = new Screen()));
    screen.write(piece.content);
  }
}

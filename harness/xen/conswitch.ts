import type { Console } from '../console/console.ts';
import { formatConsoleTail, HilError } from '../errors.ts';
import { FOCUS_RE } from './xen-console.ts';

export interface ConsoleSwitchOptions {
  /** Xen's `conswitch=` key; Ctrl plus this letter, pressed three times, moves the input focus. Default 'a'. */
  key?: string;
  /** Presses of the triple before giving up. Default 6 (the 4.17 cycle with two domUs has 4 places). */
  maxPresses?: number;
  /** How long to wait for Xen's "*** Serial input to" line after a press. Default 3000 ms. */
  pressTimeoutMs?: number;
  /** The focus when known from boot (Xen's last "*** Serial input to" line). */
  initialFocus?: () => string | undefined;
}

/** `Xen` or `DOMn`: where Xen sends what is typed on the serial line. */
export type FocusTarget = string;

/**
 * Moves Xen's serial input focus the way a person does: the conswitch key three times, then reading
 * Xen's "*** Serial input to …" line. The cycle is learnt from what Xen prints, not assumed
 * (4.17 passes through DOM0 even without a dom0; 4.18+ skips absent domains).
 */
export class XenConsoleSwitch {
  private current?: FocusTarget;
  readonly seen: FocusTarget[] = [];

  constructor(
    private readonly console: Console,
    private readonly options: ConsoleSwitchOptions = {},
  ) {}

  get focus(): FocusTarget | undefined {
    return this.current ?? this.options.initialFocus?.();
  }

  /** The byte Xen reacts to: Ctrl + key. */
  get switchByte(): string {
    const key = (this.options.key ?? 'a').toLowerCase();
    if (!/^[a-z]$/.test(key)) throw new HilError(`conswitch key must be a letter a-z, got '${key}'`, { code: 'CONFIG' });
    return String.fromCharCode(key.charCodeAt(0) - 96);
  }

  async focusOn(target: FocusTarget): Promise<void> {
    const maxPresses = this.options.maxPresses ?? 6;
    const seenHere: string[] = [];
    for (let press = 0; this.focus !== target; press++) {
      if (press >= maxPresses) {
        throw new HilError(
          `conswitch: focus did not reach ${target} after ${maxPresses} presses of Ctrl-${(this.options.key ?? 'a').toUpperCase()} x3` +
            ` on ${this.console.board ?? 'the board'}; focus lines seen: ${seenHere.join(' → ') || 'none'}\n` +
            formatConsoleTail(this.console.lastLines(15)).join('\n'),
          { code: 'CONSWITCH', board: this.console.board },
        );
      }
      const focus = await this.press().catch(() => undefined);
      seenHere.push(focus ?? '(no focus line)');
    }
  }

  /** One press of the triple; resolves with the new focus Xen reports. */
  async press(): Promise<FocusTarget> {
    this.console.discard();
    await this.console.send(this.switchByte.repeat(3));
    const m = await this.console.expect(FOCUS_RE, { stage: 'xen: console switch', timeoutMs: this.options.pressTimeoutMs ?? 3000 });
    this.current = m.match[1];
    this.seen.push(this.current);
    return this.current;
  }
}

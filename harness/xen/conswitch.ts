import type { Console } from '../console/console.ts';
import { ConsoleTimeoutError, formatConsoleTail, HilError } from '../errors.ts';
import { DEFAULT_LIMITS, describeLimit, type Limit } from '../lab/limits.ts';
import type { XenConsoleModel } from './xen-console.ts';

export interface ConsoleSwitchOptions {
  /** Xen's `conswitch=` key; Ctrl plus this letter, pressed three times, moves the input focus. Default 'a'. */
  key?: string;
  /** Presses of the triple before giving up. Default 6 (the 4.17 cycle with two domUs has 4 places). */
  maxPresses?: number;
  /** How long to wait for Xen's "*** Serial input to" line after a press. Default: hil's conswitchPressMs. */
  pressLimit?: Limit;
}

/** `Xen` or `DOMn`: where Xen sends what is typed on the serial line. */
export type FocusTarget = string;

/**
 * Moves Xen's serial input focus the way a person does: the conswitch key three times, then reading
 * Xen's "*** Serial input to …" line. The cycle is learnt from what Xen prints, not assumed
 * (4.17 passes through DOM0 even without a dom0; 4.18+ skips absent domains).
 */
export class XenConsoleSwitch {
  readonly seen: FocusTarget[] = [];
  private announced?: (target: FocusTarget) => void;

  /** `xen` reads the serial line: its focus is the one focus of the board, this class only presses. */
  constructor(
    private readonly console: Console,
    private readonly xen: Pick<XenConsoleModel, 'focus' | 'onEvent'>,
    private readonly options: ConsoleSwitchOptions = {},
  ) {
    xen.onEvent((event) => {
      if (event.kind === 'focus') this.announced?.(event.target);
    });
  }

  get focus(): FocusTarget {
    return this.xen.focus;
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
    const limit = this.options.pressLimit ?? DEFAULT_LIMITS.conswitchPressMs;
    const timeoutMs = limit.ms;
    let timer: NodeJS.Timeout | undefined;
    const next = new Promise<FocusTarget>((resolve, reject) => {
      this.announced = resolve;
      timer = setTimeout(() => {
        const expected = 'a "*** Serial input to" line';
        reject(new ConsoleTimeoutError({ stage: 'xen: console switch', expected, timeoutMs, timeoutFrom: describeLimit(limit), lastLines: this.console.lastLines(), board: this.console.board }));
      }, timeoutMs);
    });
    try {
      await this.console.send(this.switchByte.repeat(3));
      const target = await next;
      this.seen.push(target);
      return target;
    } finally {
      clearTimeout(timer);
      this.announced = undefined;
    }
  }
}

import { HilError } from '../errors.ts';

/**
 * Faults the virtual board can be given (`hil run --fault KIND[@TEXT]`), for the harness's own tests and
 * for anyone who wants to see how their suites fail. Each happens once, the first time the board prints
 * TEXT (its default below) after a power-on; `lan-loss` is on from the first frame.
 * A domU or Xen panic is not a board fault but the system's: boot a system that panics (see README).
 */
export const FAULTS = {
  'serial-drop': { when: 'Xen version', what: 'the console end of the serial cable is pulled out for 2 s, then plugged back' },
  'qemu-dies': { when: 'Xen version', what: 'QEMU is killed (SIGKILL): the board loses power' },
  'console-silent': { when: 'Xen version', what: 'QEMU is stopped (SIGSTOP): the board hangs and prints nothing more' },
  'lan-loss': { when: '', what: 'the virtual LAN loses 0.1 % of the frames to the board (seeded, so a run repeats) and its 300th frame' },
  'no-uboot': { when: '', what: "the board's firmware is blank: U-Boot never runs, so its prompt never comes" },
} as const;

export type FaultKind = keyof typeof FAULTS;

export interface Fault {
  kind: FaultKind;
  /** Console text that sets it off ('' : from power-on). */
  when: string;
}

/** How long `serial-drop` keeps the cable out. */
export const SERIAL_DROP_MS = 2000;
/** `lan-loss`: the share of frames lost, the seed of the dice, and the one frame always lost. */
export const LAN_LOSS = { rate: 0.001, seed: 0x68696c, frame: 300 } as const;

/** `KIND` or `KIND@TEXT`, as `--fault` takes it. */
export function parseFault(spec: string): Fault {
  const at = spec.indexOf('@');
  const kind = at < 0 ? spec : spec.slice(0, at);
  if (!Object.hasOwn(FAULTS, kind)) {
    throw new HilError(`--fault ${spec}: unknown fault '${kind}'; the virtual board knows ${Object.keys(FAULTS).join(', ')}`, { code: 'USAGE' });
  }
  const when = at < 0 ? FAULTS[kind as FaultKind].when : spec.slice(at + 1);
  if (at >= 0 && (!when || !FAULTS[kind as FaultKind].when)) {
    throw new HilError(`--fault ${spec}: ${FAULTS[kind as FaultKind].when ? 'give the console text after @' : `'${kind}' takes no @TEXT`}`, { code: 'USAGE' });
  }
  return { kind: kind as FaultKind, when };
}

/** Sets off each fault once, the first time the board's output shows its text. */
export class FaultTriggers {
  private seen = '';
  private readonly armed: Fault[];

  constructor(
    faults: readonly Fault[],
    private readonly fire: (fault: Fault) => void,
  ) {
    this.armed = faults.filter((f) => f.when);
  }

  /** The board's output, chunk by chunk. */
  push(chunk: Buffer): void {
    if (!this.armed.length) return;
    const longest = Math.max(...this.armed.map((f) => f.when.length));
    this.seen = (this.seen + chunk.toString('latin1')).slice(-(longest + chunk.length));
    for (const fault of this.armed.filter((f) => this.seen.includes(f.when))) {
      this.armed.splice(this.armed.indexOf(fault), 1);
      this.fire(fault);
    }
  }

  /** A power-on: text seen before it cannot complete a trigger. */
  reset(): void {
    this.seen = '';
  }
}

/** A seeded uniform [0, 1) generator (mulberry32): the same frames are lost on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

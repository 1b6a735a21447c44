import type { TimelineMark } from '../report/record.ts';

/** Milliseconds since the run's reference point (power-on), and the boot timeline measured against it. */
export class RunClock {
  private origin = performance.now();
  readonly marks: TimelineMark[] = [];

  /** Moves the reference point to now (called at power-on): a new boot, with a timeline of its own. */
  reset(): void {
    this.origin = performance.now();
    this.marks.length = 0;
  }

  now(): number {
    return performance.now() - this.origin;
  }

  mark(mark: string, domain?: string, ms = this.now()): TimelineMark {
    const entry: TimelineMark = { mark, ms: Math.round(ms) };
    if (domain) entry.domain = domain;
    this.marks.push(entry);
    return entry;
  }

  find(mark: string, domain?: string): TimelineMark | undefined {
    return this.marks.find((m) => m.mark === mark && (domain === undefined || m.domain === domain));
  }
}

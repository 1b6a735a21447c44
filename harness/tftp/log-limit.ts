export interface RateLimitedLogOptions {
  /** Lines a second for one address; the rest are counted. */
  perAddress: number;
  /** Lines a second from all addresses together: source addresses cost nothing to forge on a LAN. */
  total: number;
  write: (line: string) => void;
  /** Milliseconds, for tests. Default performance.now. */
  now?: () => number;
}

/** One address's second: lines written, lines held back. */
interface Bucket {
  since: number;
  lines: number;
  held: number;
}

/** Beyond this many addresses in one second, the others share one bucket, so a flood of forged addresses costs no memory. */
const MAX_ADDRESSES = 1024;
const OTHERS = 'other addresses';
const SECOND = 1000;

/**
 * One line per refusal or malformed packet, for as long as a peer sends few of them: a flood from
 * the LAN must not fill a terminal or a disk. At most `perAddress` lines a second per address and
 * `total` in all; what is held back is counted and said in one line once its second is over
 * ("tftp: 10.0.0.9: … 412 more suppressed").
 */
export class RateLimitedLog {
  private readonly buckets = new Map<string, Bucket>();
  private all: Bucket;
  private timer?: NodeJS.Timeout;
  private readonly now: () => number;

  constructor(private readonly o: RateLimitedLogOptions) {
    this.now = o.now ?? (() => performance.now());
    this.all = { since: this.now(), lines: 0, held: 0 };
  }

  line(address: string, text: string): void {
    const now = this.now();
    this.sweep(now);
    const key = this.buckets.has(address) || this.buckets.size < MAX_ADDRESSES ? address : OTHERS;
    let bucket = this.buckets.get(key);
    if (!bucket) this.buckets.set(key, (bucket = { since: now, lines: 0, held: 0 }));
    this.schedule();
    if (bucket.lines >= this.o.perAddress) bucket.held++;
    else if (this.all.lines >= this.o.total) this.all.held++;
    else {
      bucket.lines++;
      this.all.lines++;
      this.o.write(text);
    }
  }

  /** Says what is still held back, now, and stops the clock (when the server closes). */
  flush(): void {
    this.sweep(Infinity);
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Ends the seconds that are over at `now`: their held-back counts are written, their buckets dropped. */
  private sweep(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (now - bucket.since < SECOND) continue;
      if (bucket.held) this.o.write(`tftp: ${key}: … ${bucket.held} more suppressed (at most ${this.o.perAddress} lines a second per address)`);
      this.buckets.delete(key);
    }
    if (now - this.all.since < SECOND) return;
    if (this.all.held) this.o.write(`tftp: … ${this.all.held} more suppressed (at most ${this.o.total} lines a second in all)`);
    this.all = { since: this.now(), lines: 0, held: 0 };
  }

  /** A held-back count must be said even if its address falls silent: a sweep a second later. */
  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.sweep(this.now());
      if (this.buckets.size || this.all.held) this.schedule();
    }, SECOND);
    this.timer.unref();
  }
}

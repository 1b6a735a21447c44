/**
 * The longest wait a Node.js timer holds (2^31 - 1 ms, about 24.8 days): a longer one fires after
 * 1 ms instead, so every configured time is capped at this.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A monotonic deadline shared by the steps of one wait. */
export class Deadline {
  private readonly end: number;
  constructor(readonly timeoutMs: number) {
    this.end = performance.now() + timeoutMs;
  }
  remaining(): number {
    return Math.max(0, this.end - performance.now());
  }
  expired(): boolean {
    return this.remaining() === 0;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Calls `check` until it returns a value other than undefined, then again at the given intervals
 * (the last one repeats). Checks once before waiting. Returns undefined when the deadline passes.
 */
export async function pollUntil<T>(
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs: number,
  intervals: number[] = [100, 250, 500, 1000],
): Promise<T | undefined> {
  const deadline = new Deadline(timeoutMs);
  for (let i = 0; ; i++) {
    const value = await check();
    if (value !== undefined) return value;
    if (deadline.expired()) return undefined;
    await sleep(Math.min(intervals[Math.min(i, intervals.length - 1)], deadline.remaining()));
  }
}

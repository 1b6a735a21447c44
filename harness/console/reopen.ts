import { Deadline, sleep } from '../util/deadline.ts';

export interface ReopenOptions {
  /** One try at reopening; rejects when the device is not back yet. */
  attempt: () => Promise<void>;
  /** Give up after this long. */
  timeoutMs: number;
  /** Pause between tries. Default 200 ms. */
  intervalMs?: number;
  /** Stop trying (the transport was closed meanwhile). */
  cancelled: () => boolean;
}

/**
 * Retries `attempt` until it succeeds, the deadline passes or the caller cancels.
 * Resolves true when reopened; false when cancelled; rejects with the last failure on timeout.
 */
export async function reopenWithin(o: ReopenOptions): Promise<boolean> {
  const deadline = new Deadline(o.timeoutMs);
  let last: unknown;
  while (!o.cancelled()) {
    try {
      await o.attempt();
      return true;
    } catch (err) {
      last = err;
    }
    if (deadline.expired()) {
      const why = last instanceof Error ? last.message : String(last);
      throw new Error(`not back within ${o.timeoutMs} ms (last try: ${why})`);
    }
    await sleep(Math.min(o.intervalMs ?? 200, deadline.remaining()));
  }
  return false;
}

/** Marks the outcome of a reopen in the transcript: `reopened`, or why it failed. */
export function announceReopen(reopen: Promise<boolean>, emit: (event: string) => void, what: string): Promise<boolean> {
  return reopen.then(
    (back) => {
      if (back) emit('reopened');
      return back;
    },
    (err: Error) => {
      emit(`reopen failed: ${what}${err.message}`);
      return false;
    },
  );
}

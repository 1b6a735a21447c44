import { HilError } from '../errors.ts';

/** Who a power driver acts for: names that go into its errors. */
export interface PowerTarget {
  /** Board name, when the switch belongs to a board of the lab file. */
  board?: string;
  /** Driver type, e.g. "tasmota". */
  driver: string;
  /** The device, without secrets, e.g. "127.0.0.1:8080 relay 2". */
  device: string;
}

/** A failed power action: names the board (when known), the driver, the device and what went wrong. */
export function powerError(target: PowerTarget, action: string, problem: string, cause?: unknown): HilError {
  const who = target.board ? `board ${target.board}: ` : '';
  return new HilError(`${who}power ${action} failed (${target.driver} ${target.device}): ${problem}`, {
    code: 'POWER',
    board: target.board,
    cause,
  });
}

/** Text for a caught value, for use inside an error message. */
export function reason(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}

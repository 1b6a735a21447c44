import { z } from 'zod';
import { HilError } from '../errors.ts';
import { MAX_TIMER_MS } from '../util/deadline.ts';

/** Building blocks of the drivers' option schemas. */
export const portNumber = z.number().int().min(1).max(65535);
/** A host name or address alone: a port, a scheme or a path belongs in its own field. */
export const hostName = z
  .string()
  .regex(/^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])$/, 'must be a host name or an IP address alone (no port, scheme or path: the port has its own field)');
const TOO_LONG = `must be at most ${MAX_TIMER_MS} ms (the longest a timer waits)`;
/** A time limit or a wait, in ms: a longer one would fire after 1 ms. */
export const millis = z.number().int().positive().max(MAX_TIMER_MS, TOO_LONG);
/** A wait that may be none (0 ms). */
export const pauseMillis = z.number().int().min(0).max(MAX_TIMER_MS, TOO_LONG);

/**
 * A driver's settings: its options checked by its schema, with the schema's defaults filled in. The
 * schema is the one place a driver's options are typed and defaulted; the lab file validates with it too.
 * `driver` names it in errors: "power driver 'tasmota'", "console transport 'tcp'".
 */
export function driverSettings<S extends z.ZodType>(driver: string, schema: S, options: unknown, board?: string): z.output<S> {
  const parsed = schema.safeParse(options);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`).join('; ');
  throw new HilError(`bad options for ${driver}: ${problems}`, { code: 'CONFIG', board });
}

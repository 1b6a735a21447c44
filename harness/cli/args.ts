import { parseArgs, type ParseArgsConfig } from 'node:util';
import { HilError } from '../errors.ts';
import { MAX_TIMER_MS } from '../util/deadline.ts';
import { findRelease, RELEASES, type DebianRelease } from '../../images/releases.ts';

/** node:util parseArgs with errors that name the command and show its usage. */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(command: string, args: string[], options: T, usage: string) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new HilError(`${(err as Error).message}\n  usage: hil ${usage}`, { code: 'USAGE' });
  }
}

/** A duration option given in `unit` (e.g. `--off-time 3000`, `--timeout 60`), as ms; anything but a whole number in range is a usage error. */
export function durationArg(flag: string, text: string | undefined, unit: 'ms' | 's', usage: string): number {
  const scale = unit === 's' ? 1000 : 1;
  const value = text !== undefined && /^\d+$/.test(text.trim()) ? Number(text) * scale : NaN;
  if (!Number.isFinite(value) || value < 1 || value > MAX_TIMER_MS) {
    throw new HilError(`--${flag} ${text ?? ''}: give a whole number of ${unit === 's' ? 'seconds' : 'milliseconds'}, from 1 to ${Math.floor(MAX_TIMER_MS / scale)}\n  usage: hil ${usage}`, { code: 'USAGE' });
  }
  return value;
}

/** `--images NAME`: the Debian release an image set is built from (images/releases.ts). */
export function releaseArg(name: string, usage: string): DebianRelease {
  const release = findRelease(name);
  if (!release) throw new HilError(`--images ${name}: give one of ${Object.keys(RELEASES).join(', ')}\n  usage: hil ${usage}`, { code: 'USAGE' });
  return release;
}

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { HilError } from '../errors.ts';

/** node:util parseArgs with errors that name the command and show its usage. */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(command: string, args: string[], options: T, usage: string) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new HilError(`${(err as Error).message}\n  usage: hil ${usage}`, { code: 'USAGE' });
  }
}

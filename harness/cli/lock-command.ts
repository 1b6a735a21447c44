import { HilError } from '../errors.ts';
import { lockReleaseCommand, lockStatusCommand } from '../lab/commands.ts';
import { parseCommandArgs } from './args.ts';

const USAGE = 'lock status | lock release --board NAME [--force]';

/** `hil lock status` and `hil lock release`. */
export async function lockCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('lock', args, { board: { type: 'string' }, force: { type: 'boolean', default: false } }, USAGE);
  if (positionals[0] === 'status') {
    await lockStatusCommand(process.stdout);
    return 0;
  }
  if (positionals[0] === 'release' && values.board) {
    await lockReleaseCommand(values.board, values.force!, process.stdout);
    return 0;
  }
  throw new HilError(`usage: hil ${USAGE}`, { code: 'USAGE' });
}

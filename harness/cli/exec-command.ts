import { HilError } from '../errors.ts';
import { durationArg, parseCommandArgs } from './args.ts';
import { BOOT_OPTIONS, withBootedBoard } from './booted-command.ts';

const USAGE = 'exec --board NAME --domain NAME [--system FILE] [--lab FILE] [--timeout S] -- CMD';

/** `hil exec`: boot the board, run one shell command in a domU through its console, print the output, exit with its status. */
export async function execCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('exec', args, { ...BOOT_OPTIONS, timeout: { type: 'string', default: '60' } }, USAGE);
  if (!values.domain || positionals.length === 0) throw new HilError(`--domain and a command are required\n  usage: hil ${USAGE}`, { code: 'USAGE' });
  return withBootedBoard(values, USAGE, async ({ session }) => {
    const result = await session.domains.domain(values.domain!).run(positionals.join(' '), { timeoutMs: durationArg('timeout', values.timeout, 's', USAGE) });
    process.stdout.write(result.output + (result.output ? '\n' : ''));
    return result.exitCode;
  });
}

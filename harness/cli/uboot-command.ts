import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HilError } from '../errors.ts';
import { BoardSession } from '../run/board-session.ts';
import { BootStrategy } from '../run/boot-strategy.ts';
import { parseCommandArgs } from './args.ts';
import { BOARD_OPTIONS } from './board-args.ts';
import { withHeldBoard } from './held-board.ts';
import { progressLog } from './progress.ts';

const USAGE = 'uboot --board NAME [--lab FILE] [--wait] -- CMD [CMD...]';

/** `hil uboot`: power the board on, stop autoboot, run U-Boot commands, print their output, exit with their status. */
export async function ubootCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('uboot', args, { ...BOARD_OPTIONS, wait: { type: 'boolean', default: false } }, USAGE);
  if (positionals.length === 0) throw new HilError(`no U-Boot command given\n  usage: hil ${USAGE}`, { code: 'USAGE' });
  const dir = mkdtempSync(join(tmpdir(), 'hil-uboot-'));
  const log = progressLog();
  const held = { values, usage: USAGE, command: `hil uboot ${positionals.join(' ')}`, stateDir: join(dir, 'board'), log };
  return withHeldBoard(held, async (board, onStop) => {
    const session = new BoardSession(board, { reportDir: dir, log });
    onStop(() => session.close());
    await session.open();
    log(`transcript: ${session.transcript.path}`);
    await new BootStrategy(session).transition('uboot');
    let status = 0;
    for (const command of positionals) {
      const result = await session.uboot.run(command, { allowFailure: true, timeoutMs: 60000 });
      process.stdout.write(`=> ${command}\n${result.output}${result.output ? '\n' : ''}`);
      status = result.exitCode;
      if (status !== 0) break;
    }
    return status;
  });
}

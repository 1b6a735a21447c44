import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HilError } from '../errors.ts';
import { switchBoardPower, type PowerAction } from '../lab/commands.ts';
import { durationArg, parseCommandArgs } from './args.ts';
import { BOARD_OPTIONS, boardFromArgs, isVirtual } from './board-args.ts';

const USAGE = 'power on|off|cycle|state --board NAME [--lab FILE] [--off-time MS]';
const ACTIONS: readonly PowerAction[] = ['on', 'off', 'cycle', 'state'];

/** `hil power`: switch a board's power through its driver, holding the board's lock. */
export async function powerCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('power', args, { ...BOARD_OPTIONS, 'off-time': { type: 'string', default: '3000' } }, USAGE);
  const action = positionals[0] as PowerAction;
  if (!ACTIONS.includes(action)) throw new HilError(`expected one of ${ACTIONS.join(', ')}, got '${positionals[0] ?? ''}'\n  usage: hil ${USAGE}`, { code: 'USAGE' });
  const offTimeMs = durationArg('off-time', values['off-time'], 'ms', USAGE);
  // The board's run-time files (a virtual board's serial link) live only as long as this command.
  const stateDir = mkdtempSync(join(tmpdir(), 'hil-power-'));
  const board = await boardFromArgs(values, USAGE, stateDir).catch((err) => {
    rmSync(stateDir, { recursive: true, force: true });
    throw err;
  });
  try {
    await switchBoardPower(board, action, process.stdout, { offTimeMs });
    if (isVirtual(board) && action !== 'off' && action !== 'state') {
      process.stdout.write(`${board.name} is virtual: it powers off again when this command ends (use 'hil console' or 'hil run' to work with it)\n`);
    }
    return 0;
  } finally {
    await board.dispose?.();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

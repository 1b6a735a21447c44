import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireBoardLock } from '../lab/board-lock.ts';
import { BoardSession } from '../run/board-session.ts';
import { parseCommandArgs } from './args.ts';
import { BOARD_OPTIONS, boardFromArgs, isVirtual } from './board-args.ts';

const USAGE = 'console --board NAME [--lab FILE] [--power-on]';
/** Ctrl-]: like telnet's escape, and far from Ctrl-A, which Xen uses to switch consoles. */
const ESCAPE = 0x1d;

/** `hil console`: the board's serial console on this terminal, raw, until Ctrl-]. */
export async function consoleCommand(args: string[]): Promise<number> {
  const { values } = parseCommandArgs('console', args, { ...BOARD_OPTIONS, 'power-on': { type: 'boolean', default: false } }, USAGE);
  const dir = mkdtempSync(join(tmpdir(), 'hil-console-'));
  const board = await boardFromArgs(values, USAGE, join(dir, 'board'));
  const lock = await acquireBoardLock({ board: board.name, command: 'hil console' });
  const session = new BoardSession(board, { reportDir: dir });
  try {
    session.console.onText((text) => process.stdout.write(Buffer.from(text, 'latin1')));
    await session.open();
    process.stderr.write(`[hil] ${board.name} on ${board.console.description}; Ctrl-] quits; transcript ${session.transcript.path}\n`);
    if (values['power-on'] || isVirtual(board)) await session.powerOn();
    await passThrough((bytes) => void session.console.send(bytes));
    return 0;
  } finally {
    process.stderr.write('\n[hil] console closed\n');
    await session.close();
    await lock.release();
    await board.dispose?.();
  }
}

/** Forwards the terminal's keys until the escape key; resolves when it is pressed or stdin ends. */
function passThrough(send: (bytes: Buffer) => void): Promise<void> {
  const stdin = process.stdin;
  if (stdin.isTTY) stdin.setRawMode(true);
  return new Promise<void>((resolve) => {
    const finish = () => {
      stdin.off('data', onData);
      if (stdin.isTTY) stdin.setRawMode(false);
      stdin.pause();
      resolve();
    };
    const onData = (chunk: Buffer) => {
      const at = chunk.indexOf(ESCAPE);
      if (at >= 0) {
        if (at > 0) send(chunk.subarray(0, at));
        finish();
      } else send(chunk);
    };
    stdin.on('data', onData);
    stdin.once('end', finish);
    stdin.resume();
  });
}

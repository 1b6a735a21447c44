import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BoardSession } from '../run/board-session.ts';
import { parseCommandArgs } from './args.ts';
import { sleep } from '../util/deadline.ts';
import { isVirtual } from './board-args.ts';
import { withHeldBoard } from './held-board.ts';
import { BOOT_OPTIONS, withBootedBoard } from './booted-command.ts';

const USAGE = 'console --board NAME [--lab FILE] [--power-on] | console --board NAME --domain NAME [--system FILE]';
/** Ctrl-]: like telnet's escape, and far from Ctrl-A, which Xen uses to switch consoles. */
const ESCAPE = 0x1d;

/** `hil console`: the board's serial console on this terminal, raw, until Ctrl-]. */
export async function consoleCommand(args: string[]): Promise<number> {
  const { values } = parseCommandArgs('console', args, { ...BOOT_OPTIONS, 'power-on': { type: 'boolean', default: false } }, USAGE);
  if (values.domain) return domainConsole(values, values.domain);
  const dir = mkdtempSync(join(tmpdir(), 'hil-console-'));
  const held = { values, usage: USAGE, command: 'hil console', stateDir: join(dir, 'board'), log: (l: string) => process.stderr.write(`[hil] ${l}\n`) };
  return withHeldBoard(held, async (board, onStop) => {
    const session = new BoardSession(board, { reportDir: dir });
    onStop(async () => {
      process.stderr.write('\n[hil] console closed\n');
      await session.close();
    });
    session.console.onText((text) => process.stdout.write(Buffer.from(text, 'latin1')));
    await session.open();
    process.stderr.write(`[hil] ${board.name} on ${board.console.description}; Ctrl-] quits; transcript ${session.transcript.path}\n`);
    if (values['power-on'] || isVirtual(board)) await session.powerOn();
    await passThrough((bytes) => void session.console.send(bytes));
    return 0;
  });
}

/** Boots the board and attaches to one domU's console; the harness moves Xen's focus for you. */
function domainConsole(values: { board?: string; lab?: string; system?: string; wait?: boolean }, name: string): Promise<number> {
  return withBootedBoard(values, USAGE, async ({ session }) => {
    const domain = session.domains.domain(name);
    domain.channel.onData((chunk) => process.stdout.write(chunk));
    process.stderr.write(`[hil] attached to ${name} (DOM${domain.domid}); Ctrl-] quits\n`);
    await domain.channel.write('\r');
    await passThrough(async (bytes) => {
      // Pasted text would overflow Xen's 32-byte vpl011 buffer: feed it in small, spaced pieces.
      for (let at = 0; at < bytes.length; at += 16) {
        await domain.channel.write(bytes.subarray(at, at + 16));
        if (bytes.length > 16) await sleep(30);
      }
    });
    return 0;
  });
}

/** Forwards the terminal's keys until the escape key; resolves when it is pressed or stdin ends. */
function passThrough(send: (bytes: Buffer) => unknown): Promise<void> {
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

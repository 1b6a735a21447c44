import { inspect } from 'node:util';
import { scrub, scrubBytes } from './scrubber.ts';

type Write = NodeJS.WriteStream['write'];
const GUARDED = Symbol('hil.scrubbed');

/**
 * Makes every write to the given streams (default: stdout and stderr) go through the secret
 * scrubber: console.log/error, progress lines, Mocha's reporter, HIL_DEBUG dumps all write through
 * `stream.write`. Called once by the `hil` command (cli/hil.js) before anything else runs; calling
 * it again on a guarded stream does nothing. Returns the function that restores the streams (tests).
 */
export function scrubTerminal(streams: NodeJS.WriteStream[] = [process.stdout, process.stderr]): () => void {
  const restore: Array<() => void> = [];
  for (const stream of streams) {
    const s = stream as NodeJS.WriteStream & { [GUARDED]?: true };
    if (s[GUARDED]) continue;
    const original = s.write;
    const write = function (this: unknown, chunk: unknown, ...rest: unknown[]) {
      return (original as (...a: unknown[]) => boolean).call(s, scrubChunk(chunk, rest[0]), ...rest);
    };
    s.write = write as Write;
    s[GUARDED] = true;
    restore.push(() => {
      s.write = original;
      delete s[GUARDED];
    });
  }
  return () => restore.forEach((r) => r());
}

/** A chunk as `write` takes it, scrubbed; strings in an encoding other than UTF-8 are scrubbed as bytes. */
function scrubChunk(chunk: unknown, encoding: unknown): unknown {
  if (typeof chunk === 'string') {
    if (typeof encoding === 'string' && !/^utf-?8$/i.test(encoding) && Buffer.isEncoding(encoding)) {
      return scrubBytes(Buffer.from(chunk, encoding)).toString(encoding);
    }
    return scrub(chunk);
  }
  if (chunk instanceof Uint8Array) return scrubBytes(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  return chunk;
}

/**
 * Node prints an uncaught exception (or an unhandled rejection) itself, straight to the file
 * descriptor, past the scrubbed `stderr.write`: this prints it instead, scrubbed, and exits 1 as
 * Node would. Only as the last resort: while a command holds a board, cli/interrupt.ts has its own
 * handlers (power off, release), and this one then stays out of the way.
 */
export function scrubCrashes(): void {
  const onCrash = (err: unknown) => {
    if (process.listenerCount('uncaughtException') > 1) return;
    try {
      process.stderr.write(`hil: internal error: ${scrub(inspect(err))}\n`);
    } finally {
      process.exit(1);
    }
  };
  process.on('uncaughtException', onCrash);
}

import { TftpServer, type TransferStats } from './server.ts';

/** One line per finished transfer: what, how much, how fast, with which settings, and to whom. */
export function formatTransfer(s: TransferStats): string {
  const mibps = s.ms > 0 ? s.bytes / 1048576 / (s.ms / 1000) : 0;
  const result = s.ok ? 'ok' : `FAILED: ${s.error}`;
  const resent = s.retransmits ? `, ${s.retransmits} resent` : '';
  const settings = `blksize ${s.blksize}/window ${s.windowsize}${resent}`;
  return `${s.file}  ${s.bytes} B  ${s.ms.toFixed(0)} ms  ${mibps.toFixed(1)} MiB/s  ${settings}  ${s.client}  ${result}`;
}

/**
 * `hil tftp serve --dir DIR [--host ADDR] [--port N]`: serves DIR read-only and prints a line per
 * transfer to `out` until `signal` aborts (then transfers in progress are aborted and it resolves).
 * The first line says where it listens, so port 0 (any free port) can be used. Refusals and
 * malformed or stray packets go to `err`, one line each, rate-limited per client.
 */
export async function serveCommand(opts: {
  dir: string;
  host?: string;
  port?: number;
  out: NodeJS.WritableStream;
  err?: NodeJS.WritableStream;
  signal?: AbortSignal;
}): Promise<void> {
  const err = opts.err;
  const server = new TftpServer({
    root: opts.dir,
    host: opts.host,
    port: opts.port,
    onTransfer: (s) => opts.out.write(formatTransfer(s) + '\n'),
    warn: err && ((line) => err.write(line + '\n')),
  });
  const { address, port } = await server.listen();
  opts.out.write(`TFTP serving ${opts.dir} (read-only) on ${address}:${port}; stop with Ctrl-C\n`);
  if (opts.signal?.aborted) return server.close();
  await new Promise<void>((resolve) => opts.signal?.addEventListener('abort', () => resolve(), { once: true }));
  await server.close();
}

import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TftpServer, type TftpServerOptions } from '../../harness/tftp/server.ts';

/** A temporary TFTP root with a server on an ephemeral loopback port, and a place for downloads. */
export interface Fixture {
  /** Parent of `root`: files here are outside what the server may send. */
  base: string;
  root: string;
  out: string;
  port: number;
  server: TftpServer;
  log: string[];
  /** Writes `bytes` random bytes (or the given content) under the root; returns the content. */
  file(name: string, bytes: number | Buffer | string): Promise<Buffer>;
  close(): Promise<void>;
}

/** Short timeouts keep loss and retry tests fast; tests that care pass their own. */
export async function startFixture(opts: Partial<TftpServerOptions> = {}): Promise<Fixture> {
  const base = await mkdtemp(path.join(tmpdir(), 'hil-tftp-test-'));
  const root = path.join(base, 'root');
  const out = path.join(base, 'out');
  await mkdir(root);
  await mkdir(out);
  const log: string[] = [];
  const server = new TftpServer({ root, port: 0, timeoutMs: 300, retries: 3, log: (l) => log.push(l), ...opts });
  const { port } = await server.listen();
  return {
    base,
    root,
    out,
    port,
    server,
    log,
    async file(name, content) {
      const data = typeof content === 'number' ? randomBytes(content) : Buffer.from(content);
      await mkdir(path.dirname(path.join(root, name)), { recursive: true });
      await writeFile(path.join(root, name), data);
      return data;
    },
    async close() {
      await server.close();
      await rm(base, { recursive: true, force: true });
    },
  };
}

/** The server records a transfer just after the client got its last ACK through; wait for it. */
export async function lastTransfer(server: TftpServer, count = 1, timeoutMs = 3000) {
  const end = performance.now() + timeoutMs;
  while (server.transfers.length < count) {
    if (performance.now() > end) throw new Error(`expected ${count} finished transfer(s), have ${server.transfers.length}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return server.transfers[server.transfers.length - 1];
}

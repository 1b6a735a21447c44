import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { TftpServerOptions, TftpServerStats } from '../../harness/tftp/server.ts';

export interface MemorySample {
  /** In bytes, after a full GC unless asked otherwise. */
  rss: number;
  heapTotal: number;
  heapUsed: number;
  arrayBuffers: number;
  /** The most the process ever held (getrusage maxrss). */
  peakRss: number;
  /** Open file descriptors: sockets and files a transfer forgot to close would add up here. */
  fds: number;
  server: TftpServerStats;
  lines: { log: number; warn: number };
  lastWarnings: string[];
}

export interface ServerProcess {
  port: number;
  child: ChildProcess;
  memory(o?: { gc?: boolean }): Promise<MemorySample>;
  /** Whether it exited (it must not, whatever it is sent). */
  exited(): boolean;
  close(): Promise<void>;
}

type Options = Omit<TftpServerOptions, 'onTransfer' | 'onStart' | 'log' | 'warn'>;

/** server-child.ts in a process of its own, on an ephemeral loopback port. */
export async function startServerProcess(opts: Options): Promise<ServerProcess> {
  const script = path.join(import.meta.dirname, 'server-child.ts');
  const child = fork(script, [JSON.stringify({ port: 0, ...opts })], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // Buffers over 64 KiB go back to the system when freed (mmap), so RSS shows what the server holds
    // rather than what glibc keeps for reuse: its arenas alone moved RSS by 15-31 MiB from run to run.
    env: { ...process.env, MALLOC_MMAP_THRESHOLD_: '65536' },
  });
  let exitCode: number | null | undefined;
  child.on('exit', (code, signal) => (exitCode = code ?? (signal ? -1 : null)));
  const next = <T>(type: string) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (m: { type: string }) => {
        if (m.type !== type) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(m as T);
      };
      const onExit = (code: number | null) => reject(new Error(`the TFTP server process exited (${code}) while waiting for '${type}'`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const { port } = await next<{ port: number }>('listening');
  return {
    port,
    child,
    exited: () => exitCode !== undefined,
    memory({ gc = true } = {}) {
      const answer = next<MemorySample>('memory');
      child.send({ type: 'memory', gc });
      return answer;
    },
    async close() {
      if (exitCode === undefined) {
        const closed = next('closed');
        child.send({ type: 'close' });
        await closed;
        child.disconnect();
      }
      if (exitCode === undefined) await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

import type { ChildProcess } from 'node:child_process';
import { connect } from 'node:net';

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Waits until a daemon the test started listens on its port; fails with its stderr if it exits or takes too long. */
export async function untilListening(child: ChildProcess, port: number, what: string, timeoutMs: number, stderr: () => string): Promise<void> {
  const start = Date.now();
  while (!(await accepts(port))) {
    if (child.exitCode !== null || Date.now() - start > timeoutMs) throw new Error(`${what} did not listen on ${port}: ${stderr()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Stops a daemon the test started and waits for it to be gone. */
export async function stopDaemon(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await gone;
}

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const HIL = fileURLToPath(new URL('../../harness/cli/hil.js', import.meta.url));

export interface HilResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI; resolves with its exit code and output. `onStderr` sees the output so far. */
export function hil(args: string[], opts: { onStderr?: (text: string, child: ReturnType<typeof spawn>) => void } = {}): Promise<HilResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [HIL, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      opts.onStderr?.(stderr, child);
    });
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Whether a QEMU of the virtual board whose state is in `boardDir` still runs (its pid file is in its args). */
export function qemuRunning(boardDir: string): Promise<boolean> {
  const ps = spawn('pgrep', ['-f', `qemu-system-aarch64.*${boardDir}/qemu.pid`]);
  return new Promise<boolean>((r) => ps.on('exit', (code) => r(code === 0)));
}

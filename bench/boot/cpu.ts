/** CPU time of this process and of its live child processes (QEMU, socat), from /proc. */
import { readdirSync, readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc/<pid>/stat counts clock ticks of 10 ms. */
const TICK_MS = 10;

export interface CpuSample {
  /** This process (user + system), ms. */
  self: number;
  /** This process's share of `self` up to "Starting kernel" (U-Boot and TFTP), ms. */
  selfToKernel?: number;
  /** Per child command name (e.g. qemu-system-aar, socat), ms since each child started. */
  children: Record<string, number>;
}

export function sampleCpu(): CpuSample {
  const { user, system } = process.cpuUsage();
  const children: Record<string, number> = {};
  for (const pid of childPids()) {
    const stat = readText(`/proc/${pid}/stat`);
    if (!stat) continue;
    // comm is in parentheses and may hold spaces: fields after it are counted from the last ')'.
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    children[name] = (children[name] ?? 0) + (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  }
  return { self: (user + system) / 1000, children };
}

/** Pids of this process's children (to end them if the bench is interrupted). */
export function childPids(): string[] {
  const tasks = readdirSync('/proc/self/task');
  return tasks.flatMap((t) => (readText(`/proc/self/task/${t}/children`) ?? '').split(' ').filter(Boolean));
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Ctrl-C or a timeout must not leave QEMU running: end this process's own children, by pid. */
export function onInterrupt(release: () => Promise<void>): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const pid of childPids()) process.kill(Number(pid), 'SIGKILL');
      void release().finally(() => process.exit(130));
    });
  }
}

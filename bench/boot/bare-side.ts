/**
 * The bare boot, for comparison: qemu-system-aarch64 with QEMU's own TFTP server (user networking)
 * and the UART on stdio, driven by a plain expect loop. No harness module takes part in the boot;
 * the machine options and the U-Boot commands are the harness's, so both sides boot the same system.
 */
import { spawn } from 'node:child_process';
import { QEMU_BINARY, qemuMachineArgs, virtioNicArgs } from '../../harness/power/qemu-machine.ts';
import { sampleCpu, type CpuSample } from './cpu.ts';
import { MilestoneWatcher, type Milestones } from './milestones.ts';

export interface BareBootOptions {
  /** Folder QEMU's TFTP server serves (the staged plan files). */
  tftpDir: string;
  /** Typed at the prompt one by one; the last one (booti) does not come back to it. */
  commands: readonly string[];
  /** Names whose `hil: domain NAME ready` lines end the boot. */
  domains: readonly string[];
  /** For the whole boot. Default 120 s. */
  timeoutMs?: number;
  /** More QEMU options (the TFTP probe adds a packet dump). */
  extraArgs?: readonly string[];
  /** Stop after this many commands instead of booting (the TFTP probe). */
  stopAfter?: number;
  /** Receives every console chunk with its time (ms from QEMU's start). */
  onChunk?: (ms: number, text: string) => void;
}

const PROMPT = /\n=> /;
const READY = /hil: domain (\S+) ready/;

export interface BareBoot {
  /** In ms from QEMU's start. */
  milestones: Milestones;
  /** CPU used by this process during the boot and by QEMU, sampled before QEMU is stopped. */
  cpu: CpuSample;
}

/** Boots once and returns when each milestone showed up. */
export async function bareBoot(o: BareBootOptions): Promise<BareBoot> {
  const cpu0 = sampleCpu();
  const timeoutMs = o.timeoutMs ?? 120000;
  const netdev = `user,id=n0,tftp=${o.tftpDir}`;
  const args = [...qemuMachineArgs(), '-netdev', netdev, ...virtioNicArgs('n0'), '-serial', 'stdio', ...(o.extraArgs ?? [])];
  const t0 = performance.now();
  const qemu = spawn(QEMU_BINARY, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const watcher = new MilestoneWatcher(() => performance.now() - t0);
  let text = '';
  let stderr = '';
  let toKernel: number | undefined;
  let check = () => {};
  let fail: (e: Error) => void = () => {};
  qemu.stdout.on('data', (d: Buffer) => {
    const chunk = d.toString('latin1');
    o.onChunk?.(performance.now() - t0, chunk);
    watcher.feed(chunk);
    if (toKernel === undefined && watcher.seen.startingKernel !== undefined) toKernel = sampleCpu().self - cpu0.self;
    text += chunk;
    check();
  });
  qemu.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  qemu.once('error', (err) => fail(new Error(`bare: cannot run ${QEMU_BINARY}: ${err.message}`)));
  qemu.once('exit', (code) => fail(new Error(`bare: QEMU exited (code ${code}) ${stderr.trim()}`)));
  const timer = setTimeout(() => fail(new Error(`bare: boot not done within ${timeoutMs} ms; console tail: ${JSON.stringify(text.slice(-400))}`)), timeoutMs);

  const waitFor = (re: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      fail = reject;
      check = () => {
        const m = re.exec(text);
        // Keep only a tail while waiting: enough for a match cut by a chunk boundary.
        if (!m) return void (text = text.slice(-256));
        text = text.slice(m.index + m[0].length);
        check = () => {};
        resolve(m);
      };
      check();
    });
  const type = (line: string) => qemu.stdin.write(`${line}\r`);

  try {
    await waitFor(/Hit any key to stop autoboot/);
    qemu.stdin.write(' ');
    await waitFor(PROMPT);
    const count = Math.min(o.stopAfter ?? Infinity, o.commands.length - 1);
    for (const command of o.commands.slice(0, count)) {
      type(command);
      await waitFor(PROMPT);
    }
    if (o.stopAfter === undefined) {
      type(o.commands[o.commands.length - 1]);
      const waiting = new Set(o.domains);
      while (waiting.size) waiting.delete((await waitFor(READY))[1]);
    }
    const cpu = sampleCpu();
    return { milestones: watcher.seen, cpu: { ...cpu, self: cpu.self - cpu0.self, selfToKernel: toKernel } };
  } finally {
    clearTimeout(timer);
    fail = () => {};
    await stop(qemu);
  }
}

async function stop(child: ReturnType<typeof spawn>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(killer);
}

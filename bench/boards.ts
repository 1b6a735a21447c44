/**
 * The two virtual boards side by side, in one run: the two-domus system booted through the harness
 * on the virtual arm64 board (QEMU virt) and on the virtual ZCU102 (QEMU xlnx-zcu102), rounds
 * interleaved so both share the machine's noise. Prints each stage's median from the boot
 * timeline, the TFTP fetches, and the whole power-on → all domUs ready.
 *
 *   npx tsx bench/boards.ts [--rounds 3]
 *
 * Takes both boards' locks while it runs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { qemuVirtArm64 } from '../boards/qemu-virt-arm64.ts';
import { qemuZcu102 } from '../boards/qemu-zcu102.ts';
import { ensureImages } from '../images/recipe.ts';
import { ensureZynqmpFirmware } from '../images/zynqmp/firmware.ts';
import { acquireBoardLock } from '../harness/lab/board-lock.ts';
import type { BoardProfile } from '../harness/lab/board-profile.ts';
import { loadSystemFile } from '../harness/plan/system-file.ts';
import { MARK } from '../harness/report/marks.ts';
import { findSuite } from '../suites/index.ts';
import { onInterrupt } from './boot/cpu.ts';
import { harnessBoot, type HarnessBoot } from './boot/harness-side.ts';

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '3' } } });
const ROUNDS = Number(args.rounds);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error(`--rounds must be a positive integer, got '${args.rounds}'`);
const BOARDS: BoardProfile[] = [qemuVirtArm64, qemuZcu102];
const out = (line: string) => console.log(line);

/** Stages between timeline marks: [label, from, to]; `to` domu-ready means the last domU's. */
const STAGES: Array<[string, string, string]> = [
  ['power-on → U-Boot banner', MARK.powerOn, MARK.ubootBanner],
  ['banner → autoboot stopped', MARK.ubootBanner, MARK.autobootStopped],
  ['autoboot stopped → starting kernel', MARK.autobootStopped, MARK.startingKernel],
  ['starting kernel → Xen banner', MARK.startingKernel, MARK.xenBanner],
  ['Xen banner → Xen init done', MARK.xenBanner, MARK.xenInitDone],
  ['Xen init done → all domUs ready', MARK.xenInitDone, MARK.domuReady],
  ['power-on → all domUs ready', MARK.powerOn, MARK.domuReady],
];

function at(boot: HarnessBoot, mark: string): number {
  const ms = boot.marks.filter((m) => m.mark === mark).map((m) => m.ms);
  if (!ms.length) throw new Error(`the boot left no '${mark}' mark`);
  return mark === MARK.domuReady ? Math.max(...ms) : Math.min(...ms);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function printTable(boots: Map<string, HarnessBoot[]>): void {
  const names = BOARDS.map((b) => b.name);
  out(`${'stage (median)'.padEnd(38)}${names.map((n) => n.padStart(18)).join('')}`);
  for (const [label, from, to] of STAGES) {
    const cells = names.map((n) => sec(median(boots.get(n)!.map((b) => at(b, to) - at(b, from)))).padStart(18));
    out(`${label.padEnd(38)}${cells.join('')}`);
  }
  const files = [...new Set(names.flatMap((n) => boots.get(n)!.flatMap((b) => b.transfers.map((t) => t.file))))];
  for (const file of files) {
    const cells = names.map((n) => {
      const t = boots.get(n)!.flatMap((b) => b.transfers.filter((x) => x.file === file));
      if (!t.length) return '-'.padStart(18);
      const ms = median(t.map((x) => x.ms));
      return `${Math.round(ms)} ms ${(t[0].bytes / 1048576 / (ms / 1000)).toFixed(0)} MiB/s`.padStart(18);
    });
    out(`${`  tftp ${file}`.padEnd(38)}${cells.join('')}`);
  }
}

async function main(): Promise<void> {
  const images = await ensureImages({ log: out });
  await ensureZynqmpFirmware({ log: out });
  const system = loadSystemFile(findSuite('boot')!.system);
  const locks: Array<{ release: () => Promise<void> }> = [];
  const release = async () => {
    for (const lock of locks.splice(0)) await lock.release();
  };
  onInterrupt(release);
  const workDir = await mkdtemp(join(tmpdir(), 'hil-bench-boards-'));
  const boots = new Map<string, HarnessBoot[]>(BOARDS.map((b) => [b.name, []]));
  try {
    for (const b of BOARDS) locks.push(await acquireBoardLock({ board: b.name, wait: true, timeoutMs: 600000, command: 'bench/boards.ts' }));
    for (let i = 1; i <= ROUNDS; i++) {
      const line: string[] = [];
      for (const profile of BOARDS) {
        const boot = await harnessBoot({ system, images, profile, workDir: join(workDir, `${profile.name}-${i}`) });
        boots.get(profile.name)!.push(boot);
        line.push(`${profile.name} ${sec(at(boot, MARK.domuReady))}`);
      }
      out(`round ${i}/${ROUNDS}  power-on → all domUs ready: ${line.join(', ')}`);
    }
    out('');
    printTable(boots);
  } finally {
    await rm(workDir, { recursive: true, force: true });
    await release();
  }
}

await main();

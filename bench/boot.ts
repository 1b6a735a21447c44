/**
 * Boot time through the harness next to the same boot driven by a bare script, in one run:
 * power-on → all domUs ready for the two-domus system on the virtual board, rounds interleaved
 * (harness, bare, harness, bare…) so both sides share the machine's noise.
 *
 *   npx tsx bench/boot.ts [--rounds 3] [--keep] [--boot-mode typed|script]
 *
 * --keep leaves the work folder: per round the harness's console/raw.log and tftp.log, and bare-N.log.
 * Harness: virtual board + BoardSession + BootStrategy + our TFTP server via the virtual LAN.
 * Bare: QEMU's built-in TFTP (user networking), UART on stdio, a plain expect loop (bench/boot/bare-side.ts).
 * Both boot the same staged files with the same U-Boot commands. Takes the board lock while it runs.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { qemuVirtArm64 } from '../boards/qemu-virt-arm64.ts';
import { ensureImages, type ImageSet } from '../images/recipe.ts';
import { acquireBoardLock } from '../harness/lab/board-lock.ts';
import { createVirtualBoard } from '../harness/lab/virtual-board.ts';
import { loadSystemFile, type SystemSpec } from '../harness/plan/system-file.ts';
import { NETWORK_STAGE } from '../harness/plan/boot-steps.ts';
import { planCommands, type BootPlan } from '../harness/plan/uboot-commands.ts';
import { MARK } from '../harness/report/marks.ts';
import { prepareBoot, type BootMode } from '../harness/run/run-board.ts';
import { findSuite } from '../suites/index.ts';
import { bareBoot, type BareBoot } from './boot/bare-side.ts';
import { type CpuSample, onInterrupt } from './boot/cpu.ts';
import { harnessBoot, type HarnessBoot } from './boot/harness-side.ts';
import { stageTimes } from './boot/milestones.ts';
import { probeSlirpTftp } from './boot/slirp-probe.ts';
import { median, printCpu, printHeadline, printStages, type SideRun } from './boot/summary.ts';

const { values: args } = parseArgs({
  options: { rounds: { type: 'string', default: '3' }, keep: { type: 'boolean', default: false }, 'boot-mode': { type: 'string', default: 'typed' } },
});
const BOOT_MODE = args['boot-mode'] as BootMode;
if (BOOT_MODE !== 'typed' && BOOT_MODE !== 'script') throw new Error(`--boot-mode must be typed or script, got '${BOOT_MODE}'`);
const ROUNDS = Number(args.rounds);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error(`--rounds must be a positive integer, got '${args.rounds}'`);
const out = (line: string) => console.log(line);
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** The plan and its staged files once, for the bare side (the harness side opens its own session each round). */
async function prepare(workDir: string, tftpRoot: string): Promise<{ plan: BootPlan; system: SystemSpec; images: ImageSet }> {
  const images = await ensureImages({ log: out });
  const system = loadSystemFile(findSuite('boot')!.system);
  const board = await createVirtualBoard({ stateDir: join(workDir, 'prepare') });
  try {
    const plan = await prepareBoot({ board, images, reportDir: join(workDir, 'prepare'), log: out }, system, tftpRoot);
    return { plan, system, images };
  } finally {
    await board.dispose?.();
  }
}

function fromHarness(h: HarnessBoot, counts: Counts): SideRun {
  const ready = h.marks.filter((m) => m.mark === MARK.domuReady).map((m) => m.ms);
  const kernel = h.marks.find((m) => m.mark === MARK.startingKernel)?.ms;
  if (!ready.length || kernel === undefined) throw new Error(`harness boot left no ${MARK.domuReady}/${MARK.startingKernel} marks`);
  return { total: Math.max(...ready), toKernel: kernel, stages: stageTimes(h.milestones, counts), cpu: h.cpu };
}

function fromBare(b: BareBoot, counts: Counts): SideRun {
  const m = b.milestones;
  if (m.startingKernel === undefined) throw new Error('bare boot: no "Starting kernel" seen');
  return { total: Math.max(...Object.values(m.ready)), toKernel: m.startingKernel, stages: stageTimes(m, counts), cpu: b.cpu };
}

/** "node 1.20 s, qemu 30.10 s, socat 0.30 s" (tsx's esbuild left out) */
function cpuText(c: CpuSample | undefined): string {
  if (!c) return '';
  const children = Object.entries(c.children).filter(([name]) => name !== 'esbuild');
  return [['node', c.self] as const, ...children].map(([name, ms]) => `${name.replace(/^qemu-system-aar$/, 'qemu')} ${s(ms)}`).join(', ');
}

interface Counts {
  network: number;
  tftp: number;
  fdt: number;
}

async function main(): Promise<void> {
  const started = performance.now();
  const lock = await acquireBoardLock({ board: qemuVirtArm64.name, wait: true, timeoutMs: 600000, command: 'bench/boot.ts' });
  const workDir = await mkdtemp(join(tmpdir(), 'hil-bench-boot-'));
  onInterrupt(() => lock.release());
  try {
    const tftpRoot = join(workDir, 'tftp');
    const { plan, system, images } = await prepare(workDir, tftpRoot);
    const commands = planCommands(plan);
    const network = plan.steps.filter((s) => s.stage === NETWORK_STAGE).length;
    const counts: Counts = { network, tftp: plan.files.length, fdt: commands.length - network - plan.files.length - 1 };
    const domains = plan.domains.map((d) => d.name);
    out(`system two-domus (${domains.join(', ')}); ${commands.length} U-Boot commands, the harness's ${BOOT_MODE === 'script' ? 'sourced as one script' : 'typed'}; files ${plan.files.map((f) => `${f.tftpName} ${(f.size / 1048576).toFixed(1)} MiB`).join(', ')}`);

    const n = await probeSlirpTftp({ tftpDir: tftpRoot, commands, workDir });
    out(`bare TFTP (QEMU user net): U-Boot asked ${JSON.stringify(n.requested)}; QEMU accepted ${n.accepted ? JSON.stringify(n.accepted) : 'nothing (no OACK)'}; DATA ${n.dataBytes} B, at most ${n.maxInFlight} in flight per ACK`);

    const harness: SideRun[] = [];
    const bare: SideRun[] = [];
    const transfers: HarnessBoot['transfers'][] = [];
    for (let i = 1; i <= ROUNDS; i++) {
      const h = await harnessBoot({ system, images, workDir: join(workDir, `harness-${i}`), bootMode: BOOT_MODE });
      harness.push(fromHarness(h, counts));
      transfers.push(h.transfers);
      const chunks: string[] = [];
      const onChunk = args.keep ? (ms: number, text: string) => chunks.push(`[${(ms / 1000).toFixed(3)}] ${JSON.stringify(text)}`) : undefined;
      bare.push(fromBare(await bareBoot({ tftpDir: tftpRoot, commands, domains, onChunk }), counts));
      if (args.keep) await writeFile(join(workDir, `bare-${i}.log`), chunks.join('\n'));
      const [hr, br] = [harness[i - 1], bare[i - 1]];
      out(`round ${i}/${ROUNDS}  harness ${s(hr.total)} (kernel at ${s(hr.toKernel)})   bare ${s(br.total)} (kernel at ${s(br.toKernel)})   ratio ${(hr.total / br.total).toFixed(3)}`);
      out(`           CPU harness: ${cpuText(hr.cpu)}; bare: ${cpuText(br.cpu)}`);
    }
    out('');
    printHeadline(harness, bare, out);
    printCpu(harness, bare, out);
    out('');
    printStages(harness, bare, plan.files.map((f) => f.tftpName), counts.fdt, out);
    out('');
    for (const f of plan.files) {
      const t = transfers.flatMap((r) => r.filter((x) => x.file === f.tftpName));
      if (!t.length) continue;
      const ms = Math.round(median(t.map((x) => x.ms)));
      out(`harness TFTP server: ${f.tftpName} ${ms} ms median (${(f.size / 1048576 / (ms / 1000)).toFixed(1)} MiB/s), blksize ${t[0].blksize}, window ${t[0].windowsize}, retransmits ${t.map((x) => x.retransmits ?? 0).join('/')}`);
    }
    out(`bench took ${s(performance.now() - started)}${args.keep ? `; files in ${workDir}` : ''}`);
  } finally {
    if (!args.keep) await rm(workDir, { recursive: true, force: true });
    await lock.release();
  }
}

await main();

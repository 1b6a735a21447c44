/** The bench's tables: headline figures with the harness/bare ratio, then where the time went. */
import type { CpuSample } from './cpu.ts';
import type { StageTimes } from './milestones.ts';

/** One boot of one side, in ms from power-on. */
export interface SideRun {
  /** power-on → last readiness line */
  total: number;
  /** power-on → "Starting kernel" */
  toKernel: number;
  stages?: StageTimes;
  cpu?: CpuSample;
}

export const TARGET_RATIO = 1.05;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const min = (xs: number[]) => Math.min(...xs);
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`.padStart(9);
const milli = (ms: number) => `${Math.round(ms)} ms`.padStart(9);

/** The headline table and the verdict; returns whether the target is met (median ratio). */
export function printHeadline(harness: SideRun[], bare: SideRun[], out: (line: string) => void): boolean {
  const rows: Array<[string, (r: SideRun) => number]> = [
    ['power-on → all domUs ready', (r) => r.total],
    ['power-on → starting kernel', (r) => r.toKernel],
    ['starting kernel → all ready', (r) => r.total - r.toKernel],
  ];
  out(`${''.padEnd(30)}${'harness median'.padStart(15)}${'min'.padStart(10)}${'bare median'.padStart(13)}${'min'.padStart(10)}   ratio median  min`);
  for (const [label, pick] of rows) {
    const h = harness.map(pick);
    const b = bare.map(pick);
    const ratio = (f: (xs: number[]) => number) => (f(h) / f(b)).toFixed(3);
    out(`${label.padEnd(30)}${sec(median(h)).padStart(15)}${sec(min(h)).padStart(10)}${sec(median(b)).padStart(13)}${sec(min(b)).padStart(10)}   ${ratio(median).padStart(6)}  ${ratio(min)}`);
  }
  const ratio = median(harness.map((r) => r.total)) / median(bare.map((r) => r.total));
  const met = ratio <= TARGET_RATIO;
  const pct = ((ratio - 1) * 100).toFixed(1);
  out(`target (harness within ${Math.round((TARGET_RATIO - 1) * 100)} % of bare, medians of power-on → all ready): ${met ? 'MET' : 'NOT MET'} (harness ${pct} % ${ratio >= 1 ? 'slower' : 'faster'})`);
  return met;
}

/** Median length of each stage, both sides, with the difference. */
export function printStages(harness: SideRun[], bare: SideRun[], tftpNames: string[], fdtCount: number, out: (line: string) => void): void {
  const hs = harness.flatMap((r) => (r.stages ? [r.stages] : []));
  const bs = bare.flatMap((r) => (r.stages ? [r.stages] : []));
  if (!hs.length || !bs.length) return out('stage breakdown unavailable (console milestones missing)');
  const rows: Array<[string, (s: StageTimes) => number]> = [
    ['power-on → U-Boot banner', (s) => s.firmware],
    ['banner → prompt (autoboot)', (s) => s.autoboot],
    ['network setenv commands', (s) => s.network],
    ...tftpNames.map((name, i): [string, (s: StageTimes) => number] => [`tftpb ${name}`, (s) => s.tftp[i]]),
    [`fdt commands (${fdtCount})`, (s) => s.fdt],
    ['booti → "Starting kernel"', (s) => s.booti],
    ['"Starting kernel" → Xen banner', (s) => s.xen],
    ['Xen banner → all domUs ready', (s) => s.domus],
  ];
  out(`${'stage (prompt to prompt, medians)'.padEnd(34)}${'harness'.padStart(9)}${'bare'.padStart(10)}${'harness − bare'.padStart(16)}`);
  for (const [label, pick] of rows) {
    const h = median(hs.map(pick));
    const b = median(bs.map(pick));
    out(`${label.padEnd(34)}${milli(h)}${milli(b).padStart(10)}${milli(h - b).padStart(16)}`);
  }
}

/** Median CPU per boot: this process (the harness itself, or the bare expect loop), QEMU and socat. */
export function printCpu(harness: SideRun[], bare: SideRun[], out: (line: string) => void): void {
  const side = (runs: SideRun[]) => {
    const cpu = runs.flatMap((r) => (r.cpu ? [r.cpu] : []));
    const of = (pick: (c: CpuSample) => number | undefined) => median(cpu.map((c) => pick(c) ?? 0)) / 1000;
    const socat = of((c) => c.children.socat);
    const node = `node ${of((c) => c.self).toFixed(2)} s (${of((c) => c.selfToKernel).toFixed(2)} s of it before "Starting kernel")`;
    return `${node}, qemu ${of((c) => c.children['qemu-system-aar']).toFixed(2)} s${socat ? `, socat ${socat.toFixed(2)} s` : ''}`;
  };
  out(`CPU per boot (medians, power-on to all ready): harness ${side(harness)}; bare ${side(bare)}`);
}

export { median, min };

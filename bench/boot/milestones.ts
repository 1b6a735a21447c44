/**
 * When the boot's milestones showed up on a console stream, in ms from power-on. Both sides of
 * bench/boot feed their console text through this, so their stage breakdowns are measured alike.
 */
export interface Milestones {
  banner?: number;
  autoboot?: number;
  /** Every U-Boot prompt ("=> " at the start of a line), in order. */
  prompts: number[];
  startingKernel?: number;
  xenBanner?: number;
  /** Readiness line per domain name. */
  ready: Record<string, number>;
}

const EVENTS = /U-Boot 20\d\d|Hit any key to stop autoboot|\n=> |Starting kernel|Xen version|hil: domain (\S+) ready/g;
/** Longer than any event: a match cut by a chunk boundary is still whole in the kept tail. */
const TAIL = 64;

export class MilestoneWatcher {
  readonly seen: Milestones = { prompts: [], ready: {} };
  private text = '';

  constructor(private readonly now: () => number) {}

  feed(chunk: string): void {
    const at = this.now();
    this.text += chunk;
    EVENTS.lastIndex = 0;
    let scanned = 0;
    for (let m = EVENTS.exec(this.text); m; m = EVENTS.exec(this.text)) {
      this.record(m, at);
      scanned = EVENTS.lastIndex;
    }
    this.text = this.text.slice(Math.max(scanned, this.text.length - TAIL));
  }

  private record(m: RegExpExecArray, at: number): void {
    const s = this.seen;
    const e = m[0];
    if (e.startsWith('U-Boot')) s.banner ??= at;
    else if (e.startsWith('Hit any key')) s.autoboot ??= at;
    else if (e === '\n=> ') s.prompts.push(at);
    else if (e === 'Starting kernel') s.startingKernel ??= at;
    else if (e === 'Xen version') s.xenBanner ??= at;
    else if (m[1]) s.ready[m[1]] ??= at;
  }
}

/** Stage lengths (ms) from milestones; the command prompts are counted back from the last one. */
export interface StageTimes {
  /** power-on → U-Boot banner */
  firmware: number;
  /** banner → first prompt (autoboot countdown stopped) */
  autoboot: number;
  /** first prompt → prompt after the network setup commands */
  network: number;
  /** one per tftpb command, prompt to prompt */
  tftp: number[];
  /** the device-tree commands, prompt to prompt */
  fdt: number;
  /** last prompt → "Starting kernel" (booti typed and run) */
  booti: number;
  /** "Starting kernel" → Xen banner */
  xen: number;
  /** Xen banner → last readiness line */
  domus: number;
}

export function stageTimes(s: Milestones, counts: { network: number; tftp: number; fdt: number }): StageTimes | undefined {
  const p = s.prompts;
  const readyAt = Math.max(...Object.values(s.ready));
  const need = counts.network + counts.tftp + counts.fdt + 1;
  if (p.length < need || s.banner === undefined || s.startingKernel === undefined || s.xenBanner === undefined) return undefined;
  const last = p.length - 1;
  const fdtStart = last - counts.fdt;
  const tftpStart = fdtStart - counts.tftp;
  const first = tftpStart - counts.network;
  return {
    firmware: s.banner,
    autoboot: p[first] - s.banner,
    network: p[tftpStart] - p[first],
    tftp: Array.from({ length: counts.tftp }, (_, i) => p[tftpStart + i + 1] - p[tftpStart + i]),
    fdt: p[last] - p[fdtStart],
    booti: s.startingKernel - p[last],
    xen: s.xenBanner - s.startingKernel,
    domus: readyAt - s.xenBanner,
  };
}

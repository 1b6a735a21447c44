import { domainTimes } from './boot-figures.ts';
import { duration, mibPerSecond, seconds, size } from './format.ts';
import { TFTP_MARK_PREFIX } from './marks.ts';
import type { RunRecord, TimelineMark, TransferRecord } from './record.ts';

export type Tone = 'uboot' | 'tftp' | 'xen' | 'domain' | 'other' | 'failed';

export interface Bar {
  startMs: number;
  endMs: number;
  /** Short text drawn on or beside the bar. */
  label: string;
  tone: Tone;
  /** Hover text. */
  title: string;
  /** The TFTP file a bar stands for. */
  file?: string;
}

export interface Point {
  ms: number;
  label: string;
}

export interface Row {
  label: string;
  sublabel?: string;
  bars: Bar[];
  points: Point[];
}

export interface TimelineRows {
  rows: Row[];
  /** Transfers with no `tftp:<file>` mark: their start is unknown, so they are not drawn. */
  unplaced: TransferRecord[];
}

/** Marks that belong to a boot stage row, by name. */
const STAGES: { label: string; tone: Tone; test: RegExp }[] = [
  { label: 'U-Boot', tone: 'uboot', test: /^(power|uboot|autoboot|starting-kernel)/ },
  { label: 'Xen', tone: 'xen', test: /^xen/ },
];

/**
 * The chart's rows, sorted by when they start: a stage row per boot stage (bar from its first to
 * its last mark), one row per TFTP transfer (bar from its `tftp:<file>` mark for its duration),
 * one row per domU (loaded → ready) and an `Other` row for marks no rule claims.
 */
export function timelineRows(record: RunRecord): TimelineRows {
  const used = new Set<TimelineMark>();
  const rows: Row[] = [];
  for (const stage of STAGES) {
    const marks = record.timeline.filter((m) => !m.domain && stage.test.test(m.mark));
    marks.forEach((m) => used.add(m));
    if (marks.length > 0) rows.push(spanRow(stage.label, stage.tone, marks));
  }
  const tftp = tftpRows(record, used);
  rows.push(...tftp.rows);
  for (const d of domainTimes(record)) {
    const marks = record.timeline.filter((m) => m.domain === d.name);
    marks.forEach((m) => used.add(m));
    const known = d.readyMs !== undefined && !marks.some((m) => m.ms === d.readyMs);
    const all = known ? [...marks, { mark: 'ready', ms: d.readyMs!, domain: d.name }] : marks;
    const sublabel = [d.domid === undefined ? '' : `domid ${d.domid}`, d.readyMs === undefined ? 'not ready' : ''];
    if (all.length > 0) rows.push(spanRow(d.name, 'domain', all, sublabel.filter(Boolean).join(' · ') || undefined));
  }
  const rest = record.timeline.filter((m) => !used.has(m));
  if (rest.length > 0) rows.push({ label: 'Other', bars: [], points: rest.map(point) });
  rows.sort((a, b) => firstMs(a) - firstMs(b));
  return { rows, unplaced: tftp.unplaced };
}

function spanRow(label: string, tone: Tone, marks: TimelineMark[], sublabel?: string): Row {
  const ms = marks.map((m) => m.ms);
  const [start, end] = [Math.min(...ms), Math.max(...ms)];
  const bars =
    end > start ? [{ startMs: start, endMs: end, tone, label: seconds(end - start), title: `${label}: ${seconds(start)} → ${seconds(end)}` }] : [];
  return { label, sublabel, bars, points: marks.map(point) };
}

const point = (m: TimelineMark): Point => ({ ms: m.ms, label: `${m.mark} ${seconds(m.ms)}` });

/** Pairs the n-th transfer of a file with the n-th `tftp:<file>` mark (basename also matches). */
function tftpRows(record: RunRecord, used: Set<TimelineMark>): { rows: Row[]; unplaced: TransferRecord[] } {
  const marks = record.timeline.filter((m) => m.mark.startsWith(TFTP_MARK_PREFIX));
  const rows: Row[] = [];
  const unplaced: TransferRecord[] = [];
  for (const t of record.tftp) {
    const names = [t.file, t.file.split('/').pop()];
    const mark = marks.find((m) => !used.has(m) && names.includes(m.mark.slice(TFTP_MARK_PREFIX.length)));
    if (!mark) {
      unplaced.push(t);
      continue;
    }
    used.add(mark);
    const rate = mibPerSecond(t.bytes, t.ms);
    const failed = t.ok === false || t.error !== undefined;
    const label = [size(t.bytes), duration(t.ms), rate === undefined ? '' : `${rate.toFixed(1)} MiB/s`, failed ? 'FAILED' : '']
      .filter(Boolean)
      .join(' · ');
    const title = `TFTP ${t.file}: ${seconds(mark.ms)} → ${seconds(mark.ms + t.ms)}, ${label}${t.error ? ` (${t.error})` : ''}`;
    const bar: Bar = { startMs: mark.ms, endMs: mark.ms + t.ms, tone: failed ? 'failed' : 'tftp', label, title, file: t.file };
    rows.push({ label: `TFTP ${t.file}`, bars: [bar], points: [] });
  }
  return { rows, unplaced };
}

const firstMs = (row: Row): number => Math.min(...row.bars.map((b) => b.startMs), ...row.points.map((p) => p.ms));

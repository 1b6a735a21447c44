import { escapeAttr, escapeText } from './escape.ts';
import type { Bar, Point, Row, Tone } from './timeline-rows.ts';

/** Chart geometry in SVG user units; the SVG scales to the page width. */
const W = 1180;
const GUTTER = 210;
const RIGHT = 24;
const PLOT = W - GUTTER - RIGHT;
const AXIS = 26;
const BAR_H = 16;
const LANE_H = 15;
/** Rough width of a character at 12 px; labels are placed by it, so it errs wide. */
const CHAR_W = 6.9;
const STEPS = [100, 200, 250, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000];

const FILL: Record<Tone, string> = {
  uboot: '#6366f1',
  tftp: '#0ea5e9',
  xen: '#f59e0b',
  domain: '#10b981',
  other: '#6b7280',
  failed: '#dc2626',
};

/** Draws rows on one axis of ms from power-on; ticks read in seconds. */
export function renderTimelineSvg(rows: Row[]): string {
  const maxMs = Math.max(0, ...rows.flatMap((r) => [...r.bars.map((b) => b.endMs), ...r.points.map((p) => p.ms)]));
  const step = STEPS.find((s) => maxMs / s <= 14) ?? STEPS[STEPS.length - 1]!;
  const axisMax = Math.max(step, Math.ceil(maxMs / step) * step);
  const x = (ms: number) => GUTTER + (ms / axisMax) * PLOT;
  let y = AXIS;
  const stripes: string[] = [];
  const body: string[] = [];
  rows.forEach((row, i) => {
    const drawn = drawRow(row, y, x);
    if (i % 2 === 0) stripes.push(`<rect x="0" y="${y}" width="${W}" height="${drawn.height}" fill="#f8fafc"/>`);
    body.push(drawn.svg);
    y += drawn.height;
  });
  const height = y + AXIS;
  const ticks: string[] = [];
  for (let ms = 0; ms <= axisMax; ms += step) {
    const label = `${+(ms / 1000).toFixed(2)} s`;
    ticks.push(
      `<line x1="${r(x(ms))}" y1="${AXIS - 4}" x2="${r(x(ms))}" y2="${y + 4}" stroke="#e2e8f0"/>`,
      `<text x="${r(x(ms))}" y="${AXIS - 9}" text-anchor="middle" fill="#64748b">${label}</text>`,
      `<text x="${r(x(ms))}" y="${y + 18}" text-anchor="middle" fill="#64748b">${label}</text>`,
    );
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 ${W} ${height}" width="100%" role="img"`,
    ` aria-label="Boot timeline, milliseconds from power-on" font-family="system-ui, sans-serif" font-size="12">`,
    ...stripes,
    ...ticks,
    ...body,
    `<text x="12" y="${y + 18}" fill="#94a3b8" font-size="11">time from power-on</text>`,
    '</svg>',
  ].join('\n');
}

function drawRow(row: Row, top: number, x: (ms: number) => number): { svg: string; height: number } {
  const mid = top + 8 + BAR_H / 2;
  const lanes = placeLabels(row.points, x);
  const laneCount = Math.max(0, ...lanes.map((l) => l.lane + 1));
  const height = Math.max(row.sublabel ? 44 : 34, 8 + BAR_H + 6 + laneCount * LANE_H);
  const parts = [
    `<text x="12" y="${top + 21}" font-weight="600" fill="#0f172a">${escapeText(clip(row.label, 28))}</text>`,
    row.sublabel ? `<text x="12" y="${top + 36}" fill="#64748b" font-size="11">${escapeText(row.sublabel)}</text>` : '',
    ...row.bars.map((b) => drawBar(b, top + 8, x)),
    ...row.points.map((p) => diamond(x(p.ms), mid)),
    ...lanes.map((l) => {
      const ly = top + 8 + BAR_H + 4 + (l.lane + 1) * LANE_H - 3;
      return `<text x="${r(l.x)}" y="${ly}" text-anchor="${l.anchor}" fill="#334155" font-size="11">${escapeText(l.text)}</text>`;
    }),
  ];
  return { svg: parts.filter(Boolean).join('\n'), height };
}

function drawBar(b: Bar, y: number, x: (ms: number) => number): string {
  const [x0, x1] = [x(b.startMs), Math.max(x(b.endMs), x(b.startMs) + 2)];
  const tw = b.label.length * CHAR_W;
  const file = b.file === undefined ? '' : ` data-file="${escapeAttr(b.file)}"`;
  const rect = `<rect class="bar ${b.tone}"${file} x="${r(x0)}" y="${y}" width="${r(x1 - x0)}" height="${BAR_H}" rx="3" fill="${FILL[b.tone]}"><title>${escapeText(b.title)}</title></rect>`;
  const text = escapeText(b.label);
  const ty = y + BAR_H - 4;
  if (x1 - x0 >= tw + 30) {
    return `${rect}\n<text x="${r((x0 + x1) / 2)}" y="${ty}" text-anchor="middle" fill="#fff" font-weight="600">${text}</text>`;
  }
  if (x1 + 6 + tw <= W - 4) return `${rect}\n<text x="${r(x1 + 6)}" y="${ty}" fill="#0f172a">${text}</text>`;
  return `${rect}\n<text x="${r(x0 - 6)}" y="${ty}" text-anchor="end" fill="#0f172a">${text}</text>`;
}

const diamond = (cx: number, cy: number): string =>
  `<path d="M${r(cx)} ${cy - 6}l6 6l-6 6l-6 -6z" fill="#0f172a" stroke="#fff" stroke-width="1.5"/>`;

interface PlacedLabel {
  text: string;
  x: number;
  anchor: 'start' | 'end';
  lane: number;
}

/** Greedy: each label (in time order) goes to the first lane where it does not overlap. */
function placeLabels(points: Point[], x: (ms: number) => number): PlacedLabel[] {
  const laneEnds: number[] = [];
  return [...points]
    .sort((a, b) => a.ms - b.ms)
    .map((p) => {
      const width = p.label.length * CHAR_W * (11 / 12);
      const px = x(p.ms);
      const anchor = px - 4 + width > W - 4 ? 'end' : 'start';
      const [from, to] = anchor === 'start' ? [px - 4, px - 4 + width] : [px + 4 - width, px + 4];
      let lane = laneEnds.findIndex((end) => end + 10 <= from);
      if (lane === -1) lane = laneEnds.push(to) - 1;
      else laneEnds[lane] = to;
      return { text: p.label, x: anchor === 'start' ? px - 4 : px + 4, anchor, lane };
    });
}

const r = (n: number): string => (Math.round(n * 10) / 10).toString();
const clip = (s: string, n: number): string => (s.length > n ? s.slice(0, n - 1) + '…' : s);

/** Number and time formatting for the report: one spelling of seconds, sizes and rates. */

const MiB = 1024 * 1024;

/** Milliseconds as seconds with two decimals: `3.40 s`. */
export const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/** A duration for people: `850 ms`, `12.3 s`, `2 min 03 s`. */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/** A byte count: `812 B`, `20.0 KiB`, `27.0 MiB`. */
export function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < MiB) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / MiB).toFixed(1)} MiB`;
}

/** Throughput in MiB/s, or undefined when the time is zero or missing. */
export function mibPerSecond(bytes: number, ms: number): number | undefined {
  return ms > 0 ? bytes / MiB / (ms / 1000) : undefined;
}

/** Wall time of a run from its ISO stamps, or undefined when either stamp does not parse. */
export function runDurationMs(startedAt: string, finishedAt: string): number | undefined {
  const ms = Date.parse(finishedAt) - Date.parse(startedAt);
  return Number.isFinite(ms) ? ms : undefined;
}

/** An ISO stamp as `2025-05-01 10:00:00 UTC`; the input unchanged when it does not parse. */
export function utcStamp(iso: string): string {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? new Date(t).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC') : iso;
}

/** The first non-empty line of a message, clipped to `max` characters. */
export function firstLine(text: string, max = 140): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.length > max ? line.slice(0, max - 1) + '…' : line;
}

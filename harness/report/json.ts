import type { RunRecord } from './record.ts';

/**
 * report.json: the record, pretty-printed with object keys sorted at every depth (array order is
 * kept), so two runs diff cleanly whatever order the harness filled the record in.
 */
export function renderJson(record: RunRecord): string {
  return JSON.stringify(record, sortedKeys, 2) + '\n';
}

function sortedKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries);
}

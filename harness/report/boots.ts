import type { RunRecord } from './record.ts';

/**
 * A run that boots several systems (suites with different system files) has one power-on per boot:
 * each boot's marks, transfers and domains are shown on their own, as a record of that boot alone.
 */
export function bootsOf(record: RunRecord): Array<{ boot?: string; record: RunRecord }> {
  const names = [...new Set([...record.timeline, ...record.tftp, ...record.domains].map((x) => x.boot))];
  if (names.length <= 1) return [{ boot: names[0], record }];
  return names.map((boot) => ({
    boot,
    record: {
      ...record,
      timeline: record.timeline.filter((m) => m.boot === boot),
      tftp: record.tftp.filter((t) => t.boot === boot),
      domains: record.domains.filter((d) => d.boot === boot),
    },
  }));
}

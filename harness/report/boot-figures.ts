import { MARK } from './marks.ts';
import type { RunRecord } from './record.ts';

/** When one domU was loaded and became ready, in ms from power-on. */
export interface DomainTimes {
  name: string;
  domid?: number;
  loadedMs?: number;
  readyMs?: number;
}

/**
 * Every domU the run knows of (from `domains`, then any only named by a mark), with its load and
 * ready times. `DomainRecord.readyMs` wins over a `domu-ready` mark.
 */
export function domainTimes(record: RunRecord): DomainTimes[] {
  const markFor = (name: string, mark: string) =>
    record.timeline.find((m) => m.domain === name && m.mark === mark)?.ms;
  const names = [...record.domains.map((d) => d.name), ...record.timeline.flatMap((m) => (m.domain ? [m.domain] : []))];
  return [...new Set(names)].map((name) => {
    const known = record.domains.find((d) => d.name === name);
    return {
      name,
      domid: known?.domid,
      loadedMs: markFor(name, MARK.domuLoaded),
      readyMs: known?.readyMs ?? markFor(name, MARK.domuReady),
    };
  });
}

/** Power-on → the last domU ready, or undefined when there are no domUs or one never got ready. */
export function allDomainsReadyMs(domains: DomainTimes[]): number | undefined {
  if (domains.length === 0 || domains.some((d) => d.readyMs === undefined)) return undefined;
  return Math.max(...domains.map((d) => d.readyMs!));
}

/** Tests by state, in the order people read them. */
export function testCounts(record: RunRecord): { passed: number; failed: number; pending: number } {
  const count = (state: string) => record.tests.filter((t) => t.state === state).length;
  return { passed: count('passed'), failed: count('failed'), pending: count('pending') };
}

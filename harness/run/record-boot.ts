import type { RunRecord } from '../report/record.ts';
import type { BoardSession } from './board-session.ts';

/** Adds what a board session measured (timeline, transfers, domains) to the run's record. */
export function recordBoot(session: BoardSession, record: RunRecord, boot: string): void {
  const names = new Map(session.xen.domains.map((d) => [`d${d.domid}`, d.name ?? `d${d.domid}`]));
  for (const mark of session.clock.marks) {
    record.timeline.push(mark.domain ? { boot, ...mark, domain: names.get(mark.domain) ?? mark.domain } : { boot, ...mark });
  }
  record.timeline.sort((a, b) => a.ms - b.ms);
  record.tftp.push(...session.transfers.map((t) => ({ boot, ...t })));
  for (const d of session.xen.domains) {
    record.domains.push({ boot, domid: d.domid, name: d.name ?? `d${d.domid}`, vcpus: d.vcpus, memoryKb: d.memoryKb, readyMs: d.readyMs });
  }
}

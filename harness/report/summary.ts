import { join, resolve } from 'node:path';
import { allDomainsReadyMs, domainTimes, testCounts } from './boot-figures.ts';
import { bootsOf } from './boots.ts';
import { firstLine, seconds } from './format.ts';
import type { RunRecord } from './record.ts';

/** Failed tests listed by name in the summary before it says "and N more". */
const MAX_LISTED = 5;

/**
 * The lines the CLI prints when a run ends: verdict and counts, why the run stopped, failed
 * tests, boot figures and where index.html is. No trailing newline.
 */
export function renderSummary(record: RunRecord, reportDir: string): string {
  const c = testCounts(record);
  const lines = [
    `${record.passed ? 'PASS' : 'FAIL'}  ${record.board} · ${record.system}  ` +
      `${c.passed} passed, ${c.failed} failed, ${c.pending} pending`,
  ];
  if (record.images) lines.push(`  images: ${record.images}`);
  if (record.failure) lines.push(`  run stopped in stage ${record.failure.stage}: ${firstLine(record.failure.message)}`);
  const failed = record.tests.filter((t) => t.state === 'failed');
  for (const t of failed.slice(0, MAX_LISTED)) lines.push(`  ✗ ${t.suite} › ${t.title}`);
  if (failed.length > MAX_LISTED) lines.push(`  … and ${failed.length - MAX_LISTED} more failed`);
  for (const { boot, record: one } of bootsOf(record)) {
    const domains = domainTimes(one);
    if (domains.length === 0) continue;
    const all = allDomainsReadyMs(domains);
    const each = domains.map((d) => `${d.name} ${d.readyMs === undefined ? 'not ready' : seconds(d.readyMs)}`).join(', ');
    lines.push(`  boot${boot ? ` ${boot}` : ''}: power-on → all ${domains.length} domUs ready ${all === undefined ? 'never' : seconds(all)} (${each})`);
  }
  lines.push(`  report: ${join(resolve(reportDir), 'index.html')}`);
  return lines.join('\n');
}

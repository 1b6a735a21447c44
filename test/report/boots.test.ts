import assert from 'node:assert/strict';
import { bootsOf } from '../../harness/report/boots.ts';
import { renderHtml } from '../../harness/report/html.ts';
import type { RunRecord } from '../../harness/report/record.ts';
import { renderSummary } from '../../harness/report/summary.ts';
import { sampleRun } from './samples.ts';

/** The sample run booted twice: once as "two-domus", once as "pv" with other domains. */
function twoBoots(): RunRecord {
  const first = sampleRun();
  const tag = <T extends object>(items: T[], boot: string) => items.map((x) => ({ ...x, boot }));
  return {
    ...first,
    timeline: [...tag(first.timeline, 'two-domus'), ...tag(first.timeline, 'pv').map((m) => (m.domain ? { ...m, domain: `pv-${m.domain}` } : m))],
    tftp: [...tag(first.tftp, 'two-domus'), ...tag(first.tftp, 'pv')],
    domains: [...tag(first.domains, 'two-domus'), ...tag(first.domains, 'pv').map((d) => ({ ...d, name: `pv-${d.name}` }))],
  };
}

describe('a run with several boots', function () {
  it('splits marks, transfers and domains by boot', function () {
    const boots = bootsOf(twoBoots());
    assert.deepEqual(boots.map((b) => b.boot), ['two-domus', 'pv']);
    for (const b of boots) {
      assert.ok(b.record.timeline.every((m) => m.boot === b.boot));
      assert.equal(b.record.tftp.length, sampleRun().tftp.length);
      assert.equal(b.record.domains.length, sampleRun().domains.length);
    }
  });

  it('keeps a single boot (or an old record without boot names) whole', function () {
    const one = sampleRun();
    assert.deepEqual(bootsOf(one), [{ boot: undefined, record: one }]);
  });

  it('gives each boot its own summary line and its own timeline chart', function () {
    const record = twoBoots();
    const summary = renderSummary(record, '/tmp/r');
    assert.match(summary, /boot two-domus: power-on → all 2 domUs ready/);
    assert.match(summary, /boot pv: power-on → all 2 domUs ready .*pv-alpha/);
    const page = renderHtml(record, { consoleFiles: [] });
    assert.equal(page.match(/<svg/g)?.length, 2);
    assert.match(page, /<h3>two-domus<\/h3>[\s\S]*<h3>pv<\/h3>/);
  });
});

import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import type { RunRecord } from '../../harness/report/record.ts';
import { renderSummary } from '../../harness/report/summary.ts';
import { sampleBootFailure, sampleRun } from './samples.ts';

describe('renderSummary', () => {
  it('gives verdict, counts, failed tests, boot figures and the report path', () => {
    const lines = renderSummary(sampleRun(), 'reports/run-1').split('\n');
    assert.deepEqual(lines, [
      'FAIL  qemu-virt-arm64 · dom0less-2dom  4 passed, 1 failed, 1 pending',
      '  ✗ domains › beta answers "ip link" with <eth0> up',
      '  boot: power-on → all 2 domUs ready 12.00 s (alpha 10.80 s, beta 12.00 s)',
      `  report: ${join(resolve('reports/run-1'), 'index.html')}`,
    ]);
  });

  it('names the stage and first line of a run failure, and domUs that never got ready', () => {
    const text = renderSummary(sampleBootFailure(), '/tmp/r');
    assert.match(text, /^FAIL .* 0 passed, 0 failed, 0 pending$/m);
    assert.match(text, /^ {2}run stopped in stage xen: Timed out in stage 'xen' on board qemu-virt-arm64$/m);
    assert.match(text, /all 2 domUs ready never \(alpha not ready, beta not ready\)/);
    assert.match(text, /report: \/tmp\/r\/index\.html$/);
  });

  it('says PASS for a passed run and leaves out the boot line when there are no domUs', () => {
    const record: RunRecord = { ...sampleRun(), passed: true, tests: sampleRun().tests.slice(0, 2), domains: [], timeline: [] };
    assert.equal(renderSummary(record, '/r'), 'PASS  qemu-virt-arm64 · dom0less-2dom  2 passed, 0 failed, 0 pending\n  report: /r/index.html');
  });

  it('edge: lists at most five failed tests, then how many more', () => {
    const failed = Array.from({ length: 7 }, (_, i) => ({ suite: 's', title: `t${i}`, fullTitle: `s t${i}`, state: 'failed' as const, durationMs: 1 }));
    const text = renderSummary({ ...sampleRun(), tests: failed }, '/r');
    assert.equal(text.match(/✗/g)?.length, 5);
    assert.match(text, /… and 2 more failed/);
  });
});

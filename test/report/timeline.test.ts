import assert from 'node:assert/strict';
import type { RunRecord } from '../../harness/report/record.ts';
import { timelineRows } from '../../harness/report/timeline-rows.ts';
import { renderTimelineSvg } from '../../harness/report/timeline-svg.ts';
import { sampleBootFailure, sampleRun } from './samples.ts';
import { xpath } from './xmllint.ts';

const withTimeline = (patch: Partial<RunRecord>): RunRecord => ({ ...sampleRun(), ...patch });

describe('timeline rows', () => {
  it('orders rows by start: U-Boot, each TFTP file, Xen, then each domU', () => {
    const { rows, unplaced } = timelineRows(sampleRun());
    assert.deepEqual(
      rows.map((r) => r.label),
      ['U-Boot', 'TFTP xen', 'TFTP virt.dtb', 'TFTP linux', 'TFTP domu-initramfs', 'Xen', 'alpha', 'beta'],
    );
    assert.deepEqual(unplaced, []);
  });

  it('draws a TFTP bar from its tftp:<file> mark for the transfer time', () => {
    const linux = timelineRows(sampleRun()).rows.find((r) => r.label === 'TFTP linux')!;
    assert.deepEqual([linux.bars[0]!.startMs, linux.bars[0]!.endMs], [1080, 3080]);
    assert.match(linux.bars[0]!.label, /27\.0 MiB · 2\.0 s · 13\.5 MiB\/s/);
  });

  it('spans stage rows from first to last mark and domU rows from loaded to ready', () => {
    const rows = timelineRows(sampleRun()).rows;
    const span = (label: string) => rows.find((r) => r.label === label)!.bars.map((b) => [b.startMs, b.endMs]);
    assert.deepEqual(span('U-Boot'), [[0, 3400]]);
    assert.deepEqual(span('Xen'), [[3500, 7000]]);
    assert.deepEqual(span('alpha'), [[4100, 10_800]]);
    assert.deepEqual(span('beta'), [[4300, 12_000]]);
  });

  it('edge: a domU that never got ready has no bar and says so', () => {
    const alpha = timelineRows(sampleBootFailure()).rows.find((r) => r.label === 'alpha')!;
    assert.deepEqual(alpha.bars, []);
    assert.equal(alpha.sublabel, 'domid 1 · not ready');
  });

  it('edge: the same file fetched twice pairs each transfer with its own mark', () => {
    const t = { bytes: 1000, blksize: 512, windowsize: 1 };
    const record = withTimeline({
      timeline: [{ mark: 'tftp:xen', ms: 100 }, { mark: 'tftp:xen', ms: 900 }],
      tftp: [{ file: 'xen', ms: 50, ...t }, { file: 'xen', ms: 70, ...t }],
      domains: [],
    });
    const bars = timelineRows(record).rows.flatMap((r) => r.bars);
    assert.deepEqual(bars.map((b) => [b.startMs, b.endMs]), [[100, 150], [900, 970]]);
  });

  it('edge: a path matches its basename mark; a transfer without a mark is listed as unplaced', () => {
    const t = { bytes: 1000, ms: 10, blksize: 512, windowsize: 1 };
    const record = withTimeline({
      timeline: [{ mark: 'tftp:xen', ms: 100 }],
      tftp: [{ file: 'boot/xen', ...t }, { file: 'boot/linux', ...t }],
      domains: [],
    });
    const { rows, unplaced } = timelineRows(record);
    assert.deepEqual(rows.map((r) => r.label), ['TFTP boot/xen']);
    assert.deepEqual(unplaced.map((u) => u.file), ['boot/linux']);
  });

  it('edge: marks no rule claims go to an Other row; a failed transfer is drawn as failed', () => {
    const record = withTimeline({
      timeline: [{ mark: 'tftp:xen', ms: 100 }, { mark: 'relay-clicked', ms: 5 }],
      tftp: [{ file: 'xen', bytes: 10, ms: 3000, blksize: 512, windowsize: 1, ok: false, error: 'Retry count exceeded' }],
      domains: [],
    });
    const { rows } = timelineRows(record);
    assert.deepEqual(rows.map((r) => r.label), ['Other', 'TFTP xen']);
    assert.equal(rows[1]!.bars[0]!.tone, 'failed');
    assert.match(rows[1]!.bars[0]!.title, /Retry count exceeded/);
  });
});

describe('timeline SVG', () => {
  it('has one tftp bar per transfer, in order, and keeps every shape inside the view box', async () => {
    const record = sampleRun();
    const svg = renderTimelineSvg(timelineRows(record).rows);
    const bars = '//*[local-name()="rect"][contains(@class,"tftp")]';
    assert.equal(await xpath(svg, `count(${bars})`), String(record.tftp.length));
    const files = await Promise.all(record.tftp.map((_, i) => xpath(svg, `string((${bars})[${i + 1}]/@data-file)`)));
    assert.deepEqual(files, record.tftp.map((t) => t.file));
    const width = Number(/viewBox="0 0 (\d+)/.exec(svg)![1]);
    for (const m of svg.matchAll(/<rect[^>]* x="([\d.-]+)"[^>]* width="([\d.]+)"/g)) {
      assert.ok(Number(m[1]) >= 0 && Number(m[1]) + Number(m[2]) <= width, `rect out of the view box: ${m[0]}`);
    }
  });

  it('labels the axis in seconds up to the last event', () => {
    const svg = renderTimelineSvg(timelineRows(sampleRun()).rows);
    assert.match(svg, />0 s</);
    assert.match(svg, />12 s</);
    assert.doesNotMatch(svg, />13 s</);
  });
});

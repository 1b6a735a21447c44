import assert from 'node:assert/strict';
import { renderJson } from '../../harness/report/json.ts';
import type { RunRecord } from '../../harness/report/record.ts';
import { sampleBootFailure, sampleRun } from './samples.ts';

function assertSortedKeys(value: unknown, path = '$'): void {
  if (Array.isArray(value)) return value.forEach((v, i) => assertSortedKeys(v, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return;
  const keys = Object.keys(value);
  assert.deepEqual(keys, [...keys].sort(), `keys at ${path} are not sorted`);
  for (const k of keys) assertSortedKeys((value as Record<string, unknown>)[k], `${path}.${k}`);
}

describe('renderJson', () => {
  for (const [name, make] of [['sample run', sampleRun], ['boot failure', sampleBootFailure]] as const) {
    it(`round-trips the ${name} record`, () => {
      const record = make();
      const text = renderJson(record);
      assert.deepEqual(JSON.parse(text), record);
      assert.equal(renderJson(JSON.parse(text) as RunRecord), text);
    });
  }

  it('sorts keys at every depth, keeps array order, indents by 2 and ends with a newline', () => {
    const text = renderJson(sampleRun());
    const parsed = JSON.parse(text) as RunRecord;
    assertSortedKeys(parsed);
    assert.deepEqual(parsed.tftp.map((t) => t.file), ['xen', 'virt.dtb', 'linux', 'domu-initramfs']);
    assert.match(text, /^\{\n {2}"board": "qemu-virt-arm64",\n/);
    assert.ok(text.endsWith('}\n'));
  });

  it('gives the same text whatever order the record was filled in', () => {
    const record = sampleRun();
    const reversed = Object.fromEntries(Object.entries(record).reverse()) as unknown as RunRecord;
    reversed.domains = record.domains.map((d) => Object.fromEntries(Object.entries(d).reverse()) as unknown as typeof d);
    assert.equal(renderJson(reversed), renderJson(record));
  });

  it('keeps control characters as JSON escapes, not visible replacements', () => {
    const record = sampleRun();
    const error = record.tests[4]!.error!;
    assert.equal((JSON.parse(renderJson(record)) as RunRecord).tests[4]!.error, error);
    assert.match(renderJson(record), /\\u001b\[1;31m/);
  });
});

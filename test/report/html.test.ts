import assert from 'node:assert/strict';
import { visible } from '../../harness/report/escape.ts';
import { renderHtml } from '../../harness/report/html.ts';
import { escapeHtml } from '../../harness/report/html-template.ts';
import type { RunRecord } from '../../harness/report/record.ts';
import { sampleBootFailure, sampleRun } from './samples.ts';
import { assertWellFormed, xpath } from './xmllint.ts';

const render = (record: RunRecord, consoleFiles: string[] = []) => renderHtml(record, { consoleFiles });

describe('renderHtml', () => {
  it('is well-formed (checked as XML by xmllint) for both samples', async () => {
    await assertWellFormed(render(sampleRun(), ['console/raw.log']));
    await assertWellFormed(render(sampleBootFailure()));
  });

  it('lists every test with its title escaped and exact after parsing', async () => {
    const record = sampleRun();
    const page = render(record);
    assert.equal(await xpath(page, 'count(//table[@id="results"]/tbody/tr)'), '6');
    for (const [i, t] of record.tests.entries()) {
      assert.ok(page.includes(escapeHtml(t.title)), `title not found escaped: ${t.title}`);
      assert.equal(await xpath(page, `string(//tr[@id="test-${i}"]/td[2])`), t.title);
      assert.equal(await xpath(page, `string(//tr[@id="test-${i}"]//span[contains(@class,"state")])`), t.state);
    }
    assert.ok(!page.includes('<eth0>'), 'a raw <eth0> leaked into the page');
  });

  it('folds the error into <details> with control characters made visible', async () => {
    const record = sampleRun();
    const page = render(record);
    assert.equal(await xpath(page, 'string(//tr[@id="test-4"]//details/pre)'), visible(record.tests[4]!.error!));
    assert.ok(!page.includes('\x1b') && !page.includes('\x01'));
  });

  it('says FAIL and lists the failed test at the top when a test failed; PASS when the run passed', async () => {
    const page = render(sampleRun());
    assert.equal(await xpath(page, 'string(//header//*[@class="verdict"])'), 'FAIL');
    assert.match(await xpath(page, 'string(//section[@id="failure"])'), /beta answers "ip link" with <eth0> up/);
    const passed = render({ ...sampleRun(), passed: true, tests: sampleRun().tests.filter((t) => t.state !== 'failed') });
    assert.equal(await xpath(passed, 'string(//header//*[@class="verdict"])'), 'PASS');
    assert.equal(await xpath(passed, 'count(//section[@id="failure"])'), '0');
  });

  it('shows the run failure, stage and console tail, before everything else', async () => {
    const record = sampleBootFailure();
    const page = render(record);
    assert.equal(await xpath(page, 'string(//section[@id="failure"]/pre)'), visible(record.failure!.message));
    assert.match(await xpath(page, 'string(//section[@id="failure"]/h2)'), /stage “xen”/);
    assert.equal(await xpath(page, 'string(name(//main/*[1]))'), 'section');
    assert.equal(await xpath(page, 'string(//main/*[1]/@id)'), 'failure');
  });

  it('has the domains table with names, vCPUs, MiB and ready times', async () => {
    const page = render(sampleRun());
    const cells = async (row: number) =>
      Promise.all([1, 2, 3, 4, 6].map((c) => xpath(page, `normalize-space(//table[@id="domains"]/tbody/tr[${row}]/td[${c}])`)));
    assert.deepEqual(await cells(1), ['1', 'alpha', '1', '256', '10.80 s']);
    assert.deepEqual(await cells(2), ['2', 'beta', '2', '512', '12.00 s']);
  });

  it('has an inline SVG timeline with one bar per TFTP transfer and a TFTP table row each', async () => {
    const record = sampleRun();
    const page = render(record);
    assert.equal(await xpath(page, 'count(//section[@id="timeline"]/*[local-name()="svg"])'), '1');
    assert.equal(await xpath(page, 'count(//*[local-name()="rect"][contains(@class,"tftp")])'), '4');
    assert.equal(await xpath(page, 'count(//table[@id="tftp"]/tbody/tr)'), '4');
    const linux = await Promise.all([1, 2, 3, 4, 5, 6, 7].map((c) => xpath(page, `normalize-space(//table[@id="tftp"]/tbody/tr[3]/td[${c}])`)));
    assert.deepEqual(linux, ['linux', '27.0 MiB', '2000', '13.5', '1468/8', '2', 'ok']);
  });

  it('links console transcripts relative to the report, percent-encoded', async () => {
    const page = render(sampleRun(), ['console/raw.log', 'console/dom U #2.log']);
    assert.equal(await xpath(page, 'string(//section[@id="console"]//li[1]/a/@href)'), 'console/raw.log');
    assert.equal(await xpath(page, 'string(//section[@id="console"]//li[2]/a/@href)'), 'console/dom%20U%20%232.log');
    assert.match(render(sampleRun()), /No console transcript was saved/);
  });

  it('needs nothing from outside: no external URL, stylesheet link or script', () => {
    const page = render(sampleRun(), ['console/raw.log']);
    const urls = [...page.matchAll(/https?:\/\/[^"' <]+/g)].map((m) => m[0]);
    assert.deepEqual([...new Set(urls)], ['http://www.w3.org/2000/svg']);
    assert.doesNotMatch(page, /<link|<script|<img|@import|url\(/);
  });

  it('edge: a run with no marks, tests, domains or transfers still renders, saying so', async () => {
    const empty: RunRecord = { ...sampleRun(), tests: [], timeline: [], tftp: [], domains: [], figures: undefined };
    const page = render(empty);
    await assertWellFormed(page);
    assert.match(page, /No timeline mark recorded/);
    assert.match(page, /No test ran/);
    assert.doesNotMatch(page, /<svg/);
  });
});

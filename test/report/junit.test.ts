import assert from 'node:assert/strict';
import { visible } from '../../harness/report/escape.ts';
import { renderJunit } from '../../harness/report/junit.ts';
import type { RunRecord } from '../../harness/report/record.ts';
import { sampleBootFailure, sampleRun } from './samples.ts';
import { assertWellFormed, xpath } from './xmllint.ts';

const suiteAttr = (xml: string, suite: string, attr: string) => xpath(xml, `string(//testsuite[@name="${suite}"]/@${attr})`);

describe('renderJunit', () => {
  it('parses as XML and counts tests, failures and skipped per suite and overall', async () => {
    const xml = renderJunit(sampleRun());
    await assertWellFormed(xml);
    assert.equal(await xpath(xml, 'count(//testsuite)'), '2');
    assert.equal(await xpath(xml, 'string(/testsuites/@tests)'), '6');
    assert.equal(await xpath(xml, 'string(/testsuites/@failures)'), '1');
    assert.equal(await xpath(xml, 'string(/testsuites/@skipped)'), '1');
    assert.deepEqual(
      [await suiteAttr(xml, 'boot', 'tests'), await suiteAttr(xml, 'boot', 'failures'), await suiteAttr(xml, 'boot', 'skipped')],
      ['3', '0', '0'],
    );
    assert.deepEqual(
      [await suiteAttr(xml, 'domains', 'tests'), await suiteAttr(xml, 'domains', 'failures'), await suiteAttr(xml, 'domains', 'skipped')],
      ['3', '1', '1'],
    );
    assert.equal(await xpath(xml, 'count(//testcase/failure)'), '1');
    assert.equal(await xpath(xml, 'count(//testcase/skipped)'), '1');
  });

  it('gives suite time, timestamp and hostname, and testcase classname, name and time in seconds', async () => {
    const xml = renderJunit(sampleRun());
    assert.equal(await suiteAttr(xml, 'boot', 'time'), '12.000');
    assert.equal(await suiteAttr(xml, 'boot', 'timestamp'), '2025-05-01T10:00:00');
    assert.equal(await suiteAttr(xml, 'boot', 'hostname'), 'ci-runner-3');
    assert.equal(await xpath(xml, 'string(//testcase[@name="Xen prints its banner"]/@classname)'), 'boot');
    assert.equal(await xpath(xml, 'string(//testcase[@name="Xen prints its banner"]/@time)'), '2.600');
  });

  it('puts the error text in <failure>, its first line in message and its class in type', async () => {
    const record = sampleRun();
    const failed = record.tests.find((t) => t.state === 'failed')!;
    const xml = renderJunit(record);
    const sel = `//testcase[@classname="domains"][failure]`;
    assert.equal(await xpath(xml, `string(${sel}/@name)`), failed.title);
    assert.equal(await xpath(xml, `string(${sel}/failure/@type)`), 'AssertionError');
    assert.equal(await xpath(xml, `string(${sel}/failure/@message)`), failed.error!.split('\n')[0]);
    assert.equal(await xpath(xml, `string(${sel}/failure)`), visible(failed.error!));
    assert.match(xml, /\\x1b\[1;31mbeta login:\\x1b\[0m \\x01x/);
  });

  it('escapes <, &, quotes and control characters in names, classnames and messages', async () => {
    const nasty = `a<b> & "c" 'd' \x1b[0m\x01\x00\ttab\r\nline`;
    const record: RunRecord = {
      ...sampleRun(),
      tests: [{ suite: nasty, title: nasty, fullTitle: nasty, state: 'failed', durationMs: 1, error: nasty }],
    };
    const xml = renderJunit(record);
    await assertWellFormed(xml);
    assert.equal(await xpath(xml, 'string(//testcase/@name)'), visible(nasty));
    assert.equal(await xpath(xml, 'string(//testcase/@classname)'), visible(nasty));
    assert.equal(await xpath(xml, 'string(//testsuite/@name)'), visible(nasty));
    assert.equal(await xpath(xml, 'string(//failure)'), visible(nasty));
    assert.equal(await xpath(xml, 'string(//failure/@type)'), 'Error');
  });

  it('adds a failing testcase "run: <stage>" when the run stopped outside the tests', async () => {
    const record = sampleBootFailure();
    const xml = renderJunit(record);
    await assertWellFormed(xml);
    assert.equal(await xpath(xml, 'string(/testsuites/@tests)'), '1');
    assert.equal(await xpath(xml, 'string(/testsuites/@failures)'), '1');
    assert.equal(await xpath(xml, 'string(//testsuite/@name)'), 'run');
    assert.equal(await xpath(xml, 'string(//testcase/@name)'), 'run: xen');
    assert.equal(await xpath(xml, 'string(//failure/@message)'), "Timed out in stage 'xen' on board qemu-virt-arm64");
    assert.equal(await xpath(xml, 'string(//failure)'), visible(record.failure!.message));
  });

  it('keeps test failures and adds the run failure when both happened', async () => {
    const xml = renderJunit({ ...sampleRun(), failure: { stage: 'teardown', message: 'power off failed' } });
    assert.equal(await xpath(xml, 'string(/testsuites/@tests)'), '7');
    assert.equal(await xpath(xml, 'string(/testsuites/@failures)'), '2');
  });

  it('names a test without a suite "(root)" and gives a failure without error text a message', async () => {
    const xml = renderJunit({ ...sampleRun(), tests: [{ suite: '', title: 't', fullTitle: 't', state: 'failed', durationMs: 0 }] });
    assert.equal(await xpath(xml, 'string(//testcase/@classname)'), '(root)');
    assert.equal(await xpath(xml, 'string(//failure/@message)'), 'failed without an error message');
  });

  it('renders an empty run as zero tests, still valid', async () => {
    const xml = renderJunit({ ...sampleRun(), tests: [] });
    await assertWellFormed(xml);
    assert.equal(await xpath(xml, 'string(/testsuites/@tests)'), '0');
  });
});

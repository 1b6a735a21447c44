import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HilError } from '../../harness/errors.ts';
import { writeFileAtomic } from '../../harness/report/atomic-write.ts';
import { renderHtml } from '../../harness/report/html.ts';
import { renderJson } from '../../harness/report/json.ts';
import { renderJunit } from '../../harness/report/junit.ts';
import type { RunRecord } from '../../harness/report/record.ts';
import { listConsoleFiles, writeReport } from '../../harness/report/write-report.ts';
import { registerSecret, resetSecrets } from '../../harness/secrets/scrubber.ts';
import { sampleRun } from './samples.ts';

/** A record whose files are several MiB, so writing them takes many write() calls. */
function bigRecord(system: string): RunRecord {
  const error = `AssertionError: ${system} `.padEnd(400, 'x');
  const tests = Array.from({ length: 4_000 }, (_, i) => ({
    suite: 'bulk', title: `case ${i}`, fullTitle: `bulk case ${i}`, state: 'failed' as const, durationMs: i, error,
  }));
  return { ...sampleRun(), system, tests };
}

describe('writeReport', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'hil-report-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes report.json, junit.xml and index.html into a new folder and returns their paths', async () => {
    const record = sampleRun();
    const out = join(dir, 'runs', '2025-05-01');
    const paths = await writeReport(out, record);
    assert.deepEqual(paths, { json: join(out, 'report.json'), junit: join(out, 'junit.xml'), html: join(out, 'index.html') });
    assert.equal(await readFile(paths.json, 'utf8'), renderJson(record));
    assert.equal(await readFile(paths.junit, 'utf8'), renderJunit(record));
    assert.equal(await readFile(paths.html, 'utf8'), renderHtml(record, { consoleFiles: [] }));
    assert.deepEqual((await readdir(out)).sort(), ['index.html', 'junit.xml', 'report.json']);
  });

  it('links the console transcripts found under console/, nested ones too, sorted', async () => {
    await mkdir(join(dir, 'console', 'domu'), { recursive: true });
    for (const f of ['raw.log', 'screen.txt', 'domu/beta.log', '.raw.log.123.ab.tmp']) await writeFile(join(dir, 'console', f), 'x');
    assert.deepEqual(await listConsoleFiles(dir), ['console/domu/beta.log', 'console/raw.log', 'console/screen.txt']);
    const { html } = await writeReport(dir, sampleRun());
    const page = await readFile(html, 'utf8');
    for (const f of ['console/domu/beta.log', 'console/raw.log', 'console/screen.txt']) assert.ok(page.includes(`href="${f}"`), f);
  });

  it('a lab secret in the record (a device echoed it into an error) is in none of the files, in no spelling', async () => {
    const secret = `Hu n+t3r/2&Zq"9'x<b>`;
    registerSecret(secret);
    try {
      const echo = `device said: raw ${secret}; url ${encodeURIComponent(secret)}; basic ${Buffer.from(`admin:${secret}`).toString('base64')}`;
      const record: RunRecord = {
        ...sampleRun(),
        failure: { stage: 'power', message: `board b: power off failed: ${echo}` },
        tests: [{ suite: 'boot', title: 'Xen boots', fullTitle: 'boot Xen boots', state: 'failed', durationMs: 1, error: `power on failed: ${echo}` }],
      };
      const paths = await writeReport(dir, record);
      // What the renderers would have written: the secret, escaped as each format escapes it.
      const spellings = [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1), secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'), Buffer.from(`admin:${secret}`).toString('base64').slice(8, -4)];
      for (const file of Object.values(paths)) {
        const text = await readFile(file, 'utf8');
        assert.match(text, /\*{6}/, `${file} shows the echo, masked`);
        for (const s of spellings) assert.ok(!text.includes(s), `${file} holds ${s}`);
      }
      assert.equal(record.failure!.message.includes(secret), true, 'the record given is not changed');
    } finally {
      resetSecrets();
    }
  });

  it('edge: no console/ folder means no transcript links', async () => {
    assert.deepEqual(await listConsoleFiles(dir), []);
  });

  it('replaces an earlier report so that a reader never sees half a file, and leaves no temp file', async () => {
    await writeReport(dir, bigRecord('first'));
    let done = false;
    const seen = new Set<string>();
    let reads = 0;
    const reader = (async () => {
      while (!done) {
        const [json, junit, html] = await Promise.all(['report.json', 'junit.xml', 'index.html'].map((f) => readFile(join(dir, f), 'utf8')));
        seen.add((JSON.parse(json!) as RunRecord).system);
        assert.ok(junit!.endsWith('</testsuites>\n'), 'junit.xml read half-written');
        assert.ok(html!.endsWith('</body></html>\n'), 'index.html read half-written');
        reads++;
      }
    })();
    await writeReport(dir, bigRecord('second'));
    done = true;
    await reader;
    assert.ok(reads >= 2, `the reader only got ${reads} reads in`);
    assert.ok(seen.has('first'));
    assert.equal((JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as RunRecord).system, 'second');
    assert.deepEqual((await readdir(dir)).sort(), ['index.html', 'junit.xml', 'report.json']);
  });

  it('edge: a folder that is a file → HilError naming the folder', async () => {
    const file = join(dir, 'not-a-dir');
    await writeFile(file, 'x');
    await assert.rejects(writeReport(file, sampleRun()), (err: unknown) => {
      assert.ok(err instanceof HilError);
      assert.match(err.message, /Could not write the report into .*not-a-dir/);
      return true;
    });
  });
});

describe('writeFileAtomic', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'hil-atomic-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('edge: when the final rename fails, the error surfaces and no temp file is left', async () => {
    await mkdir(join(dir, 'taken'));
    await writeFile(join(dir, 'taken', 'inside'), 'keep');
    await assert.rejects(writeFileAtomic(join(dir, 'taken'), 'new'), /EISDIR|ENOTEMPTY|EEXIST/);
    assert.deepEqual(await readdir(dir), ['taken']);
    assert.equal(await readFile(join(dir, 'taken', 'inside'), 'utf8'), 'keep');
  });
});

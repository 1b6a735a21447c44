import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DomainSplitter } from '../../harness/xen/domain-splitter.ts';
import { DomainTranscripts } from '../../harness/xen/domain-transcripts.ts';
import { useTempDirs } from '../support/temp-dirs.ts';
import { byStream, join as joinSample, NO_DOM0, WITH_DOM0 } from './xen-stream-samples.ts';

/** A transcript file's bytes without the "[   1.234] " stamp Transcript puts at each line start. */
function unstamped(path: string): string {
  return readFileSync(path, 'latin1').replace(/(^|\n)\[ *\d+\.\d{3}\] /g, '$1');
}

function run(dir: string, names: Map<number, string>, chunks: string[]) {
  const splitter = new DomainSplitter({ holdMs: 0, nameOf: (id) => names.get(id) });
  const files = new DomainTranscripts({ dir, now: () => 1500 });
  splitter.onPiece((p) => files.write(p));
  for (const c of chunks) splitter.push(c);
  splitter.flush();
  const paths = files.paths();
  files.close();
  return { dir, paths };
}

describe('per-domain transcripts', function () {
  const temp = useTempDirs();
  it('writes one stamped file per stream that together hold every byte', function () {
    const { dir, paths } = run(temp('hil-split-'), new Map(), [joinSample(NO_DOM0)]);
    assert.deepEqual(readdirSync(dir).sort(), ['dom1.log', 'dom2.log', 'firmware.log', 'xen.log']);
    for (const [stream, text] of byStream(NO_DOM0, 1)) assert.equal(unstamped(paths.get(stream as 'xen')!), text, stream);
    assert.match(readFileSync(join(dir, 'xen.log'), 'latin1'), /^\[ {3}1\.500\] \(XEN\) Checking/);
  });

  it('uses the name when known and dom0.log for dom0', function () {
    const { dir } = run(temp('hil-split-'), new Map([[1, 'alpha']]), [joinSample(WITH_DOM0)]);
    assert.deepEqual(readdirSync(dir).sort(), ['alpha.log', 'dom0.log', 'firmware.log', 'xen.log']);
  });

  it('renames domN.log once the name is learnt, and goes on writing in it', function () {
    const names = new Map<number, string>();
    const dir = temp('hil-split-');
    const splitter = new DomainSplitter({ holdMs: 0, nameOf: (id) => names.get(id) });
    const files = new DomainTranscripts({ dir, now: () => 0 });
    splitter.onPiece((p) => files.write(p));
    splitter.push('(XEN) Xen\r\n(XEN) DOM2: booting\r\r\n');
    assert.ok(existsSync(join(dir, 'dom2.log')));
    names.set(2, 'beta');
    splitter.push('(XEN) DOM2: hil: domain beta ready\r\r\n');
    files.close();
    assert.ok(!existsSync(join(dir, 'dom2.log')));
    assert.equal(unstamped(join(dir, 'beta.log')), '(XEN) DOM2: booting\r\r\n(XEN) DOM2: hil: domain beta ready\r\r\n');
  });

  it('keeps domN.log when the name is unusable as a file name or already taken', function () {
    const { dir } = run(
      temp('hil-split-'),
      new Map([
        [1, '../evil'],
        [2, 'xen'],
      ]),
      ['(XEN) Xen\r\n(XEN) DOM1: a\r\n(XEN) DOM2: b\r\n'],
    );
    assert.deepEqual(readdirSync(dir).sort(), ['dom1.log', 'dom2.log', 'xen.log']);
  });
});

import assert from 'node:assert/strict';
import { LineAssembler } from '../../harness/console/line-assembler.ts';

/** Every line emitted, then the unfinished line ('' if none). */
function lines(chunks: string[]): string[] {
  const la = new LineAssembler(10_000);
  const out: string[] = [];
  la.onLine((l) => out.push(l));
  for (const c of chunks) la.push(c);
  const kept = la.last(out.length + 1);
  return [...out, kept.length > out.length ? kept[kept.length - 1] : ''];
}

describe('line assembler', function () {
  it('ends a line at CR, LF or CRLF (once), keeping empty lines', function () {
    assert.deepEqual(lines(['a\r\nb\nc\rd\r\r\ne\n\rf']), ['a', 'b', 'c', 'd', '', 'e', '', 'f']);
  });

  it('counts a CRLF split across chunks once', function () {
    assert.deepEqual(lines(['one\r', '\ntwo\r', '', '\n']), ['one', 'two', '']);
  });

  it('splits like /\\r\\n|\\r|\\n/ whatever the chunking', function () {
    let x = 7;
    const rnd = (n: number) => ((x ^= x << 13), (x ^= x >>> 17), (x ^= x << 5), (x >>> 0) % n);
    const alphabet = ['a', 'b', '\r', '\n', '\r\n', ' '];
    for (let round = 0; round < 50; round++) {
      let text = '';
      for (let i = 0; i < 200; i++) text += alphabet[rnd(alphabet.length)];
      const chunks: string[] = [];
      for (let at = 0; at < text.length; ) {
        const n = rnd(12);
        chunks.push(text.slice(at, (at += n)));
      }
      assert.deepEqual(lines(chunks), text.split(/\r\n|\r|\n/), JSON.stringify(text));
    }
  });

  it('keeps only the last `keep` lines, plus the unfinished one', function () {
    const la = new LineAssembler(3);
    for (let i = 0; i < 100; i++) la.push(`l${i}\n`);
    la.push('part');
    assert.deepEqual(la.last(10), ['l97', 'l98', 'l99', 'part']);
    assert.deepEqual(la.last(2), ['l99', 'part']);
  });
});

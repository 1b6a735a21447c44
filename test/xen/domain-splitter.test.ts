import assert from 'node:assert/strict';
import { DomainSplitter, type SplitPiece } from '../../harness/xen/domain-splitter.ts';
import { byStream, join, NO_DOM0, WITH_DOM0, type Segment } from './xen-stream-samples.ts';

function split(chunks: string[], options: ConstructorParameters<typeof DomainSplitter>[0] = {}) {
  const splitter = new DomainSplitter({ holdMs: 0, ...options });
  const pieces: SplitPiece[] = [];
  splitter.onPiece((p) => pieces.push(p));
  for (const c of chunks) splitter.push(c);
  splitter.flush();
  return { splitter, pieces };
}

function perStream(pieces: SplitPiece[], part: 'raw' | 'content'): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of pieces) out.set(p.stream, (out.get(p.stream) ?? '') + p[part]);
  return out;
}

/** A small deterministic generator, so a failing random split can be replayed. */
function randomSizes(seed: number, total: number, max: number): number[] {
  const sizes: number[] = [];
  let x = seed;
  for (let left = total; left > 0; ) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const n = Math.min(left, 1 + ((x >>> 0) % max));
    sizes.push(n);
    left -= n;
  }
  return sizes;
}

function cut(text: string, sizes: number[]): string[] {
  let at = 0;
  return sizes.map((n) => text.slice(at, (at += n)));
}

for (const [title, sample] of [
  ['two domUs, no dom0', NO_DOM0],
  ['dom0 and timestamps', WITH_DOM0],
] as Array<[string, Segment[]]>) {
  describe(`domain splitter: ${title}`, function () {
    const input = join(sample);

    it('attributes every line to its stream', function () {
      const { pieces } = split([input]);
      assert.deepEqual(perStream(pieces, 'raw'), byStream(sample, 1));
    });

    it('gives each stream its content without the Xen prefixes', function () {
      const { pieces } = split([input]);
      assert.deepEqual(perStream(pieces, 'content'), byStream(sample, 2));
    });

    it('rebuilds the input byte for byte from the pieces in arrival order', function () {
      const { pieces } = split(cut(input, randomSizes(7, input.length, 64)));
      assert.equal(pieces.map((p) => p.raw).join(''), input);
      assert.ok(new Set(pieces.map((p) => p.stream)).size >= 3);
    });

    it('gives the same result for a split at every offset', function () {
      const whole = perStream(split([input]).pieces, 'content');
      for (let at = 1; at < input.length; at++) {
        const { pieces } = split([input.slice(0, at), input.slice(at)]);
        assert.equal(pieces.map((p) => p.raw).join(''), input, `raw, split at ${at}`);
        assert.deepEqual(perStream(pieces, 'content'), whole, `content, split at ${at}`);
      }
    });

    it('gives the same result one byte at a time and in random chunk sizes', function () {
      const expected = byStream(sample, 2);
      assert.deepEqual(perStream(split([...input]).pieces, 'content'), expected, 'one byte at a time');
      for (const seed of [1, 2, 3, 4, 5]) {
        const { pieces } = split(cut(input, randomSizes(seed, input.length, 300)));
        assert.deepEqual(perStream(pieces, 'content'), expected, `seed ${seed}`);
      }
    });
  });
}

describe('domain splitter: edge cases', function () {
  const toDom1 = "(XEN) Xen version 4.17.5\r\n(XEN) *** Serial input to DOM1 (type 'CTRL-a' three times to switch input)\r\n";

  it('hands out the focused domU prompt at once, without waiting for a newline', function () {
    const splitter = new DomainSplitter({ holdMs: 0 });
    const seen: SplitPiece[] = [];
    splitter.onPiece((p) => seen.push(p));
    splitter.push(toDom1);
    splitter.push('(XEN) ~ # ');
    assert.deepEqual(seen.at(-1), { stream: 'DOM1', domid: 1, name: 'dom1', raw: '(XEN) ~ # ', content: '~ # ' });
    splitter.push('e');
    assert.deepEqual(seen.at(-1)?.content, 'e');
  });

  it("files a `(XEN) DOMn:` line that interrupts the focused domU's half-written line whole in DOMn, byte by byte and in any chunking", function () {
    const dom1 = ['(XEN) ~ # echo hel', '(XEN) lo world\r\n', '(XEN) hello world\r\n', '(XEN) ~ # '];
    const dom2 = ['(XEN) DOM2: [    5.1] beta: a line\r\r\n', '(XEN) DOM2: hil: domain beta ready\r\r\n'];
    const xen = '(XEN) d1v0: vGICD: unhandled word write 0xffffffff to ICACTIVER0\r\n';
    // Xen's printk of DOM2 (and one of its own lines) lands in the middle of DOM1's echo and output.
    const input = toDom1 + dom1[0] + dom2[0] + dom1[1] + xen + dom1[2] + dom2[1] + dom1[3];
    const expected = new Map([
      ['xen', { raw: toDom1 + xen, content: toDom1.replaceAll('(XEN) ', '') + xen.slice(6) }],
      ['DOM1', { raw: dom1.join(''), content: dom1.map((l) => l.slice(6)).join('') }],
      ['DOM2', { raw: dom2.join(''), content: dom2.map((l) => l.slice(12)).join('') }],
    ]);
    const check = (chunks: string[], how: string) => {
      const { pieces } = split(chunks, { hasDom0: false });
      const raw = perStream(pieces, 'raw');
      const content = perStream(pieces, 'content');
      assert.deepEqual(
        new Map([...raw].map(([k, v]) => [k, { raw: v, content: content.get(k) }])),
        expected,
        how,
      );
    };
    check([input], 'whole');
    check([...input], 'one byte at a time');
    for (let seed = 1; seed <= 200; seed++) check(cut(input, randomSizes(seed, input.length, 40)), `seed ${seed}`);
  });

  it('follows a focus line split across chunks', function () {
    const { splitter } = split(['(XEN) Xen version 4.17.5\r\n(XEN) *** Serial in', "put to DOM2 (type 'CTRL-a' three times", ' to switch input)\r\n']);
    assert.equal(splitter.focus, 'DOM2');
  });

  it('holds back a possible marker at the end of a chunk and releases it after holdMs', async function () {
    const splitter = new DomainSplitter({ holdMs: 20 });
    const seen: string[] = [];
    splitter.onPiece((p) => seen.push(`${p.stream}:${p.content}`));
    splitter.push(`${toDom1}(XEN) ~ # echo D`);
    assert.equal(seen.at(-1), 'DOM1:~ # echo ');
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(seen.at(-1), 'DOM1:D');
  });

  it('without a dom0, gives an unprefixed line after a focus switch to the focused domU (seen on Xen 4.17)', function () {
    // What a real boot printed: the focus line ends the prompt's line, then the domU's echo arrives bare.
    const stream = [
      '(XEN) Xen version 4.17.7\r\n',
      "(XEN) / # \x1b[6n*** Serial input to DOM2 (type 'CTRL-a' three times to switch input)\r\n",
      'echo hil-start-1;',
    ];
    const without = perStream(split(stream, { hasDom0: false }).pieces, 'content');
    assert.equal(without.get('DOM2'), 'echo hil-start-1;');
    assert.equal(without.get('dom0'), undefined);
    const withDom0 = perStream(split(stream).pieces, 'content');
    assert.equal(withDom0.get('DOM2'), 'echo hil-start-1;', 'with a dom0 too: a bare line while a domU has the focus is that domU\'s');
  });

  it("with a dom0, tells the focused domU's bare lines from dom0's kernel lines (a 2-vCPU domU on Xen 4.17)", function () {
    // What a real boot printed while DOM2 (two vCPUs) had the focus: a `(XEN) ` mid-line, a bare line, and dom0's kernel.
    const stream = [
      "(XEN) *** Serial input to DOM2 (type 'CTRL-b' three times to switch input)\r\n",
      "(XEN) / # echo hil-start-6b; grep -o 'hil.domain=[a-z0-9-]*' /proc/c(XEN) mdline; echo hil-end-6b=$?\r\r\n",
      '(XEN) hil.domain=plain\r\r\n',
      'hil-end-6b=0\r\r\n',
      '[   72.776309] Unknown online node for memory at 0x0, assuming node 0\r\r\n',
    ];
    for (const chunks of [stream, [...stream.join('')]]) {
      const content = perStream(split(chunks).pieces, 'content');
      assert.equal(content.get('DOM2'), "/ # echo hil-start-6b; grep -o 'hil.domain=[a-z0-9-]*' /proc/cmdline; echo hil-end-6b=$?\r\r\nhil.domain=plain\r\r\nhil-end-6b=0\r\r\n");
      assert.equal(content.get('dom0'), '[   72.776309] Unknown online node for memory at 0x0, assuming node 0\r\r\n');
    }
  });

  it('treats a line while the focus is on Xen as Xen output', function () {
    const { pieces } = split(['(XEN) Xen version 4.17.5\r\n(XEN) ~ # \r\n']);
    assert.deepEqual(
      pieces.map((p) => p.stream),
      ['xen'],
    );
  });

  it('does not take a focused domU kernel line for a Xen stamp when Xen prints none', function () {
    const { pieces } = split([`${toDom1}(XEN) [    1.000000] Run /init as init process\r\r\n`]);
    assert.equal(pieces.at(-1)?.content, '[    1.000000] Run /init as init process\r\r\n');
  });

  it('names domains through nameOf once known', function () {
    const names = new Map<number, string>();
    const splitter = new DomainSplitter({ holdMs: 0, nameOf: (id) => names.get(id) });
    const seen: string[] = [];
    splitter.onPiece((p) => seen.push(p.name));
    splitter.push('(XEN) Xen\r\n(XEN) DOM2: one\r\n');
    names.set(2, 'beta');
    splitter.push('(XEN) DOM2: two\r\n');
    assert.deepEqual(seen, ['xen', 'dom2', 'beta']);
  });

  it('reads firmware again after reset()', function () {
    const { splitter, pieces } = split(['U-Boot\r\n(XEN) Xen version\r\nraw dom0\r\n']);
    splitter.reset();
    splitter.push('U-Boot again\r\n');
    assert.deepEqual(
      pieces.map((p) => p.stream),
      ['firmware', 'xen', 'dom0', 'firmware'],
    );
    assert.equal(splitter.focus, 'Xen');
  });

  it('keeps every byte value, and rebuilds a random binary stream exactly', function () {
    const all = String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i));
    let noise = '';
    for (const n of randomSizes(11, 20000, 255)) noise += String.fromCharCode(n);
    const input = `${toDom1}(XEN) ${all}\n(XEN) DOM2: ${all}\n${noise}(XEN) DOM2:(XEN) (XEN) DOM`;
    for (const seed of [1, 2, 3]) {
      const { pieces } = split(cut(input, randomSizes(seed, input.length, 100)));
      assert.equal(pieces.map((p) => p.raw).join(''), input, `seed ${seed}`);
    }
  });
});

import assert from 'node:assert/strict';
import { escapeAttr, escapeText, visible } from '../../harness/report/escape.ts';
import { assertWellFormed, xpath } from './xmllint.ts';

describe('report escaping', () => {
  it('makes ESC, Ctrl-A, NUL and other C0 controls visible as \\xNN', () => {
    assert.equal(visible('a\x1b[0mb\x01c\x00d\x08'), 'a\\x1b[0mb\\x01c\\x00d\\x08');
  });

  it('keeps tab, LF and CR, which XML allows', () => {
    assert.equal(visible('a\tb\nc\rd'), 'a\tb\nc\rd');
  });

  it('makes DEL and C1 controls visible', () => {
    assert.equal(visible('x\x7fy\x85z\x9b'), 'x\\x7fy\\x85z\\x9b');
  });

  it('keeps a surrogate pair (emoji) but marks lone surrogates and U+FFFE/U+FFFF', () => {
    assert.equal(visible('ok 🙂'), 'ok 🙂');
    assert.equal(visible('a\uD800b\uDC00c\uFFFEd\uFFFF'), 'a\\ud800b\\udc00c\\ufffed\\uffff');
  });

  it('escapes markup characters in text and, in attributes, quotes and whitespace too', () => {
    assert.equal(escapeText(`<a & "b">`), '&lt;a &amp; "b"&gt;');
    assert.equal(escapeAttr(`<a & "b" 'c'>\n\t`), '&lt;a &amp; &quot;b&quot; &#39;c&#39;&gt;&#10;&#9;');
  });

  it('every character from U+0000 to U+02FF survives a real XML parser as its visible form', async () => {
    const all = Array.from({ length: 0x300 }, (_, i) => String.fromCharCode(i)).join('');
    const doc = `<r a="${escapeAttr(all)}">${escapeText(all)}</r>`;
    await assertWellFormed(doc);
    assert.equal(await xpath(doc, 'string(/r)'), visible(all));
    assert.equal(await xpath(doc, 'string(/r/@a)'), visible(all));
  });
});

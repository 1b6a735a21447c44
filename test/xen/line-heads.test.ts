import assert from 'node:assert/strict';
import { matchHead, matchStamp, MAYBE, NO, numberAt, templatesRegExp } from '../../harness/xen/line-heads.ts';
import { MarkerSearch } from '../../harness/xen/marker-search.ts';

describe('line heads', function () {
  it('matches a template with digits, and says MAYBE while the text is too short to tell', function () {
    assert.equal(matchHead('DOM12: x', 0, 'DOM#: '), 7);
    assert.equal(matchHead('DOM12', 0, 'DOM#: '), MAYBE);
    assert.equal(matchHead('DOM', 0, 'DOM#: '), MAYBE);
    assert.equal(matchHead('DOM:', 0, 'DOM#: '), NO, 'no digit');
    assert.equal(matchHead('DOMAIN', 0, 'DOM#: '), NO);
    assert.equal(matchHead('xx(d3) y', 2, '(d#) '), 5);
  });

  it('refuses more than 9 digits, like the search RegExp', function () {
    assert.equal(matchHead('DOM1234567890: ', 0, 'DOM#: '), NO);
    assert.equal(templatesRegExp(['DOM#: ']).exec('DOM1234567890: '), null);
    assert.equal(matchHead('DOM123456789: ', 0, 'DOM#: '), 14);
  });

  it('reads Xen stamps and refuses what only starts like one', function () {
    assert.equal(matchStamp('[    4.221026] x', 0), 15);
    assert.equal(matchStamp('[2024-05-01 10:00:00.123] x', 0), 26);
    assert.equal(matchStamp('[    4.22', 0), MAYBE);
    assert.equal(matchStamp('[    4.221026]', 0), MAYBE);
    assert.equal(matchStamp('[    4.221026]x', 0), NO);
    assert.equal(matchStamp('[ab\r\n', 0), NO);
    assert.equal(matchStamp(`[${'1'.repeat(60)}] `, 0), NO, 'longer than any stamp');
    assert.equal(matchStamp('x', 0), NO);
  });

  it('reads the domid after a prefix', function () {
    assert.equal(numberAt('(XEN) DOM17: ', 6), 17);
    assert.equal(numberAt('none', 0), 0);
  });

  it('finds a marker inside a line and holds back a partial one at the end', function () {
    const search = new MarkerSearch(['*** Serial input to ', 'DOM#: ']);
    const text = '~ # DOM2: hi\r\n~ # *** Serial';
    assert.equal(search.find(text, 0, 14), 4);
    assert.equal(search.find(text, 14, text.length), -1);
    assert.equal(search.partialAtEnd(text, 14), '*** Serial'.length);
    assert.equal(search.partialAtEnd('echo DOM4', 0), 'DOM4'.length);
    assert.equal(search.partialAtEnd('echo hi', 0), 0);
  });
});

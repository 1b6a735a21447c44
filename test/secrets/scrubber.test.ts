import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { Transcript } from '../../harness/console/transcript.ts';
import { describeError, HilError } from '../../harness/errors.ts';
import { maskSecrets, MIN_SECRET_LENGTH, registerSecret, resetSecrets, scrub, scrubBytes, scrubValue, SECRET_MASK } from '../../harness/secrets/scrubber.ts';
import { scrubTerminal } from '../../harness/secrets/terminal.ts';
import { useTempDirs } from '../support/temp-dirs.ts';

describe('secret scrubber', () => {
  const SECRET = `Hu n+t3r/2&Zq"9'x`;
  const temp = useTempDirs();
  beforeEach(() => registerSecret(SECRET));
  afterEach(() => resetSecrets());

  it('masks the secret in every spelling a URL, a form, JSON, a JS string or HTML gives it', () => {
    const spellings = [
      SECRET,
      encodeURIComponent(SECRET),
      encodeURIComponent(SECRET).toLowerCase().replace(/hu/, 'Hu').replace(/zq/, 'Zq'), // lower-case hex
      new URL(`http://x/?p=${encodeURIComponent(SECRET)}`).search.slice(3), // the URL parser encodes ' too
      new URLSearchParams({ p: SECRET }).toString().slice(2), // '+' for a space
      JSON.stringify(SECRET).slice(1, -1),
      inspect(SECRET).slice(1, -1),
      SECRET.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/'/g, '&#39;'),
      SECRET.replace(/&/g, '&#x26;').replace(/"/g, '&#34;'),
      'Hu%20n+t3r%2f2&Zq\\"9%27x', // mixed, as a careless proxy might
    ];
    for (const s of spellings) assert.equal(scrub(`<${s}>`), `<${SECRET_MASK}>`, s);
  });

  it('masks the base64 of any text holding the secret (a Basic auth header), at each byte alignment, in both alphabets', () => {
    for (const prefix of ['', 'a', 'ab', 'admin:', 'root:']) {
      for (const enc of ['base64', 'base64url'] as const) {
        const encoded = Buffer.from(`${prefix}${SECRET}`).toString(enc);
        const masked = scrub(`Authorization: Basic ${encoded}`);
        assert.ok(masked.includes(SECRET_MASK), `${prefix} ${enc}: ${masked}`);
        assert.ok(!Buffer.from(masked.replace(/^.* /, '').replace(SECRET_MASK, ''), enc).toString('latin1').includes('t3r/2'), masked);
      }
    }
  });

  it('leaves text without the secret alone, a part of it included', () => {
    const text = 'power on failed: Hu n+t3r (a prefix) and 2&Zq"9\'x (a suffix)';
    assert.equal(scrub(text), text);
  });

  it('non-ASCII secrets: raw, percent-encoded UTF-8, \\u escapes, in text and in bytes', () => {
    const key = 'pässwörd🔑';
    registerSecret(key);
    for (const s of [key, encodeURIComponent(key), JSON.stringify(key).slice(1, -1), '\\u0070\\u00e4sswörd\\ud83d\\udd11'.replace('\\u0070', 'p')]) {
      assert.equal(scrub(`[${s}]`), `[${SECRET_MASK}]`, s);
    }
    assert.equal(scrubBytes(Buffer.from(`board: ${key} / ${SECRET}\n`)).toString(), `board: ${SECRET_MASK} / ${SECRET_MASK}\n`);
    const clean = Buffer.from('nothing \xff here', 'latin1');
    assert.equal(scrubBytes(clean), clean, 'bytes without a secret are passed on as they are');
  });

  it(`short secrets (under ${MIN_SECRET_LENGTH} characters) are not registered; maskSecrets masks a driver's own of any length`, () => {
    assert.equal(registerSecret('ab'), false);
    assert.equal(scrub('a b ab abc'), 'a b ab abc');
    assert.equal(maskSecrets('password=ab&x=1', ['ab', undefined]), `password=${SECRET_MASK}&x=1`);
    assert.equal(registerSecret('abc'), true);
    assert.equal(scrub('abcd'), `${SECRET_MASK}d`);
  });

  it('scrubValue: a record with the secret in its strings and keys, copied masked; the original is untouched', () => {
    const record = { failure: { stage: 'power', message: `echo ${SECRET}` }, tests: [{ error: encodeURIComponent(SECRET), ms: 3 }], [SECRET]: true };
    const clean = scrubValue(record);
    assert.deepEqual(clean, { failure: { stage: 'power', message: `echo ${SECRET_MASK}` }, tests: [{ error: SECRET_MASK, ms: 3 }], [SECRET_MASK]: true });
    assert.equal(record.failure.message, `echo ${SECRET}`);
  });

  it('describeError masks what a cause echoed', () => {
    const err = new HilError('power on failed', { cause: new Error(`device said: ${encodeURIComponent(SECRET)}`) });
    assert.equal(describeError(err), `power on failed\n  caused by: device said: ${SECRET_MASK}`);
  });

  it("a transcript's harness notes are masked; the board's own bytes are kept as they came", () => {
    const path = join(temp('hil-scrub-'), 'raw.log');
    const t = new Transcript({ path, now: () => 0 });
    t.write(Buffer.from(`board says ${SECRET}\n`));
    t.mark(`power on failed: ${SECRET}`);
    t.close();
    assert.equal(readFileSync(path, 'utf8'), `[   0.000] board says ${SECRET}\n[   0.000] [hil] power on failed: ${SECRET_MASK}\n`);
  });

  it('scrubTerminal: strings, buffers and other encodings written to a stream are masked, once however often it is called', () => {
    const got: unknown[] = [];
    const stream = { write: (chunk: unknown, ...rest: unknown[]) => (got.push(chunk, ...rest.filter((r) => typeof r === 'string')), true) } as unknown as NodeJS.WriteStream;
    const restore = scrubTerminal([stream]);
    scrubTerminal([stream]);
    stream.write(`a ${SECRET}\n`);
    stream.write(Buffer.from(`b ${SECRET}\n`));
    stream.write(Buffer.from(`c ${SECRET}\n`).toString('hex'), 'hex');
    restore();
    stream.write(`d ${SECRET}`);
    assert.deepEqual(got, [
      `a ${SECRET_MASK}\n`,
      Buffer.from(`b ${SECRET_MASK}\n`),
      Buffer.from(`c ${SECRET_MASK}\n`).toString('hex'),
      'hex',
      `d ${SECRET}`,
    ]);
  });

  it('a crash (uncaught exception or rejection) is printed masked and exits 1, with a held board or without', function () {
    this.timeout(30000);
    const crash = fileURLToPath(new URL('./fixtures/crash.ts', import.meta.url));
    for (const fault of ['throw', 'reject']) {
      for (const held of ['held', 'alone']) {
        const r = spawnSync(process.execPath, ['--import', 'tsx', crash, SECRET, fault, held], { encoding: 'utf8', timeout: 20000 });
        assert.equal(r.status, 1, `${fault} ${held}: ${r.stderr}`);
        assert.match(r.stderr, held === 'held' ? /internal error \(device answered \*{6}\)/ : /hil: internal error: Error: device answered \*{6}[\s\S]*raw \*{6}/);
        for (const s of [SECRET, encodeURIComponent(SECRET)]) assert.ok(!r.stderr.includes(s), `${fault} ${held}: ${r.stderr}`);
      }
    }
  });
});

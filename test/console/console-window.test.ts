import assert from 'node:assert/strict';
import { Console } from '../../harness/console/console.ts';
import { ConsoleFailureError, ConsoleTimeoutError } from '../../harness/errors.ts';
import { MemoryTransport } from '../support/memory-transport.ts';

/** The expect engine matches each new chunk with a bounded window of older text (maxMatchChars). */
describe('console expect engine: long waits', function () {
  let transport: MemoryTransport;
  let con: Console;
  beforeEach(function () {
    transport = new MemoryTransport();
    con = new Console(transport, { maxMatchChars: 1024 });
  });

  const noise = (lines: number) => Array.from({ length: lines }, (_, i) => `[ ${i}.000] kernel line ${i}\r\n`).join('');

  it('finds a pattern split over chunks after a long run of text, with all of it as before', async function () {
    const wait = con.expect(/hil: domain (\S+) ready/, { stage: 's', timeoutMs: 1000 });
    const text = noise(2000);
    for (let at = 0; at < text.length; at += 4096) transport.emit(text.slice(at, at + 4096));
    for (const part of ['hil: dom', 'ain al', 'pha rea', 'dy\r\n']) transport.emit(part);
    const m = await wait;
    assert.equal(m.match[1], 'alpha');
    assert.equal(m.before, text);
  });

  it('still sees, for a new wait, all text kept since the last match', async function () {
    transport.emit(`needle one\r\n${noise(3000)}`);
    const m = await con.expect(/needle (\w+)/, { stage: 's', timeoutMs: 100 });
    assert.equal(m.match[1], 'one');
  });

  it('does not take the start of its window for the start of the text (^ without m)', async function () {
    const wait = con.expect(/^X/, { stage: 's', timeoutMs: 100 });
    // 93-char chunks: 1024 (the window) is 1 more than a multiple of 93, so windows start on an X.
    for (let i = 0; i < 100; i++) transport.emit(`${'a'.repeat(90)}\r\nX`);
    await assert.rejects(wait, ConsoleTimeoutError);
  });

  it('matches a lookbehind whose text came in an earlier chunk', async function () {
    const wait = con.expect(/(?<=marker=)\d+/, { stage: 's', timeoutMs: 100 });
    transport.emit(noise(200));
    transport.emit('marker=');
    transport.emit(noise(0) + '42\r\n');
    assert.equal((await wait).match[0], '42');
  });

  it('fails on a failOn pattern completed by a later chunk', async function () {
    const wait = con.expect('ready', { stage: 's', timeoutMs: 1000, failOn: [/Kernel panic - not syncing[^\r\n]*\r?\n/] });
    transport.emit(noise(500));
    transport.emit('Kernel panic - not syn');
    transport.emit('cing: VFS: Unable to mount root fs\r\nready\r\n');
    await assert.rejects(wait, ConsoleFailureError);
  });

  it('misses a match longer than maxMatchChars that arrives in several chunks (the documented limit)', async function () {
    const wait = con.expect(/BEGIN[\s\S]*END/, { stage: 's', timeoutMs: 100 });
    transport.emit('BEGIN');
    transport.emit(noise(200));
    transport.emit('END');
    await assert.rejects(wait, ConsoleTimeoutError);
    const late = await con.expect(/BEGIN[\s\S]*END/, { stage: 's', timeoutMs: 100 });
    assert.ok(late.match[0].length > 1024, 'a new wait reads all kept text again');
  });
});

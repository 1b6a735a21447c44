import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Console } from '../../harness/console/console.ts';
import { Transcript } from '../../harness/console/transcript.ts';
import { BoardFaultError, ConsoleFailureError, ConsoleTimeoutError } from '../../harness/errors.ts';
import { MemoryTransport } from '../support/memory-transport.ts';
import { useTempDirs } from '../support/temp-dirs.ts';

describe('console expect engine', function () {
  const temp = useTempDirs();
  let transport: MemoryTransport;
  let con: Console;
  beforeEach(function () {
    transport = new MemoryTransport();
    con = new Console(transport, { board: 'b1' });
  });

  it('matches text split across chunks', async function () {
    const wait = con.expect('Hit any key', { stage: 's', timeoutMs: 1000 });
    transport.emit('U-Boot 2023.01\r\nHit a');
    transport.emit('ny key to stop autoboot');
    const m = await wait;
    assert.equal(m.before, 'U-Boot 2023.01\r\n');
  });

  it('a halt fails the wait in progress at once and every later one, naming each stage, until resumed', async function () {
    transport.emit('(XEN) Xen version 4.17\r\n');
    const started = performance.now();
    const wait = con.expect('never', { stage: 'xen: banner', timeoutMs: 60000 });
    con.halt('the board lost power: QEMU exited unasked (signal SIGKILL)');
    const err = await wait.then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof BoardFaultError);
    assert.ok(performance.now() - started < 1000, 'not after the wait timed out');
    assert.match(err.message, /Board fault in stage 'xen: banner' on board b1: the board lost power: QEMU exited unasked/);
    assert.deepEqual(err.lastLines, ['(XEN) Xen version 4.17']);
    await assert.rejects(con.expect('x', { stage: 'later', timeoutMs: 60000 }), /Board fault in stage 'later'/);
    con.resume();
    transport.emit('x');
    await con.expect('x', { stage: 'after power-on', timeoutMs: 100 });
  });

  it('sees text that arrived before the wait started, once', async function () {
    transport.emit('one\ntwo\n');
    await con.expect('one', { stage: 's', timeoutMs: 100 });
    await con.expect('two', { stage: 's', timeoutMs: 100 });
    await assert.rejects(con.expect('one', { stage: 's', timeoutMs: 50 }), ConsoleTimeoutError);
  });

  it('returns the earliest of several patterns with its index and groups', async function () {
    transport.emit('xx DOM2: ready yy => ');
    const m = await con.expect(['=> ', /DOM(\d+): ready/], { stage: 's', timeoutMs: 100 });
    assert.equal(m.index, 1);
    assert.equal(m.match[1], '2');
  });

  it('times out naming the stage, the pattern and the last lines', async function () {
    transport.emit('line one\r\nline two\r\npartial');
    const err = await con.expect('never', { stage: 'xen: banner', timeoutMs: 30 }).catch((e) => e);
    assert.ok(err instanceof ConsoleTimeoutError);
    assert.match(err.message, /stage 'xen: banner' on board b1/);
    assert.match(err.message, /Expected: "never"/);
    assert.deepEqual(err.lastLines, ['line one', 'line two', 'partial']);
  });

  it('rejects at once on a failure pattern seen before the expected one', async function () {
    const wait = con.expect('ready', { stage: 'boot', timeoutMs: 5000, failOn: [/Kernel panic - not syncing[^\n]*/] });
    transport.emit('Kernel panic - not syncing: VFS\nready\n');
    const err = await wait.catch((e) => e);
    assert.ok(err instanceof ConsoleFailureError);
    assert.match(err.message, /Kernel panic - not syncing: VFS/);
  });

  it('of many failure patterns, the earliest on the console is the one reported, whatever its place in the list (flags kept)', async function () {
    const failOn = [/Xen BUG at[^\r\n]*(?=[\r\n])/, /oops: (\w+)/i, /Kernel panic[^\r\n]*(?=[\r\n])/, /(a)\1x/];
    for (const [text, matched] of [
      ['boot… Kernel panic - not syncing: X\r\nXen BUG at foo.c:1\r\n', 'Kernel panic - not syncing: X'],
      ['boot… OOPS: here, then Kernel panic\r\n', 'OOPS: here'],
      ['boot… aax then Xen BUG at y\r\n', 'aax'],
      ['boot… Xen BUG at bar.c:2\r\nKernel panic\r\n', 'Xen BUG at bar.c:2'],
    ]) {
      con.discard();
      const wait = con.expect('ready', { stage: 'boot', timeoutMs: 5000, failOn });
      transport.emit(text);
      const err = await wait.catch((e: unknown) => e);
      assert.ok(err instanceof ConsoleFailureError, text);
      assert.equal(err.matched, matched);
    }
  });

  it('ignores a failure pattern that comes after the match', async function () {
    transport.emit('ready\nKernel panic - not syncing\n');
    await con.expect('ready', { stage: 'boot', timeoutMs: 100, failOn: [/Kernel panic/] });
  });

  it('refuses two waits at once', async function () {
    const first = con.expect('a', { stage: 's', timeoutMs: 50 }).catch(() => undefined);
    assert.throws(() => con.expect('b', { stage: 's', timeoutMs: 50 }), /already has a wait/);
    await first;
  });

  it('passes every byte value through to the transcript and back out on send', async function () {
    const dir = temp('hil-con-');
    const transcript = new Transcript({ path: join(dir, 'raw.log'), now: () => 1234 });
    const c2 = new Console(transport, { transcript });
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    transport.emit(all);
    await c2.send(all);
    transcript.close();
    const raw = readFileSync(join(dir, 'raw.log'));
    assert.ok(raw.includes(all.subarray(11)), 'bytes after the last newline arrive intact');
    assert.match(raw.toString('latin1'), /^\[ {3}1\.234\] /);
    assert.deepEqual(Buffer.concat(transport.written), all);
  });
});

describe('transcript', function () {
  const temp = useTempDirs();
  it('stamps every line and marks harness notes on their own line', function () {
    const dir = temp('hil-tr-');
    let now = 0;
    const t = new Transcript({ path: join(dir, 'raw.log'), now: () => now });
    t.write(Buffer.from('abc'));
    now = 1500;
    t.mark('power off');
    t.write(Buffer.from('x\ny'));
    t.close();
    assert.equal(readFileSync(join(dir, 'raw.log'), 'utf8'), '[   0.000] abc\n[   1.500] [hil+] power off\n[   1.500] x\n[   1.500] y');
  });
});

import assert from 'node:assert/strict';
import { Console } from '../../harness/console/console.ts';
import { DomainConsoles } from '../../harness/xen/domain-consoles.ts';
import { XenConsoleModel } from '../../harness/xen/xen-console.ts';
import { FakeXenConsole } from '../support/fake-xen-console.ts';
import { useTempDirs } from '../support/temp-dirs.ts';

/** A booted two-domU board on a fake Xen console: the model has seen both domains and the focus on DOM0. */
function board(transcriptDir: string, opts: { key?: string; conswitchKey?: string; charMs?: number; promptQueryMs?: number } = {}) {
  const line = new FakeXenConsole(undefined, opts.key ?? 'a', { charMs: opts.charMs, promptQueryMs: opts.promptQueryMs });
  const con = new Console(line, { board: 'fake' });
  const xen = new XenConsoleModel(() => 0);
  con.onText((t) => xen.push(t));
  const domains = new DomainConsoles({
    console: con,
    xen,
    transcriptDir,
    now: () => 0,
    conswitchKey: opts.conswitchKey,
    pressLimit: { name: 'conswitchPressMs', ms: 300, from: 'the test' },
  });
  for (const l of [
    '(XEN) *** LOADING DOMU cpus=1 memory=40000KB ***',
    '(XEN) Loading d1 kernel from boot module @ 0000000042a00000',
    '(XEN) *** LOADING DOMU cpus=1 memory=40000KB ***',
    '(XEN) Loading d2 kernel from boot module @ 0000000042a00000',
    "(XEN) *** Serial input to DOM0 (type 'CTRL-a' three times to switch input)",
    '(XEN) DOM1: hil: domain alpha ready',
    '(XEN) DOM2: hil: domain beta ready',
  ]) {
    line.emit(l + '\r\n');
  }
  return { line, con, xen, domains };
}

describe('domain consoles over the conswitch', function () {
  const temp = useTempDirs();
  it('moves the focus to the wanted domain, learning the cycle from Xen', async function () {
    const { line, domains } = board(temp('hil-dc-'));
    await domains.switch.focusOn('DOM2');
    assert.equal(line.focus, 'DOM2');
    await domains.switch.focusOn('DOM1');
    assert.deepEqual(domains.switch.seen, ['DOM1', 'DOM2', 'Xen', 'DOM0', 'DOM1']);
  });

  it('fails after the bounded presses when the conswitch key is wrong, showing what it saw', async function () {
    const { domains } = board(temp('hil-dc-'), { key: 'a', conswitchKey: 'b' });
    const err = await domains.switch.focusOn('DOM1').catch((e) => e);
    assert.match(err.message, /focus did not reach DOM1 after 6 presses of Ctrl-B x3/);
    assert.match(err.message, /focus lines seen: \(no focus line\) → \(no focus line\)/);
  });

  it('runs a command in each domain and gets its own answer', async function () {
    const { domains } = board(temp('hil-dc-'));
    const alpha = await domains.domain('alpha').run('whoami');
    const beta = await domains.domain('beta').run('whoami');
    assert.deepEqual([alpha.output, beta.output], ['DOM1', 'DOM2']);
  });

  it('types into a domain whose prompt ended while the focus was away, without a retype', async function () {
    // busybox ash prints "/ # " and then ESC[6n; the prompt is matched before the query arrives, the focus
    // moves on, and Xen holds the query back until the domain's next character, then adds a line break.
    const { domains } = board(temp('hil-dc-'), { promptQueryMs: 15 });
    const [alpha, beta] = [domains.domain('alpha'), domains.domain('beta')];
    for (let i = 0; i < 3; i++) {
      assert.equal((await beta.run(`echo beta-${i}`)).output, `beta-${i}`);
      assert.equal((await alpha.run(`echo alpha-${i}`)).output, `alpha-${i}`);
    }
    assert.deepEqual([alpha.retypes, beta.retypes], [0, 0]);
  });

  it('types a 300-character line through the 32-byte buffer without losing a character', async function () {
    const { line, domains } = board(temp('hil-dc-'), { charMs: 3 });
    const text = 'x'.repeat(295);
    const r = await domains.domain('alpha').run(`echo ${text}`);
    assert.equal(r.output, text);
    assert.deepEqual(line.dropped, []);
  });

  it('the same line sent in one write overflows the buffer (why typing is chunked)', async function () {
    const { line } = board(temp('hil-dc-'), { charMs: 3 });
    line.focus = 'DOM1';
    await line.write('y'.repeat(300));
    assert.ok(line.dropped.length > 200, `only ${line.dropped.length} dropped`);
  });

  it('presses debug keys only with the focus on Xen', async function () {
    const { con, domains } = board(temp('hil-dc-'));
    await domains.debugKey('h');
    assert.equal(domains.switch.focus, 'Xen');
    await con.expect(/'h' pressed -> showing installed handlers/, { stage: 't', timeoutMs: 1000 });
    await assert.rejects(domains.debugKey('hh'), /not a Xen debug key/);
  });

  it('forgets the last boot\'s shells at reset(): the next command prepares the new shell again', async function () {
    const { line, domains } = board(temp('hil-dc-'));
    await domains.domain('alpha').run('whoami');
    const before = line.writtenText().split('stty cols').length;
    domains.reset();
    await domains.domain('alpha').run('whoami');
    assert.equal(line.writtenText().split('stty cols').length, before + 1, 'the terminal width is set again after reset');
  });

  it('says which domains exist when asked for an unknown one', function () {
    const { domains } = board(temp('hil-dc-'));
    assert.throws(() => domains.domain('gamma'), /no domain 'gamma' on this board \(known: alpha, beta\)/);
  });
});

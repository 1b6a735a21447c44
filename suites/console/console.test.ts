import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { suiteContext } from '../../harness/run/context.ts';
import { stripTranscript, isSubsequence } from './transcript-text.ts';

/** Each domU's name as the system file gives it. */
const domainNames = () => suiteContext().plan.domains.map((d) => d.name);
const shell = (name: string) => suiteContext().session.domains.domain(name);

describe('console', function () {
  before(async function () {
    this.timeout(0); // the boot's stages have their own timeouts
    await suiteContext().strategy.transition('booted');
  });

  it('walks the conswitch cycle through Xen and every domU, back to where it started', async function () {
    const { switch: conswitch } = suiteContext().session.domains;
    const start = conswitch.focus;
    assert.ok(start, 'Xen announced no input focus at the end of boot');
    const cycle: string[] = [];
    do cycle.push(await conswitch.press());
    while (conswitch.focus !== start && cycle.length < 8);
    assert.equal(conswitch.focus, start, `focus did not come back to ${start}: went ${cycle.join(' → ')}`);
    for (const target of ['Xen', ...suiteContext().session.xen.domains.map((d) => `DOM${d.domid}`)]) {
      assert.ok(cycle.includes(target), `${target} is not in the cycle ${cycle.join(' → ')}`);
    }
  });

  it('reaches each domU on its own console, which answers with its own identity', async function () {
    for (const name of domainNames()) {
      const r = await shell(name).run('cat /proc/cmdline');
      assert.equal(r.exitCode, 0);
      assert.match(r.output, new RegExp(`hil\\.domain=${name}(\\s|$)`), `${name} answered: ${r.output}`);
    }
  });

  it('delivers a 300-character command intact through the 32-byte vpl011 buffer', async function () {
    const name = domainNames()[0];
    const payload = randomBytes(200).toString('base64').replace(/[^A-Za-z0-9]/g, '').slice(0, 290);
    const command = `echo ${payload}${'x'.repeat(300 - 5 - payload.length)}`;
    assert.equal(command.length, 300);
    const r = await shell(name).run(command);
    assert.equal(r.output, command.slice(5));
  });

  it('reports a non-zero exit status', async function () {
    const name = domainNames()[domainNames().length - 1];
    assert.equal((await shell(name).run('false')).exitCode, 1);
    assert.equal((await shell(name).run("sh -c 'exit 7'")).exitCode, 7);
  });

  it('never mixes the outputs of two domUs used alternately ten times', async function () {
    const names = domainNames();
    if (names.length < 2) this.skip();
    for (let i = 0; i < 10; i++) {
      for (const name of names.slice(0, 2)) {
        const r = await shell(name).run(`echo ${name}-${i}; grep -o 'hil.domain=[a-z0-9-]*' /proc/cmdline`);
        assert.deepEqual(r.output.split('\n'), [`${name}-${i}`, `hil.domain=${name}`], `round ${i} on ${name}`);
      }
    }
  });

  it('typed every command line intact the first time: no echo had to be retyped', function () {
    const retyped = domainNames().map((name) => ({ name, retypes: shell(name).retypes }));
    const total = retyped.reduce((n, d) => n + d.retypes, 0);
    suiteContext().figures['console: command lines retyped after a bad echo'] = total;
    // A retype means an echo came back wrong or late: bytes misfiled between streams, or lost input.
    assert.equal(total, 0, `retyped lines: ${retyped.map((d) => `${d.name} ${d.retypes}`).join(', ')} (see console/<domain>.log)`);
  });

  it('answers a harmless Xen debug key while the focus is on Xen', async function () {
    const { session } = suiteContext();
    await session.domains.debugKey('h');
    assert.equal(session.domains.switch.focus, 'Xen');
    await session.console.expect(/'h' pressed -> showing installed handlers/, { stage: 'xen: debug key h', timeoutMs: 5000 });
  });

  it('keeps per-domain transcripts that together hold every byte of the raw transcript', function () {
    const { session } = suiteContext();
    session.xen.splitter.flush();
    const raw = stripTranscript(readFileSync(session.transcript.path, 'latin1'));
    const parts = session.domains.transcriptPaths().map((p) => ({ p, text: stripTranscript(readFileSync(p, 'latin1')) }));
    const total = parts.reduce((n, part) => n + part.text.length, 0);
    assert.equal(total, raw.length, `per-domain files hold ${total} bytes, raw.log ${raw.length}`);
    for (const part of parts) assert.ok(isSubsequence(part.text, raw), `${part.p} has bytes raw.log does not have in that order`);
    for (const name of domainNames()) assert.ok(parts.some((part) => part.p.endsWith(`/${name}.log`)), `no ${name}.log`);
  });
});

import assert from 'node:assert/strict';
import { suiteContext } from '../../harness/run/context.ts';
import { endOfBootFocus } from '../../harness/xen/versions.ts';

/** How long the wrong switch key is given to move the focus before the test says it did not. */
const NO_SWITCH_MS = 2000;

const FOCUS_LINE = /\*\*\* Serial input to (\S+) \(type 'CTRL-(\w)' three times to switch input\)/g;

/**
 * "conswitch=<key>[x]" on Xen's command line: Ctrl plus the key, three times, moves the serial input;
 * with the 'x', Xen keeps the input at the end of boot instead of handing it on. The system file's
 * `xen.conswitch` sets it (default 'a'); the console suite boots Ctrl-A, pv-drivers boots `bx`.
 */
describe('console: the switch key, as the system file configures it', function () {
  before(async function () {
    this.timeout(0); // every stage of the boot has its own timeout
    await suiteContext().strategy.transition('booted');
  });

  it("Xen's end-of-boot focus line names the configured key, and with 'x' keeps the input on Xen (without it: DOM0 on 4.17; on 4.20, the first domU when there is no dom0)", function () {
    const { session, system, plan } = suiteContext();
    const first = session.bootTranscript().matchAll(FOCUS_LINE).next().value;
    assert.ok(first, 'Xen printed no "*** Serial input to" line');
    const keepsIt = system.xen.conswitch.endsWith('x');
    const version = session.xen.version;
    assert.ok(version, 'Xen printed no version banner');
    const handedTo = endOfBootFocus(version, !!system.dom0);
    assert.deepEqual([first[1], first[2]], [keepsIt ? 'Xen' : handedTo, plan.conswitchKey], `where the input went at the end of boot (Xen ${version}, conswitch=${system.xen.conswitch}), and the key Xen names`);
  });

  it('the harness reaches every domU with the configured key and runs a command in its shell', async function () {
    const { session, plan } = suiteContext();
    for (const d of plan.domains) {
      const r = await session.domains.domain(d.name).run("grep -o 'hil.domain=[a-z0-9-]*' /proc/cmdline");
      assert.equal(r.output, `hil.domain=${d.name}`, `${d.name}'s own shell answered`);
    }
    assert.ok(session.domains.switch.seen.length > 0, 'the focus was moved');
  });

  it('another key pressed three times does not move the focus', async function () {
    const { session, plan } = suiteContext();
    const other = plan.conswitchKey === 'a' ? 'b' : 'a';
    await session.domains.switch.focusOn('Xen');
    session.console.discard();
    await session.console.send(String.fromCharCode(other.charCodeAt(0) - 96).repeat(3));
    const moved = await session.console
      .expect(/\*\*\* Serial input to/, { stage: `xen: Ctrl-${other.toUpperCase()} x3 with conswitch=${plan.conswitchKey}`, timeoutMs: NO_SWITCH_MS })
      .then(() => true, () => false);
    assert.equal(moved, false, `Xen answered Ctrl-${other.toUpperCase()} three times`);
    assert.equal(session.xen.focus, 'Xen');
  });
});

import assert from 'node:assert/strict';
import { requireDom0Ssh, suiteContext } from '../../harness/run/context.ts';
import { dom0 } from './pv-board.ts';

/**
 * "Old kernels will continue without xenstore support": an enhanced domU whose kernel predates the
 * dom0less Xenstore protocol (Debian 11's Linux 5.10) does not wait for Xenstore, while dom0 is up
 * and init-dom0less has not run. (New kernels wait: init-dom0less.test.ts.) A crash here would be
 * the document's "old buggy kernel" case: the boot's failure names the domain and its kernel line.
 */
/** What a new kernel prints once its late Xenstore set-up ran (init-dom0less.test.ts waits for it). */
const XENSTORE_SETUP_LINE = 'xen:cpu_hotplug: Unable to read cpu state';
/** A new kernel does its set-up within about a second of init-dom0less; the old one is given ten. */
const LATE_SETUP_MS = 10000;

describe('pv-drivers: an old kernel as an enhanced domU goes on without Xenstore', function () {
  before(async function () {
    this.timeout(0); // every stage of the boot has its own timeout
    await suiteContext().strategy.transition('booted');
  });

  it("the old kernel reaches its shell with no Xenstore home, before init-dom0less: it does not wait for Xenstore", async function () {
    const ctx = suiteContext();
    const [old] = ctx.plan.domains.filter((d) => d.enhanced);
    assert.ok(old, 'the system has an enhanced domU');
    const shell = ctx.session.domains.domain(old.name);
    assert.match((await shell.run('uname -r')).output, /^5\.10\./, "the domU runs Debian 11's 5.10 kernel");
    // xen,enhanced reached the guest: Xen gave it the /hypervisor node of a PV-capable domain.
    assert.match((await shell.run('cat /proc/device-tree/hypervisor/compatible | tr "\\0" " "')).output, /xen,xen/);
    const homes = (await dom0(requireDom0Ssh(ctx), 'xenstore-list /local/domain')).trim().split('\n');
    assert.deepEqual(homes, ['0'], 'only dom0 has a Xenstore home: init-dom0less has not run');
  });

  it('after init-dom0less gives it a Xenstore home, the old kernel stays without Xenstore: it never does the set-up a new kernel does', async function () {
    this.timeout(LATE_SETUP_MS + 60000);
    const ctx = suiteContext();
    const [old] = ctx.plan.domains.filter((d) => d.enhanced);
    const out = await dom0(requireDom0Ssh(ctx), 'init-dom0less');
    assert.match(out, /^Init dom0less domain: \d+$/m, 'init-dom0less introduced the domU');
    const shell = ctx.session.domains.domain(old.name);
    await new Promise((r) => setTimeout(r, LATE_SETUP_MS));
    assert.equal((await shell.run(`dmesg | grep -c '${XENSTORE_SETUP_LINE}'`)).output, '0', `the old kernel printed '${XENSTORE_SETUP_LINE}': it did connect to Xenstore`);
    assert.equal((await shell.run('echo still here')).output, 'still here');
  });
});

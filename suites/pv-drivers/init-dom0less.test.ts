import assert from 'node:assert/strict';
import { parseXlList } from '../../harness/dom0/xl-output.ts';
import { MARK } from '../../harness/report/marks.ts';
import { pollUntil } from '../../harness/util/deadline.ts';
import { dom0, domidOf, ensureDom0less, pvBoard, type PvBoard } from './pv-board.ts';

/** The document's "PV Drivers" section and its note on names, checked from dom0 over SSH. */
/**
 * What Linux 6.1 prints once Xenstore is there: its Xenstore notifiers run, and the vCPU hot-plug one
 * finds no cpu/N/availability node for a dom0less domain (drivers/xen/cpu_hotplug.c).
 */
const XENSTORE_READY_LINE = 'xen:cpu_hotplug: Unable to read cpu state';
/** From init-dom0less to that line in the guest. */
const XENSTORE_READY_MS = 30000;

describe('pv-drivers: init-dom0less connects enhanced dom0less domUs to Xenstore', function () {
  let b: PvBoard;
  const xlList = async () => parseXlList(await dom0(b.ssh, 'xl list'));
  const hasHome = async (domid: number) => (await b.ssh.run(`xenstore-exists /local/domain/${domid}`)).exitCode === 0;

  before(async function () {
    this.timeout(0); // every boot stage has its own budget
    b = await pvBoard();
  });

  it('dom0 is up and answers over SSH with the lab key', async function () {
    const r = await b.ssh.run('id -u; hostname');
    assert.equal(r.exitCode, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), ['0', 'dom0']);
    const { figures, session } = b.ctx;
    figures['dom0 ready after power-on (ms)'] = session.clock.find(MARK.dom0Ready)!.ms;
    figures['SSH connect + first command (ms)'] = r.ms;
  });

  it('before init-dom0less, xl list shows every dom0less domU with no name: (null)', async function () {
    const rows = await xlList();
    assert.equal(rows.find((r) => r.domid === 0)?.name, 'Domain-0');
    for (const d of [...b.enhanced, ...b.plain]) {
      assert.equal(rows.find((r) => r.domid === d.domid)?.name, '(null)', `${d.name} (domid ${d.domid}) in xl list`);
    }
  });

  it("xl list in dom0 shows each dom0less domU with its own configured memory and vCPUs", async function () {
    const rows = await xlList();
    for (const planned of b.ctx.plan.domains) {
      const row = rows.find((r) => r.domid === domidOf(b.ctx, planned.name));
      assert.ok(row, `${planned.name} is not in xl list`);
      assert.deepEqual([row.memMiB, row.vcpus], [planned.memoryKb / 1024, planned.vcpus], `${planned.name}: [MiB, vCPUs] in xl list`);
    }
  });

  it('before init-dom0less, an enhanced domU has no Xenstore home (no xenbus devices can exist)', async function () {
    for (const d of b.enhanced) assert.equal(await hasHome(d.domid), false, `/local/domain/${d.domid} (${d.name}) exists already`);
    assert.deepEqual((await dom0(b.ssh, 'xenstore-list /local/domain')).trim().split('\n'), ['0']);
  });

  it("before init-dom0less, an enhanced domU's kernel has not yet run its Xenstore set-up (its own dmesg)", async function () {
    for (const d of b.enhanced) {
      const r = await b.ctx.session.domains.domain(d.name).run(`dmesg | grep -c '${XENSTORE_READY_LINE}'`);
      assert.equal(r.output, '0', `${d.name} printed '${XENSTORE_READY_LINE}' before init-dom0less`);
    }
  });

  it('init-dom0less initialises every enhanced domU, naming its domid, and exits 0', async function () {
    const started = performance.now();
    const out = await ensureDom0less(b);
    b.ctx.figures['init-dom0less (ms)'] = Math.round(performance.now() - started);
    for (const d of b.enhanced) {
      assert.match(out, new RegExp(`^Checking domid: ${d.domid}$`, 'm'));
      assert.match(out, new RegExp(`^Init dom0less domain: ${d.domid}$`, 'm'), `${d.name}`);
      assert.equal(await hasHome(d.domid), true, `/local/domain/${d.domid} (${d.name}) after init-dom0less`);
    }
  });

  it("an enhanced domU's kernel goes on with its Xenstore set-up only after init-dom0less, by its own printk clock", async function () {
    this.timeout(XENSTORE_READY_MS + 10000);
    await ensureDom0less(b);
    for (const d of b.enhanced) {
      const shell = b.ctx.session.domains.domain(d.name);
      const line = await pollUntil(async () => (await shell.run(`dmesg | grep '${XENSTORE_READY_LINE}'`)).output.split('\n')[0] || undefined, XENSTORE_READY_MS, [500, 1000, 2000]);
      assert.ok(line, `${d.name} never printed '${XENSTORE_READY_LINE}' after init-dom0less`);
      const at = Number(/^\[\s*(\d+\.\d+)\]/.exec(line)?.[1]);
      const before = b.clockBeforeInit.get(d.domid)!;
      assert.ok(at > before, `${d.name}: its Xenstore set-up at ${at} s of its own clock, init-dom0less started after ${before} s`);
      b.ctx.figures[`${d.name}: Xenstore set-up after init-dom0less, guest clock (ms)`] = Math.round((at - before) * 1000);
    }
  });

  it('skips a domU without xen,enhanced: it gets no Xenstore home (though init-dom0less prints "Init" for it too)', async function () {
    const out = await ensureDom0less(b);
    for (const d of b.plain) {
      // Xen 4.17's init-dom0less prints the line before it finds the domain has no Xenstore event channel.
      assert.match(out, new RegExp(`^Checking domid: ${d.domid}$`, 'm'), `${d.name} was looked at`);
      assert.equal(await hasHome(d.domid), false, `/local/domain/${d.domid} (${d.name}) exists`);
    }
    assert.deepEqual(
      (await dom0(b.ssh, 'xenstore-list /local/domain')).trim().split('\n').map(Number).sort(),
      [0, ...b.enhanced.map((d) => d.domid)].sort(),
    );
  });

  it('a second run reports the enhanced domUs as already initialised', async function () {
    await ensureDom0less(b);
    const out = await dom0(b.ssh, 'init-dom0less');
    for (const d of b.enhanced) {
      assert.match(out, new RegExp(`^Domain ${d.domid} has already been initialized$`, 'm'), d.name);
      assert.doesNotMatch(out, new RegExp(`^Init dom0less domain: ${d.domid}$`, 'm'), d.name);
    }
  });

  it('after it, xl list names an enhanced domU dom0less-<domid>; the others stay (null)', async function () {
    await ensureDom0less(b);
    const rows = await xlList();
    for (const d of b.enhanced) assert.equal(rows.find((r) => r.domid === d.domid)?.name, `dom0less-${d.domid}`, d.name);
    for (const d of b.plain) assert.equal(rows.find((r) => r.domid === d.domid)?.name, '(null)', d.name);
  });

  it('a name written to the domain’s Xenstore node is the name xl list shows', async function () {
    await ensureDom0less(b);
    for (const d of b.enhanced) {
      await dom0(b.ssh, `xenstore-write /local/domain/${d.domid}/name ${d.name}`);
      assert.equal((await dom0(b.ssh, `xenstore-read /local/domain/${d.domid}/name`)).trim(), d.name);
    }
    const rows = await xlList();
    for (const d of b.enhanced) assert.equal(rows.find((r) => r.domid === d.domid)?.name, d.name);
  });
});

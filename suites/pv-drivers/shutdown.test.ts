import assert from 'node:assert/strict';
import { parseXlList } from '../../harness/dom0/xl-output.ts';
import { sleep } from '../../harness/util/deadline.ts';
import { dom0, ensureDom0less, pvBoard, type BootedDomU, type PvBoard } from './pv-board.ts';

/** How long a domain is watched after xl shutdown/reboot: a guest that acts on it is gone or rebooting by then. */
const WATCH_MS = 15000;

/**
 * "They cannot be properly shutdown or rebooted using xl." Last in the suite: should a domain go after
 * all, nothing runs on it afterwards. What Xen 4.17 with Linux 6.1 does: libxl refuses a domU without
 * Xenstore (it has no /libxl/N/type); for an enhanced one xl says "Shutting down"/"Rebooting", and the
 * guest never hears of it.
 */
describe('pv-drivers: xl shutdown and xl reboot of a domain Xen started at boot', function () {
  let b: PvBoard;

  before(async function () {
    this.timeout(0);
    b = await pvBoard();
    await ensureDom0less(b);
  });

  /** Still listed with the same domid, not shut down, dying or crashed, and its own shell answers. */
  async function stillRunning(d: BootedDomU, after: string): Promise<void> {
    const row = parseXlList(await dom0(b.ssh, 'xl list')).find((r) => r.domid === d.domid);
    assert.ok(row, `${d.name} (domid ${d.domid}) is gone from xl list after ${after}`);
    assert.doesNotMatch(row.state, /[scd]/, `${d.name} state ${row.state} after ${after} (s = shut down, c = crashed, d = dying)`);
    const r = await b.ctx.session.domains.domain(d.name).run('echo alive');
    assert.equal(r.output, 'alive', `${d.name}'s shell after ${after}`);
  }

  for (const verb of ['shutdown', 'reboot'] as const) {
    it(`xl ${verb} of a domU without xen,enhanced is refused by libxl, and the domU runs on`, async function () {
      this.timeout(60000);
      for (const d of b.plain) {
        const r = await b.ssh.run(`xl ${verb} ${d.domid}`, { timeoutMs: 30000 });
        assert.notEqual(r.exitCode, 0, `xl ${verb} ${d.domid} (${d.name}) exited 0:\n${r.stdout}${r.stderr}`);
        assert.match(`${r.stdout}${r.stderr}`, new RegExp(`xenstore read failed: \`/libxl/${d.domid}/type'`), 'why libxl refused');
        await stillRunning(d, `xl ${verb}`);
      }
    });

    it(`xl ${verb} of an enhanced domU is accepted, yet the domU never ${verb === 'shutdown' ? 'shuts down' : 'reboots'}`, async function () {
      this.timeout(WATCH_MS + 60000);
      for (const d of b.enhanced) {
        const uptime = async () => Number((await b.ctx.session.domains.domain(d.name).run('cut -d. -f1 /proc/uptime')).output);
        const before = await uptime();
        const r = await b.ssh.run(`xl ${verb} ${d.domid}`, { timeoutMs: 30000 });
        assert.equal(r.exitCode, 0, `xl ${verb} ${d.domid} (${d.name}):\n${r.stdout}${r.stderr}`);
        assert.match(r.stdout + r.stderr, verb === 'shutdown' ? /Shutting down domain/ : /Rebooting domain/);
        await sleep(WATCH_MS);
        await stillRunning(d, `xl ${verb} and ${WATCH_MS / 1000} s`);
        assert.ok((await uptime()) >= before + WATCH_MS / 1000, `${d.name}'s uptime went back: it rebooted`);
      }
    });
  }
});

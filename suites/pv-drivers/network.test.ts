import assert from 'node:assert/strict';
import { BOOT_ERRORS } from '../../harness/console/failure-patterns.ts';
import { parseXlList } from '../../harness/dom0/xl-output.ts';
import { pollUntil } from '../../harness/util/deadline.ts';
import { ETH0_PARAM, NETFRONT_RE } from '../../harness/xen/readiness.ts';
import { dom0, ensureDom0less, pvBoard, type BootedDomU, type PvBoard } from './pv-board.ts';

/** Budget from `xl network-attach` to the domU's ping result (xen-netfront load, eth0, up to 5 pings). */
const ATTACH_TO_PING_MS = 90000;

/** "After the execution of init-dom0less, it is possible to use xl to hotplug PV drivers to dom0less guests." */
describe('pv-drivers: xl network-attach hot-plugs a PV NIC into an enhanced dom0less domU', function () {
  let b: PvBoard;
  let guest: BootedDomU & { address: string; gateway: string };
  let attachedMs: number;

  before(async function () {
    this.timeout(0);
    b = await pvBoard();
    await ensureDom0less(b);
    const planned = b.ctx.plan.domains.find((d) => d.enhanced && d.bootargs.includes(`${ETH0_PARAM}=`));
    if (!planned) throw new Error(`no enhanced domU with ${ETH0_PARAM}=ADDR/PREFIX,GW in ${b.ctx.system.file}: nothing to attach a NIC to`);
    const [address, gateway] = new RegExp(`${ETH0_PARAM}=(\\S+),(\\S+)`).exec(planned.bootargs)!.slice(1);
    guest = { ...b.enhanced.find((d) => d.name === planned.name)!, address, gateway };
  });

  it('xl network-attach <domid> succeeds from dom0', async function () {
    this.timeout(120000);
    attachedMs = b.ctx.session.clock.now();
    const r = await b.ssh.run(`xl network-attach ${guest.domid}`, { timeoutMs: 100000 });
    assert.equal(r.exitCode, 0, `${r.stdout}${r.stderr}`);
    b.ctx.figures['xl network-attach (ms)'] = r.ms;
  });

  it('the vif backend in dom0 and the frontend in the domU reach state 4 (connected)', async function () {
    this.timeout(90000);
    const state = async (path: string) => (await b.ssh.run(`xenstore-read ${path}`)).stdout.trim();
    const backend = `/local/domain/0/backend/vif/${guest.domid}/0/state`;
    const frontend = `/local/domain/${guest.domid}/device/vif/0/state`;
    const connected = await pollUntil(async () => ((await state(backend)) === '4' && (await state(frontend)) === '4' ? true : undefined), 80000, [500, 1000, 2000]);
    assert.ok(connected, `states after 80 s: backend ${await state(backend)}, frontend ${await state(frontend)} (4 = connected)`);
  });

  it('the domU gets eth0 through xen-netfront and pings dom0 across xenbr0', async function () {
    this.timeout(ATTACH_TO_PING_MS + 5000);
    const line = await pollUntil(() => b.guestLines.find((l) => l.domid === guest.domid && NETFRONT_RE.test(l.text)), ATTACH_TO_PING_MS - (b.ctx.session.clock.now() - attachedMs));
    assert.ok(line, `${guest.name} (DOM${guest.domid}) printed no eth0 result within ${ATTACH_TO_PING_MS} ms of xl network-attach`);
    const [, name, address, gateway, result] = NETFRONT_RE.exec(line.text)!;
    assert.deepEqual({ name, address, gateway, result }, { name: guest.name, address: guest.address, gateway: guest.gateway, result: 'ok' });
    b.ctx.figures['PV NIC: xl network-attach to ping ok in the domU (ms)'] = Math.round(line.ms - attachedMs);
  });

  it('dom0 reaches the domU back across the bridge, through its vif', async function () {
    const ports = (await dom0(b.ssh, 'ls /sys/class/net/xenbr0/brif')).split(/\s+/);
    assert.ok(ports.includes(`vif${guest.domid}.0`), `vif${guest.domid}.0 not among xenbr0's ports: ${ports.join(' ')}`);
    const ip = guest.address.split('/')[0];
    const r = await b.ssh.run(`ping -c 3 -W 3 ${ip}`, { timeoutMs: 20000 });
    assert.equal(r.exitCode, 0, `ping ${ip} from dom0:\n${r.stdout}${r.stderr}`);
  });

  it('PV needs xen,enhanced: xl network-attach to a domU without it fails, naming why, and the domU stays untouched', async function () {
    this.timeout(120000);
    for (const d of b.plain) {
      const r = await b.ssh.run(`xl network-attach ${d.domid}`, { timeoutMs: 100000 });
      assert.notEqual(r.exitCode, 0, `xl network-attach ${d.domid} (${d.name}, not enhanced) succeeded:\n${r.stdout}${r.stderr}`);
      // Xen 4.17's libxl: "xenstore read failed: `/libxl/N/type'" … "libxl_device_nic_add failed."
      assert.match(`${r.stdout}${r.stderr}`, new RegExp(`/libxl/${d.domid}/type[\\s\\S]*libxl_device_nic_add failed`), 'libxl names the missing Xenstore entry');
      const backend = await b.ssh.run(`xenstore-exists /local/domain/0/backend/vif/${d.domid}`);
      assert.notEqual(backend.exitCode, 0, `a vif backend was left for ${d.name}`);
    }
  });

  it('a domU without xen,enhanced keeps running untouched: listed, ready, no Xenstore home, nothing crashed', async function () {
    const rows = parseXlList(await dom0(b.ssh, 'xl list'));
    for (const d of b.plain) {
      const row = rows.find((r) => r.domid === d.domid);
      assert.ok(row, `${d.name} (domid ${d.domid}) is gone from xl list`);
      assert.doesNotMatch(row.state, /[cd]/, `${d.name} state ${row.state} (c = crashed, d = dying)`);
      assert.ok(b.ctx.session.xen.byName(d.name)?.readyMs, `${d.name} printed its readiness line`);
      assert.notEqual((await b.ssh.run(`xenstore-exists /local/domain/${d.domid}`)).exitCode, 0, `${d.name} has a Xenstore home`);
    }
    const text = b.ctx.session.sessionTranscript();
    assert.deepEqual(BOOT_ERRORS.map((re) => re.exec(text)?.[0]).filter(Boolean), [], 'failure patterns on the console');
  });
});

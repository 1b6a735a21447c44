import assert from 'node:assert/strict';
import { parseVcpuList } from '../../harness/dom0/xl-output.ts';
import { dom0, ensureDom0less, pvBoard, type PvBoard } from './pv-board.ts';

/** How long `xl console` may take to give up; xenconsole waits ~5 s for a tty that never comes. */
const XL_CONSOLE_MS = 20000;

/** The document's "Limitations" and "Notes", checked as what Xen 4.17 does today. */
describe('pv-drivers: documented limitations, as they behave today', function () {
  let b: PvBoard;

  before(async function () {
    this.timeout(0);
    b = await pvBoard();
    await ensureDom0less(b);
  });

  it("'xl console' does not attach to a dom0less domU's console, enhanced or not", async function () {
    this.timeout(XL_CONSOLE_MS * 2 + 10000);
    // Both at once: xenconsole waits ~5 s for each before it gives up.
    await Promise.all([...b.enhanced, ...b.plain].map(async (d) => {
      // A terminal, as a person would have; `timeout` stops it should it ever wait for good.
      const channel = await b.ssh.exec(`timeout ${XL_CONSOLE_MS / 1000} xl console ${d.domid}; echo "exit=$?"`, { pty: true });
      let output = '';
      channel.on('data', (chunk: Buffer) => (output += chunk.toString('latin1')));
      const typed = setTimeout(() => channel.write('\r'), 2000);
      await new Promise<void>((resolve) => channel.on('close', () => resolve()));
      clearTimeout(typed);
      const exit = Number(/exit=(\d+)/.exec(output)?.[1]);
      assert.ok(exit !== 0 && exit !== 124, `xl console ${d.domid} (${d.name}) exited ${exit}: ${JSON.stringify(output)}`);
      assert.match(output, /xenconsole: Could not read tty from store/, `${d.name}: why it did not attach`);
      assert.doesNotMatch(output, /\/ # |hil: domain/, `${d.name}: the domU's console showed up`);
    }));
  });

  it("'xl vcpu-pin' from dom0 pins a dom0less domU's vCPU, as the document says", async function () {
    const d = b.enhanced[0] ?? b.plain[0];
    const vcpu0 = async () => parseVcpuList(await dom0(b.ssh, `xl vcpu-list ${d.domid}`)).find((v) => v.domid === d.domid && v.vcpu === 0);
    assert.equal((await vcpu0())?.hard, 'all', `${d.name} vCPU 0 is not free to run anywhere before the test`);
    await dom0(b.ssh, `xl vcpu-pin ${d.domid} 0 0`);
    assert.equal((await vcpu0())?.hard, '0', `${d.name} vCPU 0 hard affinity after xl vcpu-pin ${d.domid} 0 0`);
    await dom0(b.ssh, `xl vcpu-pin ${d.domid} 0 all`);
    assert.equal((await vcpu0())?.hard, 'all', 'unpinned again');
  });
});

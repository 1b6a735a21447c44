import assert from 'node:assert/strict';
import { HilError } from '../../harness/errors.ts';
import { PduDaemonPower } from '../../harness/power/pdudaemon-power.ts';
import { closedPort } from './peers/http-peer.ts';
import { PduDaemonSim } from './peers/pdudaemon-sim.ts';

describe('pdudaemon power driver (simulated PDUDaemon on 127.0.0.1)', () => {
  let sim: PduDaemonSim;
  let port: number;
  const make = (o: Partial<ConstructorParameters<typeof PduDaemonPower>[0]> = {}) =>
    new PduDaemonPower({ host: '127.0.0.1', port, pdu: 'pdu01', outlet: 3, settleMs: 50, timeoutMs: 500, board: 'zcu102-a', ...o });

  beforeEach(async () => {
    sim = new PduDaemonSim(['pdu01']);
    port = await sim.start();
  });
  afterEach(() => sim.stop());

  it('sends on and off as GET /power/control/<cmd>?hostname=PDU&port=OUTLET&delay=0', async () => {
    const power = make();
    await power.on();
    assert.equal(sim.outlets.get('pdu01/3'), 'on');
    await power.off();
    assert.equal(sim.outlets.get('pdu01/3'), 'off');
    assert.deepEqual(
      sim.requests.map((u) => `${u.pathname}?${u.searchParams}`),
      ['/power/control/on?hostname=pdu01&port=3&delay=0', '/power/control/off?hostname=pdu01&port=3&delay=0'],
    );
  });

  it('has no state(): PDUDaemon cannot report an outlet', () => {
    assert.equal((make() as { state?: unknown }).state, undefined);
  });

  it('reboot queues off, then on after the delay', async () => {
    await make().reboot(0.2);
    assert.equal(sim.outlets.get('pdu01/3'), 'off');
    assert.equal(sim.requests[0].searchParams.get('delay'), '0.2');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(sim.outlets.get('pdu01/3'), 'on');
  });

  it('without settling, the outlet has not switched yet when a delayed request returns (asynchronous API)', async () => {
    await make({ delaySeconds: 0.2, settleMs: 0 }).on();
    assert.equal(sim.outlets.get('pdu01/3'), undefined);
  });

  it('edge: a PDU unknown to the daemon → error with the daemon\'s reason, naming board, driver and device', async () => {
    const err = await make({ pdu: 'nosuchpdu' }).on().then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof HilError);
    assert.equal(err.board, 'zcu102-a');
    assert.match(err.message, /board zcu102-a: power on failed \(pdudaemon nosuchpdu outlet 3 via 127\.0\.0\.1:\d+\)/);
    assert.match(err.message, /HTTP 500 Invalid request: PDU was not found in config/);
  });

  it('edge: connection refused', async () => {
    const power = make({ port: await closedPort() });
    await assert.rejects(power.off(), /power off failed .*PDUDaemon did not answer: connect ECONNREFUSED 127\.0\.0\.1:\d+/);
  });

  it('edge: the daemon never answers → timeout error', async () => {
    sim.hang = true;
    const start = performance.now();
    await assert.rejects(make({ timeoutMs: 300 }).on(), /PDUDaemon did not answer: no reply within 300 ms/);
    assert.ok(performance.now() - start < 1500);
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HilError } from '../../harness/errors.ts';
import { NumatoPower, type NumatoPowerOptions } from '../../harness/power/numato-power.ts';
import { numatoAnswer, numatoRelayId } from '../../harness/power/numato-protocol.ts';
import { PtyPair } from '../console/pty-pair.ts';
import { NumatoSim } from './peers/numato-sim.ts';

describe('numato relay protocol', () => {
  it('relay numbers: 0-9, then letters A-V up to 32 channels; two digits on 64-channel modules', () => {
    assert.deepEqual([0, 9, 10, 15].map((r) => numatoRelayId(r, 16)), ['0', '9', 'A', 'F']);
    assert.deepEqual([16, 31].map((r) => numatoRelayId(r, 32)), ['G', 'V']);
    assert.deepEqual([0, 31, 63].map((r) => numatoRelayId(r, 64)), ['00', '31', '63']);
  });

  it('edge: a relay the module does not have is refused', () => {
    assert.throws(() => numatoRelayId(8, 8), /relay 8 does not exist on a 8-channel module \(relays are numbered 0 to 7\)/);
  });

  it('answer lines come after the echo and before the prompt', () => {
    assert.deepEqual(numatoAnswer('relay read 2', 'relay read 2\n\ron\n\r>'), ['on']);
    assert.deepEqual(numatoAnswer('relay on 2', 'relay on 2\n\r>'), []);
    assert.equal(numatoAnswer('relay on 2', 'ver\n\r>'), undefined);
  });
});

describe('numato power driver (simulated module on a pty)', () => {
  let dir: string;
  let cable: PtyPair;
  let sim: NumatoSim;
  const make = (o: Partial<NumatoPowerOptions> = {}) =>
    new NumatoPower({ path: cable.a, relay: 12, channels: 16, timeoutMs: 300, board: 'zcu102-a', ...o });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hil-numato-'));
    cable = new PtyPair(join(dir, 'ttyACM0'), join(dir, 'module'));
    await cable.plug();
    sim = new NumatoSim(cable.b);
    await sim.open();
  });
  afterEach(async () => {
    await sim.close();
    await cable.unplug();
    rmSync(dir, { recursive: true, force: true });
  });

  it('switches with "relay on|off C" and verifies with "relay read C" (relay 12 → C)', async () => {
    const power = make();
    await power.on();
    assert.equal(sim.relays.get('C'), true);
    assert.equal(await power.state(), 'on');
    await power.off();
    assert.equal(sim.relays.get('C'), false);
    assert.deepEqual(sim.commands, ['relay on C', 'relay read C', 'relay read C', 'relay off C', 'relay read C']);
  });

  it('edge: the relay reports the wrong state after switching', async () => {
    sim.fault = 'stuck';
    const err = await make().on().then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof HilError);
    assert.match(err.message, /board zcu102-a: power on failed \(numato .*ttyACM0 relay 12\): the module reads relay 12 as off after 'relay on'/);
  });

  it('edge: an unexpected reply to relay read', async () => {
    sim.fault = 'garbage';
    await assert.rejects(make().state(), /unexpected reply to 'relay read C': 'maybe' \(expected on or off\)/);
  });

  it('edge: the module never answers → timeout naming the command', async () => {
    sim.fault = 'silent';
    await assert.rejects(make().on(), /no prompt '>' within 300 ms after 'CR'/);
  });

  it('edge: the serial device does not exist', async () => {
    await assert.rejects(make({ path: join(dir, 'ttyACM9') }).on(), /power on failed .*cannot open .*ttyACM9/);
  });
});

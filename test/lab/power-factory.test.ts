import assert from 'node:assert/strict';
import { z } from 'zod';
import { builtinPowerDrivers, createPowerSwitch, powerDriver, powerDriverTable } from '../../harness/lab/power-factory.ts';
import type { PowerSwitch } from '../../harness/power/power-switch.ts';
import { TasmotaSim } from '../power/peers/tasmota-sim.ts';

describe('power driver registry', () => {
  const ctx = { board: 'b1', baseDir: '/tmp' };
  const fake = powerDriver({
    schema: z.strictObject({ name: z.string() }),
    create: (o) => ({ description: `fake ${o.name}`, on: async () => undefined, off: async () => undefined }) satisfies PowerSwitch,
  });

  it('knows the built-in drivers', () => {
    assert.deepEqual(Object.keys(builtinPowerDrivers), ['command', 'pdudaemon', 'tasmota', 'numato', 'gpio']);
  });

  it('an extra table adds types (how the virtual board adds qemu) without changing the built-in one', () => {
    const table = powerDriverTable({ fake });
    assert.equal(createPowerSwitch({ driver: 'fake', name: 'x' }, ctx, { fake }).description, 'fake x');
    assert.ok('fake' in table);
    assert.ok(!('fake' in builtinPowerDrivers));
  });

  it('edge: a type defined twice fails when the table is built', () => {
    assert.throws(() => powerDriverTable({ tasmota: fake }), /power driver type 'tasmota' is defined twice/);
  });

  it('edge: an unknown type lists the known ones', () => {
    assert.throws(() => createPowerSwitch({ driver: 'apc' }, ctx), /unknown power driver 'apc': known drivers are command, pdudaemon, tasmota, numato, gpio/);
  });

  it('edge: bad options name the field', () => {
    assert.throws(() => createPowerSwitch({ driver: 'pdudaemon', host: 'h', pdu: 'p' }, ctx), /bad options for power driver 'pdudaemon': outlet: /);
  });

  it('creates a working switch from a config with a resolved password', async () => {
    const sim = new TasmotaSim({ relays: 2, password: 'pw' });
    const port = await sim.start();
    try {
      const power = createPowerSwitch({ driver: 'tasmota', host: '127.0.0.1', port, relay: 2, password: 'pw' }, ctx);
      await power.on();
      assert.deepEqual(sim.relays, [false, true]);
    } finally {
      await sim.stop();
    }
  });
});

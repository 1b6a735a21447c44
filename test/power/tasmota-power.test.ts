import assert from 'node:assert/strict';
import { describeError, HilError } from '../../harness/errors.ts';
import { TasmotaPower, type TasmotaPowerOptions } from '../../harness/power/tasmota-power.ts';
import { resetSecrets } from '../../harness/secrets/scrubber.ts';
import { closedPort } from './peers/http-peer.ts';
import { TasmotaSim } from './peers/tasmota-sim.ts';

describe('tasmota power driver (simulated Tasmota on 127.0.0.1)', () => {
  let sim: TasmotaSim;
  let port: number;
  const secret = 's3cr3t pass&word';
  const make = (o: Partial<TasmotaPowerOptions> = {}) =>
    new TasmotaPower({ host: '127.0.0.1', port, relay: 2, password: secret, timeoutMs: 500, board: 'rpi4-a', ...o });

  beforeEach(async () => {
    sim = new TasmotaSim({ relays: 4, password: secret });
    port = await sim.start();
  });
  afterEach(async () => {
    await sim.stop();
    resetSecrets();
  });

  it('switches relay N with cmnd=Power<N> On/Off, credentials in the query, and reads it back', async () => {
    const power = make();
    await power.on();
    assert.deepEqual(sim.relays, [false, true, false, false]);
    assert.equal(await power.state(), 'on');
    await power.off();
    assert.equal(await power.state(), 'off');
    const first = sim.requests[0];
    assert.equal(first.searchParams.get('cmnd'), 'Power2 On');
    assert.equal(first.searchParams.get('user'), 'admin');
    assert.equal(first.searchParams.get('password'), secret);
    assert.match(first.search, /cmnd=Power2%20On/);
  });

  it('a single-relay device answering with the key "POWER" is understood', async () => {
    await sim.stop();
    sim = new TasmotaSim({ relays: 1, bareKey: true });
    port = await sim.start();
    const power = make({ relay: 1, password: undefined });
    await power.on();
    assert.equal(await power.state(), 'on');
    assert.equal(sim.requests[0].searchParams.has('password'), false);
  });

  it('edge: a wrong password → the device\'s warning, and the password appears nowhere', async () => {
    const power = make({ password: 'wrong-' + secret });
    const err = await power.on().then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof HilError);
    assert.match(err.message, /board rpi4-a: power on failed \(tasmota 127\.0\.0\.1:\d+ relay 2\): the device refused GET \/cm\?cmnd=Power2 On: Need user=/);
    for (const text of [describeError(err), power.description, JSON.stringify(err)]) assert.ok(!text.includes(secret), text);
  });

  it('edge: a device or proxy that echoes the request (password in its URL) never gets the password into an error', async () => {
    for (const fault of ['echo-html', 'echo-json', 'echo-502'] as const) {
      sim.fault = fault;
      const err = await make().on().then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof HilError, fault);
      assert.match(err.message, /password=\*\*\*/, `${fault}: the echo is shown, the password masked: ${err.message}`);
      for (const text of [err.message, describeError(err), JSON.stringify(err), String(err.stack)]) assert.ok(!text.includes(secret), `${fault}: ${text}`);
    }
  });

  it('edge: a proxy echoing the password in its status text, headers and body (raw, encoded, as Basic auth): its status text is shown, the password in no spelling', async () => {
    sim.fault = 'echo-everything';
    const err = await make().on().then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof HilError);
    assert.match(err.message, /answered HTTP 502 Bad Gateway for \/cm\?user=admin&password=\*{6}&cmnd=/);
    assert.match(err.message, /auth Basic YWRtaW46\*{6}/);
    const spellings = [secret, encodeURIComponent(secret), new URLSearchParams({ p: secret }).toString().slice(2), Buffer.from(`admin:${secret}`).toString('base64').slice(8, -4)];
    for (const text of [err.message, describeError(err), JSON.stringify(err), String(err.stack)]) {
      for (const s of spellings) assert.ok(!text.includes(s), `${s} in: ${text}`);
    }
  });

  it('a password given in code (not by a lab file) is masked all the same, however short', async () => {
    sim.fault = 'echo-html';
    const err = await make({ password: 'pw' }).on().then(() => undefined, (e: unknown) => e);
    assert.match(String(err), /password=\*{6}&cmnd=/);
  });

  it('edge: the relay reports the wrong state after switching', async () => {
    sim.fault = 'stuck';
    await assert.rejects(make().on(), /the relay reports OFF after switching on/);
  });

  it('edge: an unexpected reply (not JSON)', async () => {
    sim.fault = 'garbage';
    await assert.rejects(make().state(), /answered something that is not JSON: <html>busy/);
  });

  it('edge: a relay the device does not have → unexpected reply', async () => {
    await assert.rejects(make({ relay: 7 }).on(), /unexpected reply to GET \/cm\?cmnd=Power7 On: \{"Command":"Unknown"\}/);
  });

  it('edge: connection refused', async () => {
    const err = await make({ port: await closedPort() }).off().then(() => undefined, (e: unknown) => e);
    assert.match(String(err), /power off failed .*no answer to GET \/cm\?cmnd=Power2 Off: connect ECONNREFUSED/);
    assert.ok(!describeError(err).includes(secret));
  });

  it('edge: the device never answers → timeout', async () => {
    sim.hang = true;
    await assert.rejects(make({ timeoutMs: 200 }).on(), /no reply within 200 ms/);
  });
});

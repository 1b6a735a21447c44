import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { ConfigError, describeError } from '../../harness/errors.ts';
import { createBoardInstance, loadLabFile } from '../../harness/lab/lab-file.ts';
import { resetSecrets, scrub, SECRET_MASK } from '../../harness/secrets/scrubber.ts';
import { closedPort } from '../power/peers/http-peer.ts';
import { TasmotaSim } from '../power/peers/tasmota-sim.ts';

describe('lab file secrets', () => {
  const SECRET = 'hunter2-Zq9';
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'hil-sec-'))));
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    resetSecrets();
  });

  const lab = (power: string) => {
    const file = join(dir, 'lab.yaml');
    writeFileSync(file, `host: { tftpAddress: 127.0.0.1 }\nboards:\n  rpi:\n    profile: rpi4\n    power: ${power}\n    console: { transport: tcp, host: 127.0.0.1, port: 3001 }\n`);
    return file;
  };
  const caught = (fn: () => unknown): Error => {
    try {
      fn();
    } catch (err) {
      return err as Error;
    }
    assert.fail('no error');
  };
  const assertNoSecret = (...texts: string[]) => texts.forEach((t) => assert.ok(!t.includes(SECRET), `secret leaked in: ${t}`));

  it('edge: an inline password is refused with an explanation, and its value is not repeated', () => {
    const err = caught(() => loadLabFile(lab(`{ driver: tasmota, host: 127.0.0.1, password: ${SECRET} }`)));
    assert.ok(err instanceof ConfigError);
    assert.equal(err.field, 'boards.rpi.power.password');
    assert.equal(err.line, 5);
    assert.match(err.message, /secrets must not be written in the lab file: .*passwordEnv: NAME.*passwordFile: PATH/);
    assertNoSecret(describeError(err), JSON.stringify(err));
  });

  it('passwordEnv: the password comes from the environment, reaches the device, and shows nowhere', async () => {
    const sim = new TasmotaSim({ relays: 1, password: SECRET });
    const port = await sim.start();
    try {
      const spec = loadLabFile(lab(`{ driver: tasmota, host: 127.0.0.1, port: ${port}, passwordEnv: RELAY_PASS }`));
      const board = createBoardInstance(spec, 'rpi', { env: { RELAY_PASS: SECRET } });
      await board.power.on();
      assert.equal(sim.relays[0], true);
      assertNoSecret(board.power.description, JSON.stringify(spec.boards), JSON.stringify({ ...board, profile: undefined }), inspect(board, { depth: 5 }));
    } finally {
      await sim.stop();
    }
  });

  it('passwordFile: read from a file relative to the lab file (trailing newline dropped)', async () => {
    writeFileSync(join(dir, 'relay.pass'), `${SECRET}\n`, { mode: 0o600 });
    const sim = new TasmotaSim({ relays: 1, password: SECRET });
    const port = await sim.start();
    try {
      const board = createBoardInstance(loadLabFile(lab(`{ driver: tasmota, host: 127.0.0.1, port: ${port}, passwordFile: relay.pass }`)), 'rpi');
      await board.power.on();
      assert.equal(sim.relays[0], true);
    } finally {
      await sim.stop();
    }
  });

  it('edge: the variable is not set → error names the variable and the line, not a value', () => {
    const spec = loadLabFile(lab('{ driver: tasmota, host: 127.0.0.1, passwordEnv: RELAY_PASS }'));
    const err = caught(() => createBoardInstance(spec, 'rpi', { env: {} }));
    assert.match(err.message, /lab\.yaml:5, field 'boards\.rpi\.power\.passwordEnv': environment variable RELAY_PASS is not set/);
  });

  it('edge: the password file cannot be read', () => {
    const spec = loadLabFile(lab('{ driver: tasmota, host: 127.0.0.1, passwordFile: nope.pass }'));
    assert.throws(() => createBoardInstance(spec, 'rpi'), /cannot read password file .*nope\.pass: ENOENT/);
  });

  it('edge: a refused login through the lab file leaks the password neither in the error nor in the cause', async () => {
    const sim = new TasmotaSim({ relays: 1, password: 'other' });
    const port = await sim.start();
    try {
      const board = createBoardInstance(loadLabFile(lab(`{ driver: tasmota, host: 127.0.0.1, port: ${port}, passwordEnv: P }`)), 'rpi', { env: { P: SECRET } });
      const err = await board.power.on().then(() => undefined, (e: unknown) => e as Error);
      assert.match(String(err), /board rpi: power on failed .*Need user=/);
      assertNoSecret(describeError(err), String(err?.stack));
      const refused = createBoardInstance(loadLabFile(lab(`{ driver: tasmota, host: 127.0.0.1, port: ${await closedPort()}, passwordEnv: P }`)), 'rpi', { env: { P: SECRET } });
      const err2 = await refused.power.on().then(() => undefined, (e: unknown) => e as Error);
      assertNoSecret(describeError(err2), String(err2?.stack));
    } finally {
      await sim.stop();
    }
  });

  it('a password read from the lab file is registered with the scrubber at once: masked in all hil writes from then on', () => {
    writeFileSync(join(dir, 'relay.pass'), `${SECRET}-file\n`, { mode: 0o600 });
    assert.equal(scrub(`x ${SECRET} y`), `x ${SECRET} y`);
    createBoardInstance(loadLabFile(lab('{ driver: tasmota, host: 127.0.0.1, passwordEnv: P }')), 'rpi', { env: { P: SECRET } });
    assert.equal(scrub(`x ${SECRET} y`), `x ${SECRET_MASK} y`);
    createBoardInstance(loadLabFile(lab('{ driver: tasmota, host: 127.0.0.1, passwordFile: relay.pass }')), 'rpi');
    assert.equal(scrub(`x ${SECRET}-file y`), `x ${SECRET_MASK} y`);
  });

  it('edge: a password shorter than 3 characters is refused (it could not be masked without mangling all output), naming the source, not the value', () => {
    const spec = loadLabFile(lab('{ driver: tasmota, host: 127.0.0.1, passwordEnv: P }'));
    const err = caught(() => createBoardInstance(spec, 'rpi', { env: { P: 'q7' } }));
    assert.match(err.message, /lab\.yaml:5, field 'boards\.rpi\.power\.passwordEnv': the password in P is shorter than 3 characters: .*use a longer password/);
    assert.ok(!err.message.includes('q7'));
    writeFileSync(join(dir, 'short.pass'), 'q\n', { mode: 0o600 });
    const fromFile = caught(() => createBoardInstance(loadLabFile(lab('{ driver: tasmota, host: 127.0.0.1, passwordFile: short.pass }')), 'rpi'));
    assert.match(fromFile.message, /field 'boards\.rpi\.power\.passwordFile': the password in .*short\.pass is shorter than 3 characters/);
  });

  it('the command driver takes passwordEnv/passwordFile too: its commands get $HIL_PASSWORD, and what they echo of it is masked', async () => {
    const on = 'echo "denied for $HIL_PASSWORD" >&2; exit 5';
    const spec = loadLabFile(lab(`{ driver: command, on: '${on}', off: 'true', passwordEnv: P }`));
    const board = createBoardInstance(spec, 'rpi', { env: { P: SECRET } });
    const err = await board.power.on().then(() => undefined, (e: unknown) => e as Error);
    assert.match(String(err), new RegExp(`exited 5; stderr: denied for \\*{6}`));
    assertNoSecret(describeError(err), String(err), inspect(board, { depth: 5 }));
  });
});

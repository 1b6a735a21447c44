import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandPower } from '../../harness/power/command-power.ts';
import { resetSecrets } from '../../harness/secrets/scrubber.ts';

describe('command power driver (real /bin/sh commands)', () => {
  let dir: string;
  let stateFile: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hil-cmd-'));
    stateFile = join(dir, 'relay');
    writeFileSync(stateFile, 'off\n');
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    resetSecrets();
  });

  // A "relay" that is a file; the commands are ordinary shell commands.
  const make = (o: Partial<ConstructorParameters<typeof CommandPower>[0]> = {}) =>
    new CommandPower({ on: 'echo on > relay', off: 'echo off > relay', state: 'cat relay', cwd: dir, timeoutMs: 2000, board: 'b1', ...o });

  it('runs on/off and verifies with the state command printing on/off', async () => {
    const power = make();
    await power.on();
    assert.equal(readFileSync(stateFile, 'utf8'), 'on\n');
    assert.equal(await power.state?.(), 'on');
    await power.off();
    assert.equal(await power.state?.(), 'off');
  });

  it('a silent state command reports through its exit status: 0 on, 1 off', async () => {
    const power = make({ state: 'grep -q on relay' });
    await power.on();
    assert.equal(await power.state?.(), 'on');
    await power.off();
    assert.equal(await power.state?.(), 'off');
  });

  it('without a state command there is no state() and nothing is verified', async () => {
    const power = make({ state: undefined });
    assert.equal(power.state, undefined);
    await power.on();
  });

  it('edge: a failing command → error with its exit status and stderr', async () => {
    const err = await make({ on: 'echo "relay 3: permission denied" >&2; exit 4' }).on().then(() => undefined, (e: unknown) => e);
    assert.match(String(err), /board b1: power on failed \(command .*\): 'echo .*' exited 4; stderr: relay 3: permission denied/);
  });

  it('edge: a password (from the lab file) reaches the commands as $HIL_PASSWORD; their stderr and stdout show it masked, masked before cut', async () => {
    const password = 'pdu-Secret 42';
    // 503 characters of stderr: cut to the last 500 first, the password's tail would survive the mask.
    const on = `printf '%s' "$HIL_PASSWORD" >&2; printf '%0490d' 0 >&2; exit 2`;
    const err = await make({ on, password }).on().then(() => undefined, (e: unknown) => e);
    assert.match(String(err), /exited 2; stderr: \*{6}0{490}$/);
    assert.ok(!String(err).includes(password.slice(3)), String(err));
    const state = await make({ state: 'echo "state of $HIL_PASSWORD"', password }).state!().then(() => undefined, (e: unknown) => e);
    assert.match(String(state), /printed 'state of \*{6}'/);
  });

  it('edge: the relay reports the wrong state after switching', async () => {
    await assert.rejects(make({ on: 'true' }).on(), /'cat relay' reports off after switching on/);
  });

  it('edge: a state command that prints something else', async () => {
    await assert.rejects(make({ state: 'echo maybe' }).state!(), /printed 'maybe': expected "on" or "off"/);
  });

  it('edge: a command that hangs is stopped at the timeout', async () => {
    const start = performance.now();
    await assert.rejects(make({ off: 'sleep 5', timeoutMs: 300 }).off(), /'sleep 5' did not finish within 300 ms/);
    assert.ok(performance.now() - start < 2000);
  });
});

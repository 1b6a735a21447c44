import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { boardProfiles } from '../../boards/index.ts';
import type { ConsoleTransport } from '../../harness/console/transport.ts';
import type { BoardInstance } from '../../harness/lab/board-instance.ts';
import { acquireBoardLock, lockStatus } from '../../harness/lab/board-lock.ts';
import { lockReleaseCommand, lockStatusCommand, switchBoardPower } from '../../harness/lab/commands.ts';
import { PduDaemonPower } from '../../harness/power/pdudaemon-power.ts';
import { profileLimits } from '../../harness/lab/limits.ts';
import { TasmotaPower } from '../../harness/power/tasmota-power.ts';
import { PduDaemonSim } from '../power/peers/pdudaemon-sim.ts';
import { TasmotaSim } from '../power/peers/tasmota-sim.ts';

class Text {
  text = '';
  write(s: string) {
    this.text += s;
  }
}

describe('bring-up commands', () => {
  let dir: string;
  let sim: TasmotaSim;
  let board: BoardInstance;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hil-cmds-'));
    sim = new TasmotaSim({ relays: 1 });
    const port = await sim.start();
    board = {
      name: 'rpi4-a',
      profile: boardProfiles.rpi4,
      power: new TasmotaPower({ host: '127.0.0.1', port, board: 'rpi4-a' }),
      console: {} as ConsoleTransport,
      tftpHost: '127.0.0.1',
      network: { mode: 'dhcp' },
      limits: profileLimits(boardProfiles.rpi4),
      leaveOn: false,
    };
  });
  afterEach(async () => {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('power on / state / cycle / off against a simulated relay', async () => {
    const out = new Text();
    assert.equal(await switchBoardPower(board, 'on', out, { dir }), 'on');
    assert.equal(await switchBoardPower(board, 'state', out, { dir }), 'on');
    assert.equal(await switchBoardPower(board, 'cycle', out, { dir, offTimeMs: 50 }), 'on');
    assert.equal(await switchBoardPower(board, 'off', out, { dir }), 'off');
    assert.deepEqual(
      sim.requests.map((u) => u.searchParams.get('cmnd')),
      ['Power1 On', 'Power1', 'Power1', 'Power1 Off', 'Power1 On', 'Power1', 'Power1 Off', 'Power1'],
    );
    assert.match(out.text, /^rpi4-a: power on done \(tasmota 127\.0\.0\.1:\d+ relay 1\), now on\nrpi4-a: on\n/);
    assert.deepEqual(await lockStatus({ dir }), []); // the lock was released
  });

  it('state of a switch that cannot report it says so', async () => {
    const pdu = new PduDaemonSim(['p']);
    const port = await pdu.start();
    try {
      const out = new Text();
      const b = { ...board, power: new PduDaemonPower({ host: '127.0.0.1', port, pdu: 'p', outlet: 1, settleMs: 0 }) };
      assert.equal(await switchBoardPower(b, 'state', out, { dir }), undefined);
      assert.match(out.text, /rpi4-a: state unknown \(pdudaemon p outlet 1 via 127\.0\.0\.1:\d+ cannot report it\)/);
    } finally {
      await pdu.stop();
    }
  });

  it('edge: switching a board someone else has locked is refused', async () => {
    await acquireBoardLock({ dir, board: 'rpi4-a', command: 'hil run' });
    await assert.rejects(switchBoardPower(board, 'off', new Text(), { dir }), /board rpi4-a is in use by .*running: hil run/);
    assert.equal(sim.requests.length, 0);
  });

  it('lock status lists holders and marks stale locks', async () => {
    await acquireBoardLock({ dir, board: 'zcu102-a', command: 'hil run --board zcu102-a' });
    const dead = spawnSync('true').pid!;
    writeFileSync(join(dir, 'rpi4-a.lock'), JSON.stringify({ board: 'rpi4-a', user: 'ghost', host: hostname(), pid: dead, startedAt: '2025-01-01T00:00:00.000Z', command: 'old', token: 't' }));
    const out = new Text();
    assert.equal(await lockStatusCommand(out, { dir }), 2);
    const lines = out.text.trim().split('\n');
    assert.match(lines[0], /^rpi4-a: ghost@.* \(pid \d+\) since 2025-01-01T00:00:00\.000Z \(\d+ min ago\), running: old \[stale: that process is gone\]$/);
    assert.match(lines[1], /^zcu102-a: .*running: hil run --board zcu102-a$/);
    const empty = new Text();
    await lockStatusCommand(empty, { dir: join(dir, 'none') });
    assert.equal(empty.text, 'no board is locked\n');
  });

  it('lock release: a stale lock goes; a live one needs --force', async () => {
    await acquireBoardLock({ dir, board: 'live', command: 'busy' });
    const dead = spawnSync('true').pid!;
    writeFileSync(join(dir, 'stale.lock'), JSON.stringify({ board: 'stale', user: 'ghost', host: hostname(), pid: dead, startedAt: new Date().toISOString(), command: 'old', token: 't' }));
    const out = new Text();
    assert.equal(await lockReleaseCommand('stale', false, out, { dir }), true);
    await assert.rejects(lockReleaseCommand('live', false, out, { dir }), /board live is in use by .*running: busy: not released\. Use --force/);
    assert.equal(await lockReleaseCommand('live', true, out, { dir }), true);
    assert.equal(await lockReleaseCommand('live', true, out, { dir }), false);
    assert.match(out.text, /stale: released the lock of ghost@.*\nlive: released the lock of .*running: busy\nlive: not locked\n$/);
  });
});

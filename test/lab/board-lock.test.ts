import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { HilError } from '../../harness/errors.ts';
import { acquireBoardLock, forceRelease, lockStatus } from '../../harness/lab/board-lock.ts';

const FIXTURE = new URL('./fixtures/hold-lock.ts', import.meta.url).pathname;

/** Starts a child process that holds the lock on `board`; resolves once it does. */
async function childHolding(dir: string, board: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, dir, board], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('held') && resolve());
    child.once('exit', (code) => reject(new Error(`lock holder exited ${code}`)));
  });
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await gone;
}

describe('board locks', () => {
  let dir: string;
  const children: ChildProcess[] = [];
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'hil-lock-'))));
  afterEach(async () => {
    await Promise.all(children.splice(0).map(kill));
    rmSync(dir, { recursive: true, force: true });
  });

  it('a lock file records user, host, pid, start time and command, and release removes it', async () => {
    const lock = await acquireBoardLock({ dir, board: 'zcu102-a', command: 'hil run --board zcu102-a' });
    const file = join(dir, 'zcu102-a.lock');
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(saved.user, userInfo().username);
    assert.equal(saved.host, hostname());
    assert.equal(saved.pid, process.pid);
    assert.equal(saved.command, 'hil run --board zcu102-a');
    assert.ok(Math.abs(Date.parse(saved.startedAt) - Date.now()) < 5000);
    await lock.release();
    assert.equal(existsSync(file), false);
    await lock.release(); // twice is fine
  });

  it('edge: a second acquirer in the same process fails at once, naming who holds the board', async () => {
    await acquireBoardLock({ dir, board: 'b', command: 'first run' });
    const err = await acquireBoardLock({ dir, board: 'b' }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof HilError);
    assert.equal(err.code, 'BOARD_LOCKED');
    assert.match(
      err.message,
      new RegExp(`^board b is in use by ${userInfo().username}@${hostname()} \\(pid ${process.pid}\\) since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z \\(less than a minute ago\\), running: first run\\. Wait with --wait, or if that run is gone: hil lock release --board b --force$`),
    );
  });

  it('edge: of five simultaneous acquirers exactly one wins', async () => {
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => acquireBoardLock({ dir, board: 'race' })));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  });

  it('edge: a lock held by another process blocks; once that process dies the lock is recovered', async function () {
    this.timeout(10000);
    const child = await childHolding(dir, 'rpi4-a');
    children.push(child);
    await assert.rejects(acquireBoardLock({ dir, board: 'rpi4-a' }), new RegExp(`in use by .*\\(pid ${child.pid}\\).*running: hold-lock fixture`));
    await kill(child);
    const lock = await acquireBoardLock({ dir, board: 'rpi4-a' });
    assert.equal(lock.owner.pid, process.pid);
  });

  it('edge: a lock file left by a dead pid on this host is taken over', async () => {
    const dead = spawnSync('true').pid!;
    writeFileSync(join(dir, 'b.lock'), JSON.stringify({ board: 'b', user: 'ghost', host: hostname(), pid: dead, startedAt: new Date().toISOString(), command: 'x', token: 't' }));
    assert.deepEqual((await lockStatus({ dir })).map((l) => [l.user, l.stale]), [['ghost', true]]);
    const lock = await acquireBoardLock({ dir, board: 'b' });
    assert.equal(JSON.parse(readFileSync(join(dir, 'b.lock'), 'utf8')).token, lock.owner.token);
  });

  it('edge: a lock from another host is never taken over (its process cannot be checked)', async () => {
    writeFileSync(join(dir, 'b.lock'), JSON.stringify({ board: 'b', user: 'bob', host: 'otherhost', pid: 1, startedAt: new Date().toISOString(), command: 'x', token: 't' }));
    await assert.rejects(acquireBoardLock({ dir, board: 'b' }), /in use by bob@otherhost \(pid 1\)/);
  });

  it('waits, then succeeds when the holder releases', async () => {
    const first = await acquireBoardLock({ dir, board: 'b' });
    setTimeout(() => void first.release(), 300);
    const start = performance.now();
    const second = await acquireBoardLock({ dir, board: 'b', wait: true, timeoutMs: 3000, pollMs: 50 });
    assert.ok(performance.now() - start >= 250);
    assert.notEqual(second.owner.token, first.owner.token);
  });

  it('edge: waiting past the timeout fails with who still holds it', async () => {
    await acquireBoardLock({ dir, board: 'b', command: 'long run' });
    const start = performance.now();
    await assert.rejects(
      acquireBoardLock({ dir, board: 'b', wait: true, timeoutMs: 300, pollMs: 50 }),
      /^HilError: timed out after 300 ms waiting for board b: still in use by .*\(pid \d+\) since .*, running: long run$/,
    );
    assert.ok(performance.now() - start < 1500);
  });

  it('edge: lock files that are not a lock (null, {}, [], 42, another board\'s) are unreadable: listed, force-released, taken over once old', async () => {
    const bad = { n: 'null', e: '{}', a: '[]', f: '42', other: JSON.stringify({ board: 'someone-else', user: 'u', host: hostname(), pid: 1, startedAt: 'x', command: 'c', token: 't' }) };
    for (const [board, text] of Object.entries(bad)) writeFileSync(join(dir, `${board}.lock`), text);
    const status = await lockStatus({ dir });
    assert.deepEqual(status.map((s) => [s.board, s.user, s.stale]).sort(), Object.keys(bad).sort().map((b) => [b, '?', true]));
    assert.equal(await forceRelease('n', { dir }), undefined, 'nobody to name');
    assert.equal(existsSync(join(dir, 'n.lock')), false, 'force-release removed it');
    const old = new Date(Date.now() - 60000);
    utimesSync(join(dir, 'f.lock'), old, old);
    const lock = await acquireBoardLock({ board: 'f', dir });
    assert.equal(lock.owner.board, 'f', 'an old unreadable lock is taken over');
    await lock.release();
  });

  it('edge: what a lock file says is shown with its control characters made visible, never sent to the terminal as they are', async () => {
    const evil = { board: 'b1', user: 'mallory\x1b]0;pwned\x07', host: 'elsewhere', pid: 4242, startedAt: new Date().toISOString(), command: 'hil run\x1b[2J', token: 't' };
    writeFileSync(join(dir, 'b1.lock'), JSON.stringify(evil));
    const err = await acquireBoardLock({ board: 'b1', dir }).catch((e: Error) => e);
    assert.ok(err instanceof HilError);
    assert.doesNotMatch(err.message, /\x1b|\x07/);
    assert.match(err.message, /mallory\\e\]0;pwned\\x07@elsewhere .* running: hil run\\e\[2J/);
  });

  it('lockStatus lists every lock; forceRelease removes one and says whose it was', async () => {
    await acquireBoardLock({ dir, board: 'b2', command: 'two' });
    await acquireBoardLock({ dir, board: 'b1', command: 'one' });
    assert.deepEqual((await lockStatus({ dir })).map((l) => [l.board, l.command, l.stale]), [['b1', 'one', false], ['b2', 'two', false]]);
    assert.equal((await forceRelease('b1', { dir }))?.command, 'one');
    assert.equal(await forceRelease('b1', { dir }), undefined);
    assert.deepEqual((await lockStatus({ dir })).map((l) => l.board), ['b2']);
  });

  it('edge: releasing after a force-release does not remove the new holder\'s lock', async () => {
    const old = await acquireBoardLock({ dir, board: 'b' });
    await forceRelease('b', { dir });
    const current = await acquireBoardLock({ dir, board: 'b' });
    await old.release();
    assert.equal(JSON.parse(readFileSync(join(dir, 'b.lock'), 'utf8')).token, current.owner.token);
  });
});

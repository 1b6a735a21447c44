import assert from 'node:assert/strict';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sleep } from '../../harness/util/deadline.ts';
import { requireHostTools, run } from '../../images/host.ts';
import { withLock } from '../../images/lock.ts';

describe('images/lock and host', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(path.join(tmpdir(), 'hil-lock-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('runs holders one after the other and removes the lock file', async () => {
    const file = path.join(dir, '.lock');
    const events: string[] = [];
    const holder = (id: string) =>
      withLock(file, async () => {
        events.push(`${id} in`);
        await sleep(150);
        events.push(`${id} out`);
      });
    await Promise.all([holder('a'), sleep(20).then(() => holder('b'))]);
    assert.deepEqual(events, ['a in', 'a out', 'b in', 'b out']);
    assert.equal(await stat(file).catch(() => undefined), undefined);
  });

  it('takes over a lock left by a dead process', async () => {
    const file = path.join(dir, '.lock');
    await writeFile(file, '999999999');
    assert.equal(await withLock(file, async () => 'ran', { timeoutMs: 2000 }), 'ran');
  });

  it('gives up after its timeout while a live process holds the lock', async () => {
    const file = path.join(dir, '.lock');
    await writeFile(file, String(process.pid));
    await assert.rejects(withLock(file, async () => 'ran', { timeoutMs: 300 }), /still held after 300 ms/);
  });

  it('names a missing host tool and its package', async () => {
    await assert.rejects(requireHostTools({ 'no-such-tool-hil': 'hil-pkg', dpkg: 'dpkg' }), /host tools missing: no-such-tool-hil \(package hil-pkg\);/);
    await requireHostTools();
  });

  it('a failing command becomes an error with the command and its stderr', async () => {
    await assert.rejects(run('dpkg-deb', ['-f', path.join(dir, 'missing.deb')]), /'dpkg-deb -f .*missing\.deb' failed \(exit 2\): .*/);
  });
});

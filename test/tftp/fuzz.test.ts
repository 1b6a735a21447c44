import assert from 'node:assert/strict';
import { fuzzRun } from './fuzz-run.ts';

const MiB = 1 << 20;

describe('tftp server under fuzzing (random and mutated packets from loopback, server in its own process)', function () {
  this.timeout(90000);

  it('3 s of fuzz: the server does not crash, keeps nothing, and serves correct files afterwards', async () => {
    const run = await fuzzRun({ seconds: 3, rate: 3000, server: { timeoutMs: 300, retries: 2, maxClientTimeoutS: 2, maxBufferBytes: 16 * MiB } });
    const why = JSON.stringify({ seed: run.fuzz.seed, fetches: run.fetches, before: run.before, after: run.after }).slice(0, 3000);
    assert.ok(run.alive, `the server process died (${why})`);
    assert.ok(run.fuzz.sent > 5000, `only ${run.fuzz.sent} datagrams sent`);
    assert.ok(run.after.server.malformed > 0 && run.after.server.refused > 0, why);
    assert.deepEqual(run.fetches.map((f) => f.ok), [true, true], why);
    assert.equal(run.after.server.heldBytes, 0, 'every transfer gave its memory back');
    assert.ok(run.after.heapUsed - run.before.heapUsed < 2 * MiB, `the JS heap grew (${why})`);
    assert.ok(run.after.fds <= run.before.fds, `sockets or files left open (${why})`);
    // glibc keeps some freed heap for reuse (see fuzzRun), so RSS is only held to the cap: without
    // it, windows of silent transfers alone grew it by hundreds of MiB.
    assert.ok(run.after.rss - run.before.rss < 16 * MiB + 16 * MiB, `RSS grew by ${((run.after.rss - run.before.rss) / MiB).toFixed(1)} MiB`);
  });
});

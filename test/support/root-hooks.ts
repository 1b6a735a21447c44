/**
 * Loaded by mocha before any test file (.mocharc.json `require`): keeps the harness's tests off
 * the host's own state.
 * - Every temporary folder, board lock and cache a test (or a `hil` it starts) makes goes into one
 *   folder of this run: TMPDIR, HIL_LOCK_DIR and XDG_CACHE_HOME point there, so no test writes
 *   /var/lock/hil or ~/.cache/hil. The folder is removed when the run ends.
 * - A test's temp folders must be gone when its file ends: after the last test, anything a test
 *   left in TMPDIR is listed, and on CI it fails the run.
 * - Tests skipped for a missing tool or privilege (requirements.ts) are listed by name at the end.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onCi, skippedForMissing } from './requirements.ts';

const runDir = mkdtempSync(join(tmpdir(), 'hil-test-run-'));
const tempRoot = join(runDir, 'tmp');
for (const d of ['tmp', 'locks', 'cache']) mkdirSync(join(runDir, d));
process.env.TMPDIR = tempRoot;
process.env.HIL_LOCK_DIR = join(runDir, 'locks');
process.env.XDG_CACHE_HOME = join(runDir, 'cache');

/** What tests left in TMPDIR (a folder name is enough to find the test that made it). */
export function leftovers(): string[] {
  return readdirSync(tempRoot).filter((name) => !name.startsWith('tsx-'));
}

export const mochaHooks = {
  afterAll(this: Mocha.Context) {
    const left = leftovers();
    if (left.length === 0) return;
    const message = `tests left ${left.length} temporary folder(s) behind: ${left.join(', ')}`;
    if (onCi()) throw new Error(message);
    writeSync(2, `\n  warning: ${message}\n`);
  },
};

process.on('exit', () => {
  if (skippedForMissing.length) {
    const lines = skippedForMissing.map((s) => `    - ${s.title}: needs ${s.missing}`);
    writeSync(1, `\n  ${skippedForMissing.length} skipped for something this machine lacks (on CI each would fail):\n${lines.join('\n')}\n`);
  }
  rmSync(runDir, { recursive: true, force: true, maxRetries: 3 });
});

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useTempDirs } from '../support/temp-dirs.ts';

const CHILD = fileURLToPath(new URL('./fixtures/interrupted.ts', import.meta.url));

/** Starts the child, does `act` once it is ready; resolves with its exit code, stderr and whether the cleanup ran once. */
function run(marker: string, fault: string, act: (child: ReturnType<typeof spawn>) => void) {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, marker, fault], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  child.stdout!.once('data', () => act(child));
  return new Promise<{ code: number | null; stderr: string; cleanups: number }>((resolve) =>
    child.on('exit', (code) => resolve({ code, stderr, cleanups: existsSync(marker) ? readFileSync(marker, 'utf8').split('\n').filter(Boolean).length : 0 })),
  );
}

describe('cli: every way a command can be stopped powers the board off once, then exits', function () {
  this.timeout(20000);
  const temp = useTempDirs();

  it('Ctrl-C three times: the first starts the cleanup, the others wait for it; exit 130', async () => {
    const r = await run(join(temp('hil-int-'), 'mark'), '', (child) => {
      child.kill('SIGINT');
      setTimeout(() => child.kill('SIGINT'), 100);
      setTimeout(() => child.kill('SIGINT'), 200);
    });
    assert.deepEqual([r.code, r.cleanups], [130, 1], r.stderr);
    assert.match(r.stderr, /SIGINT: still powering the board off/);
  });

  for (const [signal, code] of [['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    it(`${signal}: the cleanup runs to its end; exit ${code}`, async () => {
      const r = await run(join(temp('hil-int-'), 'mark'), '', (child) => child.kill(signal));
      assert.deepEqual([r.code, r.cleanups], [code, 1], r.stderr);
    });
  }

  for (const fault of ['throw', 'reject'] as const) {
    it(`an uncaught ${fault === 'throw' ? 'exception' : 'rejection'}: the cleanup runs, the error is named, exit 1`, async () => {
      const r = await run(join(temp('hil-int-'), 'mark'), fault, () => undefined);
      assert.deepEqual([r.code, r.cleanups], [1, 1], r.stderr);
      assert.match(r.stderr, fault === 'throw' ? /internal error \(boom in a listener\)/ : /internal error \(rejected\)/);
    });
  }
});

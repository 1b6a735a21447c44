import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunRecord } from '../../harness/report/record.ts';
import { ensureClientKey } from '../../harness/ssh/client-key.ts';
import { hil } from '../support/hil-cli.ts';
import { useTempDirs } from '../support/temp-dirs.ts';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

describe('hil run --suite pv-drivers on the virtual board @e2e', function () {
  this.timeout(400000);
  const temp = useTempDirs();
  let reportDir: string | undefined;

  it('boots dom0 + an enhanced and a plain dom0less domU, passes every PV check over SSH, and reports it @e2e', async function () {
    const dir = temp('hil-e2e-pv-');
    reportDir = dir;
    const r = await hil(['run', '--board', 'qemu-virt-arm64', '--suite', 'pv-drivers', '--report-dir', dir, '--wait', '--lock-timeout', '600']);
    assert.equal(r.code, 0, `hil run failed:\n${r.stdout}\n${r.stderr}`);
    const record = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as RunRecord;
    assert.equal(record.passed, true);
    assert.ok(record.tests.length >= 15 && record.tests.every((t) => t.state === 'passed'), 'every pv-drivers test passed');
    assert.deepEqual(record.domains.map((d) => d.name).sort(), ['plain', 'pv']);
    assert.ok(record.timeline.some((m) => m.mark === 'dom0-ready'), 'dom0-ready on the timeline');
    const figures = record.figures ?? {};
    for (const name of ['dom0 ready after power-on (ms)', 'xl network-attach (ms)', 'xl-created xl-guest: xl create to ready (ms)', 'dom0less pv: ready after power-on (ms)']) {
      assert.ok(figures[name] > 0, `figure '${name}': ${figures[name]}`);
    }
    // The xl guest is created after every other check, so its own ready time proves nothing: compare with
    // the earliest it could have been ready, dom0 ready plus its create-to-ready time.
    assert.ok(figures['dom0less pv: ready after power-on (ms)'] < figures['xl-created xl-guest: earliest possible ready, dom0 ready + xl create to ready (ms)']);
    assert.match(readFileSync(join(dir, 'ssh', 'known_hosts-pv'), 'utf8'), /^qemu-virt-arm64 ssh-ed25519 \S+\n$/, 'dom0 host key pinned');
  });

  it('leaves no private key text anywhere in the report folder @e2e', function () {
    assert.ok(reportDir, 'the run before this test never made its report folder');
    const key = readFileSync(ensureClientKey().privateKeyFile, 'latin1');
    // Every base64 line of the key but the first (a header all OpenSSH keys share).
    const secretLines = key.split('\n').filter((l) => /^[A-Za-z0-9+/=]{20,}$/.test(l)).slice(1);
    assert.ok(secretLines.length >= 3, 'read the key');
    for (const file of filesUnder(reportDir!)) {
      const text = readFileSync(file, 'latin1');
      assert.ok(!text.includes('PRIVATE KEY'), `${file} holds a private key`);
      for (const line of secretLines) assert.ok(!text.includes(line), `${file} holds a line of ${ensureClientKey().privateKeyFile}`);
    }
  });
});

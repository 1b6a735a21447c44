import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunRecord } from '../../harness/report/record.ts';
import { hil, qemuRunning } from '../support/hil-cli.ts';
import { useTempDirs } from '../support/temp-dirs.ts';

describe('hil run on the virtual ZCU102 @e2e', function () {
  this.timeout(300000);
  const temp = useTempDirs();

  it("passes the boot and console suites: Xen and two dom0less domUs through ZynqMP U-Boot on the Cadence UART and GEM3, each domU's shell answering through the conswitch @e2e", async function () {
    const reportDir = temp('hil-e2e-zcu102-');
    const r = await hil(['run', '--board', 'qemu-zcu102', '--suite', 'boot', '--suite', 'console', '--wait', '--report-dir', reportDir]);
    assert.equal(r.code, 0, `hil run failed:\n${r.stdout}\n${r.stderr}`);
    const record = JSON.parse(readFileSync(join(reportDir, 'report.json'), 'utf8')) as RunRecord;
    assert.equal(record.passed, true);
    assert.deepEqual([...new Set(record.tests.map((t) => t.suite.split(':')[0]))], ['boot', 'console']);
    assert.ok(record.tests.length >= 17 && record.tests.every((t) => t.state === 'passed'), 'all boot and console tests passed');
    assert.ok(record.tests.some((t) => /own identity/.test(t.title)), "the test that runs a command in each domU's shell ran");
    assert.deepEqual(record.domains.map((d) => d.name).sort(), ['alpha', 'beta']);
    assert.ok(record.domains.every((d) => d.readyMs! > 0));
    const raw = readFileSync(join(reportDir, 'console/raw.log'), 'latin1');
    // U-Boot for ZynqMP on the stand-in EL3 firmware, then the harness at its prompt.
    for (const line of [/Model: ZynqMP ZCU102 Rev1\.0/, /Chip:\s+zu9eg/, /PMUFW:\s+v1\.1/, /EL Level:\s+EL2/, /ZYNQ GEM: ff0e0000, mdio bus ff0e0000, phyaddr 23/, /ZynqMP> /]) {
      assert.match(raw, line);
    }
    // Xen on all four A53s (PSCI CPU_ON through the stand-in), with the GIC window it was given.
    assert.match(raw, /\(XEN\) GICv2: 192 lines, 4 cpus/);
    assert.match(raw, /\(XEN\) Brought up 4 CPUs/);
    assert.doesNotMatch(raw, /GICC size=0x20000 but not aliased/, 'Xen got the 8 KiB GICC window, not the aliased 128 KiB one');
    assert.deepEqual([...new Set(record.tftp.map((t) => t.file))].sort(), ['domu-initramfs', 'linux', 'xen', 'zcu102-twin.dtb'].sort(), 'the images, over our TFTP server');
    assert.match(readFileSync(join(reportDir, 'console/beta.log'), 'latin1'), /hil\.domain=beta/);
    assert.equal(await qemuRunning(join(reportDir, 'board')), false, 'QEMU is still running after the run');
  });
});

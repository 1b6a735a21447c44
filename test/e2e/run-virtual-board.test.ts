import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunRecord } from '../../harness/report/record.ts';
import { hil, qemuRunning } from '../support/hil-cli.ts';
import { useTempDirs } from '../support/temp-dirs.ts';

describe('hil run on the virtual board @e2e', function () {
  this.timeout(300000);
  const temp = useTempDirs();

  it('boots Xen with two dom0less domUs through U-Boot and our TFTP server, walks their consoles, and reports it @e2e', async function () {
    const reportDir = temp('hil-e2e-');
    const r = await hil(['run', '--board', 'qemu-virt-arm64', '--suite', 'boot', '--suite', 'console', '--wait', '--report-dir', reportDir]);
    assert.equal(r.code, 0, `hil run failed:\n${r.stdout}\n${r.stderr}`);
    const record = JSON.parse(readFileSync(join(reportDir, 'report.json'), 'utf8')) as RunRecord;
    assert.equal(record.passed, true);
    // A suite's files each describe one part, titled "<suite>" or "<suite>: <part>".
    assert.deepEqual([...new Set(record.tests.map((t) => t.suite.split(':')[0]))], ['boot', 'console']);
    assert.ok(record.tests.length >= 12 && record.tests.every((t) => t.state === 'passed'), 'all boot and console tests passed');
    assert.deepEqual(record.domains.map((d) => d.name).sort(), ['alpha', 'beta']);
    const shapes = Object.fromEntries(record.domains.map((d) => [d.name, [d.memoryKb, d.vcpus]]));
    assert.deepEqual(shapes, { alpha: [192 * 1024, 1], beta: [320 * 1024, 2] }, "each domU's own shape, from suites/systems/two-domus.yaml");
    assert.ok(record.domains.every((d) => d.readyMs! > 0));
    const marks = record.timeline.map((m) => m.mark);
    for (const m of ['power-on', 'uboot-banner', 'autoboot-stopped', 'starting-kernel', 'xen-banner', 'xen-init-done', 'domu-ready']) {
      assert.ok(marks.includes(m), `timeline has ${m}`);
    }
    // The boot suite boots the system, each domU alone, then the system again: each image once per boot.
    const fetches = new Map<string, number>();
    for (const t of record.tftp) fetches.set(t.file, (fetches.get(t.file) ?? 0) + 1);
    assert.deepEqual([...fetches.keys()].sort(), ['domu-initramfs', 'linux', 'virt.dtb', 'xen'].sort(), 'the images, over our TFTP server');
    assert.equal(new Set(fetches.values()).size, 1, `each image fetched once per boot: ${JSON.stringify([...fetches])}`);
    assert.ok(record.tftp.every((t) => t.ok !== false && t.bytes > 0 && t.windowsize === 8));
    for (const f of ['junit.xml', 'index.html', 'console/raw.log', 'console/xen.log', 'console/alpha.log', 'console/beta.log']) {
      assert.ok(existsSync(join(reportDir, f)), f);
    }
    assert.match(readFileSync(join(reportDir, 'console/beta.log'), 'latin1'), /hil\.domain=beta/);
    assert.doesNotMatch(readFileSync(join(reportDir, 'console/beta.log'), 'latin1'), /hil\.domain=alpha/);
    assert.match(readFileSync(join(reportDir, 'console/raw.log'), 'latin1'), /hil: domain alpha ready/);
  });

  it('boots the same system on the GICv2 variant of the virtual board, where each domU sees a GICv2, with the plan as one sourced script @e2e', async function () {
    const reportDir = temp('hil-e2e-gicv2-');
    const r = await hil(['run', '--board', 'qemu-virt-arm64-gicv2', '--suite', 'boot', '--boot-mode', 'script', '--wait', '--report-dir', reportDir]);
    assert.equal(r.code, 0, `hil run failed:\n${r.stdout}\n${r.stderr}`);
    const record = JSON.parse(readFileSync(join(reportDir, 'report.json'), 'utf8')) as RunRecord;
    assert.ok(record.tests.some((t) => /host's own GIC version/.test(t.title) && t.state === 'passed'), 'the GIC test ran and passed');
    assert.match(readFileSync(join(reportDir, 'console/xen.log'), 'latin1'), /GICv2 initialization/);
    // The run's own boot (the boot suite's later single-domU boots plan for themselves, typed).
    const raw = readFileSync(join(reportDir, 'console/raw.log'), 'latin1');
    const firstBoot = raw.slice(0, raw.indexOf('Starting kernel'));
    assert.match(firstBoot, /=> source 0x[0-9a-f]+\r?\n[\s\S]*hil-ok 1\r?\n/, 'U-Boot sourced the plan and ran its steps');
    assert.doesNotMatch(firstBoot, /=> fdt set/, 'no device-tree edit was typed');
  });

  it("runs every default suite, every claim, on Debian 13's image set (Xen 4.20, Linux 6.12) as on Debian 12's @e2e", async function () {
    this.timeout(900000); // the first run builds the set: trixie's arm64 packages, about a minute
    const reportDir = temp('hil-e2e-d13-');
    const r = await hil(['run', '--images', 'debian13', '--wait', '--report-dir', reportDir]);
    assert.equal(r.code, 0, `hil run failed:\n${r.stdout}\n${r.stderr}`);
    const record = JSON.parse(readFileSync(join(reportDir, 'report.json'), 'utf8')) as RunRecord;
    assert.match(record.images ?? '', /^debian13 \(Xen 4\.20, Linux 6\.12\./);
    assert.deepEqual(record.suites, ['boot', 'console', 'pv-drivers', 'expected-failures', 'old-kernels', 'module-sizes']);
    assert.ok(record.tests.length >= 45 && record.tests.every((t) => t.state === 'passed'), 'every test passed');
    const raw = readFileSync(join(reportDir, 'console/raw.log'), 'latin1');
    assert.match(raw, /Xen version 4\.20\./);
    assert.match(raw, /\*\*\* Serial input to DOM1 /, "4.20 hands the input to the first domU at its end of boot when there is no dom0");
    assert.match(r.stdout, /images: debian13 \(Xen 4\.20/);
  });

  it('boots a system declared to fail (an enhanced domU without dom0) and passes only because Xen refuses it as declared @e2e', async function () {
    const reportDir = temp('hil-e2e-ef-');
    const r = await hil(['run', '--suite', 'expected-failures', '--wait', '--report-dir', reportDir]);
    assert.equal(r.code, 0, `hil run failed:\n${r.stdout}\n${r.stderr}`);
    const record = JSON.parse(readFileSync(join(reportDir, 'report.json'), 'utf8')) as RunRecord;
    assert.deepEqual(record.tests.map((t) => [t.suite, t.state]), [['expected failures: enhanced-without-dom0', 'passed']]);
    assert.match(readFileSync(join(reportDir, 'console/raw.log'), 'latin1'), /Panic on CPU 0:\r?\n[^\n]*At the moment, Xenstore support requires dom0 to be present/);
    assert.equal(await qemuRunning(join(reportDir, 'board')), false, 'QEMU is still running after the failed boot');
  });

  it("runs sched=null on a Xen rebuilt from Debian's source with the NULL scheduler, which Debian's own lacks @e2e", async function () {
    this.timeout(600000); // the first run builds xen-null: about 20 s here
    const reportDir = temp('hil-e2e-null-');
    const r = await hil(['run', '--suite', 'scheduling', '--wait', '--report-dir', reportDir]);
    assert.equal(r.code, 0, `hil run failed:\n${r.stdout}\n${r.stderr}`);
    const record = JSON.parse(readFileSync(join(reportDir, 'report.json'), 'utf8')) as RunRecord;
    assert.deepEqual(record.tests.map((t) => t.state), ['passed', 'passed']);
    assert.deepEqual(record.tftp.filter((t) => /^xen/.test(t.file)).map((t) => t.file), ['xen-null'], 'U-Boot fetched the variant, not Debian\'s Xen');
    const xen = readFileSync(join(reportDir, 'console/xen.log'), 'latin1');
    assert.match(xen, /Xen version 4\.17\./);
    assert.match(xen, /Using scheduler: null Scheduler/);
    assert.doesNotMatch(xen, /Could not find scheduler/);
  });

  it('on Ctrl-C powers the board off, keeps the transcript and exits non-zero @e2e', async function () {
    const reportDir = temp('hil-e2e-int-');
    let sent = false;
    const r = await hil(['run', '--suite', 'boot', '--wait', '--report-dir', reportDir], {
      onStderr: (text, child) => {
        if (!sent && /tftp linux/.test(text)) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    assert.ok(sent, `never reached the TFTP stage:\n${r.stderr}`);
    assert.equal(r.code, 130, r.stderr);
    assert.match(readFileSync(join(reportDir, 'console/raw.log'), 'latin1'), /U-Boot 20\d\d[\s\S]*\[hil\+?\] power off/);
    assert.equal(await qemuRunning(join(reportDir, 'board')), false, 'QEMU is still running after Ctrl-C');
    const record = JSON.parse(readFileSync(join(reportDir, 'report.json'), 'utf8')) as RunRecord;
    assert.equal(record.passed, false);
    assert.match(record.failure?.stage ?? '', /^uboot: tftp /, 'the report names the stage the board was in');
    assert.match(record.failure?.message ?? '', /stopped: SIGINT/);
    assert.ok(record.timeline.some((m) => m.mark === 'power-on'), "the stopped boot's timeline is in the report");
  });
});

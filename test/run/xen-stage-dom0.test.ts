import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConsoleFailureError, ConsoleTimeoutError } from '../../harness/errors.ts';
import type { BootPlan, PlannedDomain } from '../../harness/plan/uboot-commands.ts';
import { MARK } from '../../harness/report/marks.ts';
import { BoardSession } from '../../harness/run/board-session.ts';
import { waitForReadiness, waitForXen } from '../../harness/run/xen-stage.ts';
import { launchStep } from '../../harness/plan/boot-steps.ts';
import { DEFAULT_LIMITS } from '../../harness/lab/limits.ts';
import { fakeBoard } from './fake-board.ts';

const domain = (name: string): PlannedDomain => ({ name, node: `/chosen/domU-${name}`, vcpus: 1, memoryKb: 262144, enhanced: name === 'pv', vpl011: true, bootargs: '', modules: [] });
const plan = (dom0: boolean): BootPlan => ({
  files: [],
  xenBootargs: '',
  dom0: dom0 ? { vcpus: 1, memoryKb: 524288, bootargs: 'console=hvc0' } : undefined,
  domains: [domain('pv')],
  steps: [launchStep(0, 0, DEFAULT_LIMITS)],
  conswitchKey: 'a',
  dtbAddress: 0,
  xenAddress: 0,
});

const XEN_BOOT = [
  'Starting kernel ...',
  '(XEN) Xen version 4.17.7 (Debian 4.17.7+13-g2445b30a44-0+deb12u1) (pkg-xen-devel@lists.alioth.debian.org)',
  '(XEN) *** LOADING DOMAIN 0 ***',
  '(XEN) Loading d0 kernel from boot module @ 0000000042400000',
  '(XEN) *** LOADING DOMU cpus=1 memory=40000KB ***',
  '(XEN) Loading d1 kernel from boot module @ 0000000042400000',
  '(XEN) Freed 348kB init memory.',
  '',
].join('\r\n');

describe('run: the Xen stage with a dom0', function () {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'hil-xenstage-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function start(withDom0: boolean, limits = { domuReadyMs: 2000, dom0ReadyMs: 2000 }) {
    const { board, console } = fakeBoard({ limits });
    const session = new BoardSession(board, { reportDir: dir });
    const p = plan(withDom0);
    const done = waitForXen(session, p).then(() => waitForReadiness(session, p));
    return { session, console, done };
  }

  it('waits for dom0 to be created and for its readiness line (raw on hvc0), and marks dom0-ready', async () => {
    const { session, console, done } = start(true);
    console.emit(XEN_BOOT);
    console.emit('(XEN) DOM1: hil: domain pv ready\r\n');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(session.clock.find(MARK.dom0Ready), undefined, 'not before dom0 said so');
    console.emit('[   10.9] virtio-pci 0000:00:01.0: enabling device\r\nhil: dom0 ready\r\n');
    await done;
    assert.ok(session.clock.find(MARK.dom0Ready));
    assert.equal(session.xen.byName('pv')?.domid, 1);
  });

  it('takes dom0 ready before the domUs too', async () => {
    const { session, console, done } = start(true);
    console.emit(`${XEN_BOOT}hil: dom0 ready\r\n(XEN) DOM1: hil: domain pv ready\r\n`);
    await done;
    assert.ok(session.clock.find(MARK.dom0Ready) && session.clock.find(MARK.domuReady, 'pv'), 'both seen, whatever the order');
  });

  it('times out naming dom0 when it never gets ready, within its own budget', async () => {
    const { console, done } = start(true, { domuReadyMs: 5000, dom0ReadyMs: 300 });
    console.emit(`${XEN_BOOT}(XEN) DOM1: hil: domain pv ready\r\n`);
    const err = await done.then(() => assert.fail('no timeout'), (e: unknown) => e);
    assert.ok(err instanceof ConsoleTimeoutError, String(err));
    assert.match(err.stage, /waiting for Domain-0$/);
    assert.ok(err.timeoutMs <= 300);
    assert.match(err.message, /Timeout: +\d+ ms \(Domain-0's limit dom0ReadyMs = 300 ms, set by board profile qemu-virt-arm64\)/, 'names the limit that fired and where it was set');
  });

  it("names the domain whose ramdisk did not unpack, and the module: from its DOMn head and its kernel command line", async () => {
    const { board, console } = fakeBoard({ limits: { domuReadyMs: 5000 } });
    const session = new BoardSession(board, { reportDir: dir });
    const p = plan(false);
    p.domains[0].modules = [{ kind: 'kernel', address: 0x42400000, size: 27303872 }, { kind: 'ramdisk', address: 0x44000000, size: 1040690 }];
    p.files = [{ tftpName: 'domu-initramfs', path: '/x/domu-initramfs.cpio.gz', address: 0x44000000, size: 1041202 }];
    const done = waitForXen(session, p).then(() => waitForReadiness(session, p));
    console.emit(XEN_BOOT.replace('(XEN) *** LOADING DOMAIN 0 ***\r\n(XEN) Loading d0 kernel from boot module @ 0000000042400000\r\n', ''));
    console.emit('(XEN) DOM1: [    0.000000] Kernel command line: console=ttyAMA0 hil.domain=pv\r\n');
    console.emit('(XEN) DOM1: [    1.451805] Initramfs unpacking failed: read error\r\n');
    const err = await done.then(() => assert.fail('no failure'), (e: unknown) => e);
    assert.ok(err instanceof ConsoleFailureError, String(err));
    assert.equal(err.stage, 'domU pv boot');
    assert.match(err.message, /Initramfs unpacking failed: read error \(its ramdisk module@44000000, reg size 1040690 bytes, file domu-initramfs of 1041202 bytes, is not a whole archive\)/);
  });

  it('requires "LOADING DOMAIN 0" when the plan has a dom0', async () => {
    const { console, done } = start(true, { domuReadyMs: 300, dom0ReadyMs: 300 });
    const noDom0 = XEN_BOOT.replace('(XEN) *** LOADING DOMAIN 0 ***\r\n', '');
    console.emit(`${noDom0}(XEN) DOM1: hil: domain pv ready\r\n`);
    // The profile's xenInitMs is long; the wait is cut short by never finishing: check the stage named.
    const err = await Promise.race([done.then(() => 'finished', (e: Error) => e.message), new Promise((r) => setTimeout(() => r('still waiting'), 500))]);
    assert.equal(err, 'still waiting', 'went past a missing LOADING DOMAIN 0');
  });

  it('without a dom0 in the plan, needs no dom0 line at all', async () => {
    const { session, console, done } = start(false);
    console.emit(`${XEN_BOOT.replace('(XEN) *** LOADING DOMAIN 0 ***\r\n', '')}(XEN) DOM1: hil: domain pv ready\r\n`);
    await done;
    assert.equal(session.clock.find(MARK.dom0Ready), undefined);
  });
});

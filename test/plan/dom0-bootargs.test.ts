import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { qemuVirtArm64 } from '../../boards/qemu-virt-arm64.ts';
import { loadSystemFile, parseSystem } from '../../harness/plan/system-file.ts';
import { buildBootPlan, planCommands } from '../../harness/plan/uboot-commands.ts';
import { qemuBoard, resolverFor, scratch, standardFiles } from './fixtures.ts';

const SYSTEM = 'dom0:\n  kernel: linux\n  ramdisk: dom0-initramfs\n  bootargs: "console=hvc0 pci=nomsi"\n  memory: 512M\n  vcpus: 1\n';
const PV_YAML = fileURLToPath(new URL('../../suites/systems/pv.yaml', import.meta.url));

describe('plan: dom0 command line from the board and the system', () => {
  let files: Record<string, string>;
  let cleanup: () => void;
  before(() => {
    const s = scratch();
    cleanup = s.cleanup;
    files = standardFiles(s.dir);
  });
  after(() => cleanup());

  it("puts the board's dom0 arguments (its lab NIC) before the system's own", () => {
    const board = qemuBoard({ dom0Bootargs: 'hil.eth0=off hil.eth1=10.0.2.15/24,10.0.2.2' });
    const plan = buildBootPlan(parseSystem(SYSTEM, 'a.yaml'), { board, resolve: resolverFor(files) });
    assert.equal(plan.dom0?.bootargs, 'hil.eth0=off hil.eth1=10.0.2.15/24,10.0.2.2 console=hvc0 pci=nomsi');
    assert.ok(planCommands(plan).some((c) => c.includes('hil.eth1=10.0.2.15/24,10.0.2.2 console=hvc0 pci=nomsi')), 'in the DT module bootargs');
  });

  it('a board without dom0 arguments leaves the system’s alone', () => {
    const plan = buildBootPlan(parseSystem(SYSTEM, 'a.yaml'), { board: qemuBoard(), resolve: resolverFor(files) });
    assert.equal(plan.dom0?.bootargs, 'console=hvc0 pci=nomsi');
  });

  it('pv.yaml plans on the virtual board: dom0 sized, dom0 on eth1 (the SSH NIC), one enhanced domU with a PV NIC address', () => {
    const system = loadSystemFile(PV_YAML);
    const plan = buildBootPlan(system, { board: qemuVirtArm64, resolve: resolverFor(files) });
    assert.match(plan.xenBootargs, /dom0_mem=512M dom0_max_vcpus=1/);
    assert.match(plan.dom0!.bootargs, /^hil\.eth0=off hil\.eth1=10\.0\.2\.15\/24,10\.0\.2\.2 console=hvc0 .*pci=nomsi/);
    assert.deepEqual(plan.domains.map((d) => [d.name, d.enhanced]), [['pv', true], ['plain', false]]);
    assert.match(plan.domains[0].bootargs, /hil\.eth0=192\.168\.100\.2\/24,192\.168\.100\.1 hil\.domain=pv$/);
  });
});

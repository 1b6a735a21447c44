import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dumpDeviceTree } from '../../harness/power/qemu-machine.ts';
import { parseSystem } from '../../harness/plan/system-file.ts';
import type { BootStep } from '../../harness/plan/boot-steps.ts';
import { scriptBoot, stepMarker } from '../../harness/plan/script-boot.ts';
import { buildBootPlan, planCommands, stageFiles, type BootPlan } from '../../harness/plan/uboot-commands.ts';
import { DEFAULT_LIMITS, within } from '../../harness/lab/limits.ts';
import { DEFAULT_OUT_DIR } from '../../images/recipe.ts';
import { makeArm64Image, makeFile, qemuBoard, resolverFor, scratch } from './fixtures.ts';
import { parseFdtPrint, QemuUboot } from './qemu-uboot.ts';
import { requireOrSkip } from '../support/requirements.ts';

const TRICKY = 'console=ttyAMA0 say="hi there" $HOME ${x} a;b #c \\path\\ end\\';
const SYSTEM = `domus:
  - name: alpha
    kernel: linux
    ramdisk: domu-initramfs
    bootargs: ${JSON.stringify(TRICKY)}
    memory: 256M
    vcpus: 1
  - name: beta
    kernel: linux
    memory: 128M
    vcpus: 2
    vpl011: false
`;
const U_BOOT_ERRORS = /Usage:|FDT_ERR|## Error|Unknown command|Retry count exceeded|File not found|TFTP error/;

/** Xen from the built images when there is one: then the test also boots it and reads what Xen made of the DT. */
function builtXen(): string | undefined {
  const manifest = join(DEFAULT_OUT_DIR, 'manifest.json');
  if (!existsSync(manifest)) return undefined;
  const file = (JSON.parse(readFileSync(manifest, 'utf8')) as { artifacts?: Record<string, { file: string }> }).artifacts?.xen?.file;
  return file && existsSync(join(DEFAULT_OUT_DIR, file)) ? join(DEFAULT_OUT_DIR, file) : undefined;
}

describe('plan: commands in the real U-Boot 2023.01 under QEMU @e2e', function () {
  this.timeout(60000);
  let dir: string;
  let cleanup: () => void;
  let board: QemuUboot | undefined;
  let plan: BootPlan;
  let files: Record<string, string>;
  let realXen: string | undefined;

  before(async function () {
    ({ dir, cleanup } = scratch());
    realXen = builtXen();
    files = {
      xen: realXen ?? makeArm64Image(dir, 'xen', 983048, 0x1360c8),
      // An arm64 Image header on zeros: Xen accepts it as a kernel (the guest then just faults).
      linux: makeArm64Image(dir, 'Image', 256 * 1024, 2 * 1024 * 1024),
      'domu-initramfs': makeFile(dir, 'initramfs', 100_000),
      'virt.dtb': join(dir, 'virt.dtb'),
    };
    await dumpDeviceTree(files['virt.dtb']);
    plan = buildBootPlan(parseSystem(SYSTEM, 'e2e.yaml'), { board: qemuBoard(), resolve: resolverFor(files) });
    await stageFiles(plan, join(dir, 'tftp'));
    board = new QemuUboot(join(dir, 'tftp'));
    await board.interrupt();
  });
  after(function () {
    board?.kill();
    if (board && this.currentTest?.state === 'failed') writeFileSync(join(dir, 'console.txt'), board.output);
    cleanup();
  });

  it('edits a copy of the DT U-Boot holds (fdt move) without an error', async function () {
    const p = buildBootPlan(parseSystem(SYSTEM, 'e2e.yaml'), {
      board: qemuBoard({ deviceTree: { source: 'uboot', addressVariable: 'fdtcontroladdr' } }),
      resolve: resolverFor(files),
    });
    for (const c of planCommands(p).filter((c) => !/^(tftpb|booti) /.test(c))) assert.doesNotMatch(await board!.run(c), U_BOOT_ERRORS, c);
    assert.match(await board!.run('fdt addr'), /0*40200000/i, 'the working DT is the copy in the load window');
    const chosen = parseFdtPrint(await board!.run('fdt print /chosen'), '/chosen');
    assert.equal(chosen.get('/chosen/domU-alpha')?.get('compatible'), '"xen,domain"');
  });

  it('sets up the network, loads every file with its planned size and applies every fdt command without an error', async function () {
    for (const c of planCommands(plan).slice(0, -1)) {
      const out = await board!.run(c, 20000);
      assert.doesNotMatch(out, U_BOOT_ERRORS, `${c}\n${out}`);
      const file = plan.files.find((f) => c === `tftpb 0x${f.address.toString(16)} ${f.tftpName}`);
      if (file) assert.match(out, new RegExp(`Bytes transferred = ${file.size} `), c);
    }
  });

  it('fdt print /chosen shows the planned nodes, in file order, with exact values', async function () {
    const text = await board!.run('fdt print /chosen');
    const nodes = parseFdtPrint(text, '/chosen');
    const chosen = nodes.get('/chosen')!;
    assert.equal(chosen.get('xen,xen-bootargs'), `"${plan.xenBootargs}"`);
    assert.equal(chosen.get('#address-cells'), '<0x00000001>');
    const domus = [...nodes.keys()].filter((k) => /^\/chosen\/domU-[^/]+$/.test(k));
    assert.deepEqual(domus, ['/chosen/domU-alpha', '/chosen/domU-beta']);
    const kernel = plan.files.find((f) => f.tftpName === 'linux')!;
    const ramdisk = plan.files.find((f) => f.tftpName === 'domu-initramfs')!;
    const cell = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;
    const alpha = nodes.get('/chosen/domU-alpha')!;
    assert.equal(alpha.get('memory'), `<${cell(0)} ${cell(262144)}>`);
    assert.equal(alpha.get('cpus'), `<${cell(1)}>`);
    assert.equal(alpha.get('vpl011'), '');
    assert.equal(nodes.get('/chosen/domU-beta')!.get('vpl011'), undefined);
    const alphaKernel = nodes.get(`/chosen/domU-alpha/module@${kernel.address.toString(16)}`)!;
    assert.equal(alphaKernel.get('compatible'), '"multiboot,kernel", "multiboot,module"');
    assert.equal(alphaKernel.get('reg'), `<${cell(kernel.address)} ${cell(kernel.size)}>`);
    assert.equal(alphaKernel.get('bootargs'), `"${TRICKY} hil.domain=alpha"`, 'hush passed the bootargs through untouched');
    const alphaRamdisk = nodes.get(`/chosen/domU-alpha/module@${ramdisk.address.toString(16)}`)!;
    assert.equal(alphaRamdisk.get('reg'), `<${cell(ramdisk.address)} ${cell(ramdisk.size)}>`);
  });

  it('as one sourced script (script mode): U-Boot runs every step, each announces its end, and a failing one stops the script, named', async function () {
    const failing: BootStep = { command: 'fdt set /no-such-node x <1>', stage: 'uboot: device tree', ...within(DEFAULT_LIMITS.fdtMs) };
    const broken = { ...plan, steps: [...plan.steps.slice(0, -1), failing, plan.steps.at(-1)!] };
    const script = scriptBoot(broken, qemuBoard(), DEFAULT_LIMITS)!;
    writeFileSync(join(dir, 'tftp', script.file.tftpName), script.file.image);
    assert.match(await board!.run(script.typed.at(-1)!.command, 20000), new RegExp(`Bytes transferred = ${script.file.image.length} `));
    board!.send(script.source);
    const n = script.scripted.indexOf(failing) + 1;
    const text = await board!.waitFor(stepMarker(n), 60000);
    for (let i = 1; i < n; i++) assert.match(text, new RegExp(`hil-ok ${i}\r?\n`), `step ${i} (${script.scripted[i - 1].command}) announced its end`);
    assert.match(text, new RegExp(`hil-failed ${n}\r?\n`), 'the failing step said so');
    const after = await board!.waitFor('=> ', 5000);
    assert.doesNotMatch(after, /Starting kernel/, 'the script stopped: the launch after the failing step never ran');
  });

  it('Xen 4.17 builds the domUs from it, in file order (needs the built xen image)', async function () {
    requireOrSkip(this, realXen ? undefined : 'the built Xen image in images/build (run `npx hil setup`)');
    board!.send(planCommands(plan).at(-1)!);
    // fdt_high: U-Boot hands Xen the DT where the plan put it instead of a copy of its choosing.
    await board!.waitFor(`Using Device Tree in place at ${plan.dtbAddress.toString(16).padStart(16, '0')}`, 15000);
    await board!.waitFor('Starting kernel', 15000);
    await board!.waitFor('*** LOADING DOMU cpus=1 memory=40000KB ***', 20000);
    const kernel = plan.files.find((f) => f.tftpName === 'linux')!.address.toString(16).padStart(16, '0');
    await board!.waitFor(`Loading d1 kernel from boot module @ ${kernel}`, 5000);
    await board!.waitFor('*** LOADING DOMU cpus=2 memory=20000KB ***', 10000);
    await board!.waitFor(/Freed \d+kB init memory/, 15000);
    assert.doesNotMatch(board!.output, /Panic on CPU/);
  });
});

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSystem } from '../../harness/plan/system-file.ts';
import { buildBootPlan, planCommands, type BootPlan } from '../../harness/plan/uboot-commands.ts';
import { applyWithFdtput, fdtget, hushWords } from './fdt-shell.ts';
import { makeFile, qemuBoard, resolverFor, scratch, standardFiles } from './fixtures.ts';

const QEMU_VIRT = ['-machine', 'virt,gic-version=3,virtualization=true', '-cpu', 'cortex-a57', '-m', '2048', '-smp', '2', '-display', 'none', '-nic', 'none'];
/** Bootargs full of what hush would otherwise interpret: quotes, $, ;, #, backslashes. */
const TRICKY = 'console=ttyAMA0 say="hi there" $HOME ${x} a;b #c \\path\\ end\\';

const SYSTEM = `name: full
xen:
  bootargs: "sched=credit2"
dom0:
  kernel: linux
  ramdisk: dom0-initramfs
  bootargs: "console=hvc0 root=/dev/ram0"
  memory: 512M
  vcpus: 1
domus:
  - name: alpha
    kernel: linux
    ramdisk: domu-initramfs
    bootargs: ${JSON.stringify(TRICKY)}
    memory: 256M
    vcpus: 1
    enhanced: true
    passthrough: partial.dtb
  - name: beta
    kernel: linux
    memory: 40M
    vcpus: 2
    vpl011: false
  - name: gamma
    kernel: linux
    ramdisk: domu-initramfs
    memory: 1G
    vcpus: 1
`;

describe('plan: fdt commands applied to a real DTB with fdtput', function () {
  let dir: string;
  let cleanup: () => void;
  let files: Record<string, string>;
  let plan: BootPlan;
  let dtb: string;
  /** Where the domUs' copy of a file is (dom0's kernel, loaded first, has one of its own). */
  const addressOf = (name: string) => [...plan.files].reverse().find((f) => f.path === files[name])!.address;
  const dom0AddressOf = (name: string) => plan.files.find((f) => f.path === files[name])!.address;
  const sizeOf = (name: string) => statSync(files[name]).size;

  before(function () {
    ({ dir, cleanup } = scratch());
    const virt = join(dir, 'virt.dtb');
    execFileSync('qemu-system-aarch64', [...QEMU_VIRT.slice(0, 1), `${QEMU_VIRT[1]},dumpdtb=${virt}`, ...QEMU_VIRT.slice(2)], { stdio: 'ignore' });
    files = standardFiles(dir, virt);
    writeFileSync(join(dir, 'partial.dts'), '/dts-v1/;\n/ { #address-cells = <2>; #size-cells = <1>; passthrough { }; };\n');
    execFileSync('dtc', ['-I', 'dts', '-O', 'dtb', '-o', join(dir, 'partial.dtb'), join(dir, 'partial.dts')]);
    files['partial.dtb'] = join(dir, 'partial.dtb');
    plan = buildBootPlan(parseSystem(SYSTEM, 'full.yaml'), { board: qemuBoard(), resolve: resolverFor(files) });
    dtb = join(dir, 'edited.dtb');
    copyFileSync(virt, dtb);
    applyWithFdtput(planCommands(plan), dtb);
  });
  after(() => cleanup());

  it('leaves a DTB that dtc decompiles', function () {
    const dts = execFileSync('dtc', ['-I', 'dtb', '-O', 'dts', dtb], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    assert.match(dts, /compatible = "xen,domain";/);
    assert.match(dts, /pl011@9000000/, 'the board nodes are still there');
  });

  it('sets /chosen cells and Xen’s command line', function () {
    assert.deepEqual(fdtget.cells(dtb, '/chosen', '#address-cells'), [1]);
    assert.deepEqual(fdtget.cells(dtb, '/chosen', '#size-cells'), [1]);
    assert.deepEqual(fdtget.strings(dtb, '/chosen', 'xen,xen-bootargs'), [
      'console=dtuart dtuart=/pl011@9000000 dom0_mem=512M dom0_max_vcpus=1 sched=credit2',
    ]);
  });

  it('describes dom0’s kernel (with its bootargs) and ramdisk as /chosen modules', function () {
    const kernel = `/chosen/module@${dom0AddressOf('linux').toString(16)}`;
    const ramdisk = `/chosen/module@${addressOf('dom0-initramfs').toString(16)}`;
    assert.deepEqual(fdtget.strings(dtb, kernel, 'compatible'), ['multiboot,kernel', 'multiboot,module']);
    assert.deepEqual(fdtget.cells(dtb, kernel, 'reg'), [dom0AddressOf('linux'), sizeOf('linux')]);
    assert.deepEqual(fdtget.strings(dtb, kernel, 'bootargs'), ['console=hvc0 root=/dev/ram0']);
    assert.deepEqual(fdtget.strings(dtb, ramdisk, 'compatible'), ['multiboot,ramdisk', 'multiboot,module']);
    assert.deepEqual(fdtget.cells(dtb, ramdisk, 'reg'), [addressOf('dom0-initramfs'), sizeOf('dom0-initramfs')]);
    assert.ok(!fdtget.has(dtb, ramdisk, 'bootargs'));
  });

  it('keeps the domU nodes in file order (mknod inserts before siblings)', function () {
    const domus = fdtget.children(dtb, '/chosen').filter((n) => n.startsWith('domU-'));
    assert.deepEqual(domus, ['domU-alpha', 'domU-beta', 'domU-gamma']);
  });

  it('gives each domU its memory in KB, cpus, vpl011 and xen,enhanced', function () {
    const expect = { alpha: [262144, 1, true, true], beta: [40960, 2, false, false], gamma: [1048576, 1, true, false] };
    for (const [name, [kb, cpus, vpl011, enhanced]] of Object.entries(expect)) {
      const node = `/chosen/domU-${name}`;
      assert.deepEqual(fdtget.strings(dtb, node, 'compatible'), ['xen,domain'], node);
      assert.deepEqual(fdtget.cells(dtb, node, 'memory'), [0, kb], `${node} memory`);
      assert.deepEqual(fdtget.cells(dtb, node, 'cpus'), [cpus], `${node} cpus`);
      assert.deepEqual(fdtget.cells(dtb, node, '#address-cells'), [1]);
      assert.deepEqual(fdtget.cells(dtb, node, '#size-cells'), [1]);
      assert.equal(fdtget.has(dtb, node, 'vpl011'), vpl011, `${node} vpl011`);
      if (vpl011) assert.equal(fdtget.raw(dtb, node, 'vpl011'), '', 'vpl011 is an empty property');
      assert.equal(fdtget.has(dtb, node, 'xen,enhanced'), enhanced, `${node} xen,enhanced`);
      if (enhanced) assert.deepEqual(fdtget.strings(dtb, node, 'xen,enhanced'), ['enabled']);
    }
  });

  it('gives each module its kind, its load address and the exact file size', function () {
    const mods = { alpha: ['linux', 'domu-initramfs', 'partial.dtb'], beta: ['linux'], gamma: ['linux', 'domu-initramfs'] };
    const kinds: Record<string, string> = { linux: 'multiboot,kernel', 'domu-initramfs': 'multiboot,ramdisk', 'partial.dtb': 'multiboot,device-tree' };
    for (const [name, names] of Object.entries(mods)) {
      const node = `/chosen/domU-${name}`;
      const children = fdtget.children(dtb, node).sort();
      assert.deepEqual(children, names.map((n) => `module@${addressOf(n).toString(16)}`).sort(), `${node} modules`);
      for (const n of names) {
        const mod = `${node}/module@${addressOf(n).toString(16)}`;
        assert.deepEqual(fdtget.strings(dtb, mod, 'compatible'), [kinds[n], 'multiboot,module'], mod);
        assert.deepEqual(fdtget.cells(dtb, mod, 'reg'), [addressOf(n), sizeOf(n)], `${mod} reg`);
        assert.equal(fdtget.has(dtb, mod, 'bootargs'), n === 'linux', `${mod} bootargs only on the kernel`);
      }
    }
  });

  it('passes bootargs through exactly, hil.domain appended', function () {
    const at = (name: string) => `/chosen/domU-${name}/module@${addressOf('linux').toString(16)}`;
    assert.deepEqual(fdtget.strings(dtb, at('alpha'), 'bootargs'), [`${TRICKY} hil.domain=alpha`]);
    assert.deepEqual(fdtget.strings(dtb, at('beta'), 'bootargs'), ['hil.domain=beta']);
    assert.deepEqual(fdtget.strings(dtb, at('gamma'), 'bootargs'), ['hil.domain=gamma']);
  });

  it("shares one kernel among the domUs, and gives dom0 a copy of its own (Xen 4.20 finds no dom0 kernel at a domU's address)", function () {
    assert.equal(plan.files.filter((f) => f.path === files.linux).length, 2);
    assert.notEqual(dom0AddressOf('linux'), addressOf('linux'));
    const regs = ['alpha', 'beta', 'gamma'].map((n) => fdtget.cells(dtb, `/chosen/domU-${n}/module@${addressOf('linux').toString(16)}`, 'reg'));
    assert.ok(regs.every((r) => r[0] === addressOf('linux')));
  });

  it('the translation refuses what hush would expand or leave open', function () {
    assert.throws(() => hushWords("fdt set /chosen x 'open"), /unterminated/);
    assert.throws(() => hushWords('fdt set /chosen x $HOME'), /expanded/);
    assert.deepEqual(hushWords("fdt set /chosen \\#size-cells <0x1> # comment"), ['fdt', 'set', '/chosen', '#size-cells', '<0x1>']);
  });

  it('a module reg with two address cells reads back as high, low, size', function () {
    const board = qemuBoard({ loadWindow: { start: 0x800000000, end: 0x880000000 } });
    const system = parseSystem('domus:\n  - name: hi\n    kernel: linux\n    memory: 64M\n    vcpus: 1\n', 'hi.yaml');
    const p = buildBootPlan(system, { board, resolve: resolverFor({ ...files, linux: makeFile(dir, 'k2', 4321) }) });
    const edited = join(dir, 'high.dtb');
    copyFileSync(files['virt.dtb'], edited);
    applyWithFdtput(planCommands(p), edited);
    const address = p.files.find((f) => f.tftpName === 'linux')!.address;
    assert.deepEqual(fdtget.cells(edited, '/chosen', '#address-cells'), [2]);
    assert.deepEqual(fdtget.cells(edited, `/chosen/domU-hi/module@${address.toString(16)}`, 'reg'), [8, address - 0x800000000, 4321]);
  });
});

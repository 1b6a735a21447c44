import assert from 'node:assert/strict';
import { ConfigError, HilError } from '../../harness/errors.ts';
import { parseSystem } from '../../harness/plan/system-file.ts';
import { NETWORK_STAGE } from '../../harness/plan/boot-steps.ts';
import { buildBootPlan, planCommands, renderScript, type BootPlanOptions } from '../../harness/plan/uboot-commands.ts';
import { hushWords } from './fdt-shell.ts';
import { makeArm64Image, makeFile, qemuBoard, resolverFor, scratch, standardFiles, TWO_DOMUS } from './fixtures.ts';

const MiB = 1024 * 1024;

describe('plan: U-Boot commands', function () {
  let dir: string;
  let cleanup: () => void;
  let files: Record<string, string>;
  let opts: BootPlanOptions;
  beforeEach(function () {
    ({ dir, cleanup } = scratch());
    files = standardFiles(dir);
    opts = { board: qemuBoard(), resolve: resolverFor(files) };
  });
  afterEach(() => cleanup());

  const plan = (text: string, o: Partial<BootPlanOptions> = {}) => buildBootPlan(parseSystem(text, 'sys.yaml'), { ...opts, ...o });
  /** The ConfigError a system gets, checked to name the field and line. */
  function refused(text: string, o: Partial<BootPlanOptions> = {}): ConfigError {
    try {
      plan(text, o);
    } catch (err) {
      assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
      return err;
    }
    assert.fail('the plan was accepted');
  }

  it('loads the DTB first, then Xen, each file once, and ends with booti', function () {
    const p = plan(TWO_DOMUS);
    assert.deepEqual(
      p.files.map((f) => [f.tftpName, f.address]),
      [
        ['virt.dtb', 0x40200000], // 1 MiB plus 68 KiB of room to grow
        ['xen', 0x40400000],
        ['linux', 0x40600000], // 2.9 MiB: the initramfs goes 4 MiB later
        ['domu-initramfs', 0x40a00000],
      ],
    );
    assert.deepEqual(
      planCommands(p).slice(0, 12),
      [
        ...['setenv ipaddr 10.0.2.15', 'setenv serverip 10.0.2.2', 'setenv netmask 255.255.255.0', 'setenv tftpblocksize 1468', 'setenv tftpwindowsize 8', 'setenv tftptimeout 1000'],
        ...['tftpb 0x40200000 virt.dtb', 'tftpb 0x40400000 xen', 'tftpb 0x40600000 linux', 'tftpb 0x40a00000 domu-initramfs', 'fdt addr 0x40200000', 'fdt resize 0x10000'],
      ],
    );
    assert.deepEqual(planCommands(p).slice(-2), ['setenv fdt_high 0xffffffffffffffff', 'booti 0x40400000 - 0x40200000'], 'the DT is used in place');
    assert.equal(p.xenAddress, 0x40400000);
    assert.equal(p.dtbAddress, 0x40200000);
  });

  it('sizes each module from its file and gives domains their final bootargs', function () {
    const p = plan(TWO_DOMUS);
    assert.ok(planCommands(p).includes('fdt set /chosen/domU-alpha/module@40600000 reg <0x40600000 0x2dc6c0>'));
    assert.ok(planCommands(p).includes('fdt set /chosen/domU-beta/module@40a00000 reg <0x40a00000 0x12d687>'));
    assert.deepEqual(
      p.domains.map((d) => [d.name, d.node, d.memoryKb, d.vcpus, d.vpl011, d.bootargs]),
      [
        ['alpha', '/chosen/domU-alpha', 262144, 1, true, 'console=ttyAMA0 hil.domain=alpha'],
        ['beta', '/chosen/domU-beta', 131072, 2, false, 'console=ttyAMA0 quiet hil.domain=beta'],
      ],
    );
  });

  it("with regSizeDelta, gives that domU's module a reg size off its file's on purpose, and loads the file whole", function () {
    const p = plan(TWO_DOMUS.replace('    vpl011: false', '    vpl011: false\n    regSizeDelta: { ramdisk: -4096 }'));
    assert.ok(planCommands(p).includes('fdt set /chosen/domU-beta/module@40a00000 reg <0x40a00000 0x12c687>'), 'beta: 4096 bytes short');
    assert.ok(planCommands(p).includes('fdt set /chosen/domU-alpha/module@40a00000 reg <0x40a00000 0x12d687>'), 'alpha: exact');
    assert.equal(p.domains[1].modules.find((m) => m.kind === 'ramdisk')?.size, 0x12c687);
    assert.equal(p.files.find((f) => f.tftpName === 'domu-initramfs')?.size, 0x12d687);
  });

  it("reserves Xen's whole image_size (bss) before the next file", function () {
    files.xen = makeArm64Image(dir, 'big-xen', 983048, 3 * MiB + 5);
    const p = plan(TWO_DOMUS);
    assert.equal(p.files[2].address - p.xenAddress, 4 * MiB);
  });

  it('builds Xen’s command line: board console, dom0 sizing, conswitch, system arguments', function () {
    const p = plan(
      `xen:\n  bootargs: "sched=credit2 loglvl=all"\n  conswitch: x\ndom0:\n  kernel: linux\n  ramdisk: dom0-initramfs\n  bootargs: console=hvc0\n  memory: 768M\n  vcpus: 2\ndomus: []\n`,
    );
    assert.equal(p.xenBootargs, 'console=dtuart dtuart=/pl011@9000000 dom0_mem=768M dom0_max_vcpus=2 conswitch=x sched=credit2 loglvl=all');
    assert.deepEqual(p.dom0, { vcpus: 2, memoryKb: 786432, bootargs: 'console=hvc0' });
    assert.equal(plan(TWO_DOMUS).xenBootargs, 'console=dtuart dtuart=/pl011@9000000 sched=credit2', "default conswitch 'a' is left off");
    const suffixed = plan(TWO_DOMUS.replace('xen:\n', 'xen:\n  conswitch: bx\n'));
    assert.match(suffixed.xenBootargs, / conswitch=bx /, "Xen gets the 'x' suffix");
    assert.equal(suffixed.conswitchKey, 'b', 'the harness presses Ctrl-B: the suffix is not part of the key');
  });

  it('is a list of typed steps: each with its stage and time limit, each fetch with its file, the launch last', function () {
    const p = plan(TWO_DOMUS);
    const last = p.steps.at(-1)!;
    assert.deepEqual([last.command, last.stage, last.launch], ['booti 0x40400000 - 0x40200000', 'uboot: booti', true]);
    assert.equal(p.steps.filter((s) => s.launch).length, 1);
    const loads = p.steps.filter((s) => s.file);
    assert.deepEqual(loads.map((s) => [s.stage, s.file!.tftpName]), p.files.map((f) => [`uboot: tftp ${f.tftpName}`, f.tftpName]));
    const linux = loads.find((s) => s.file!.tftpName === 'linux')!;
    const perMiB = qemuBoard().limits.tftpMsPerMiB!;
    assert.equal(linux.timeoutMs, Math.ceil(10000 + (linux.file!.size / 1048576) * perMiB), 'a fetch gets the board limit for its size');
    assert.match(linux.timeoutFrom, /^limit tftpBaseMs = 10000 ms, set by hil's default, plus \d+\.\d MiB at limit tftpMsPerMiB = 1000 ms, set by board profile /);
    const bootargs = p.steps.find((s) => s.command.includes('domU-alpha') && s.command.includes(' bootargs '))!;
    assert.equal(bootargs.field, 'domus[0].bootargs');
    assert.ok(p.steps.every((s) => s.timeoutMs > 0 && s.stage.startsWith('uboot: ')));
    assert.equal(p.conswitchKey, 'a');
  });

  it('sets the network up as the board reaches the lab: the profile by default, the lab file when it says otherwise', function () {
    const dhcp = plan(TWO_DOMUS, { network: { mode: 'dhcp', serverip: '192.0.2.1' } });
    const network = dhcp.steps.filter((s) => s.stage === NETWORK_STAGE);
    assert.deepEqual(network.map((s) => s.command), ['setenv autoload no', 'dhcp', 'setenv serverip 192.0.2.1', 'setenv tftpblocksize 1468', 'setenv tftpwindowsize 8', 'setenv tftptimeout 1000']);
    assert.ok(network[1].timeoutMs > network[0].timeoutMs, 'dhcp waits for a lease');
    assert.equal(dhcp.steps.indexOf(network.at(-1)!), network.length - 1, 'network first');
  });

  it('with the DT held by U-Boot: copies it into the window before editing, and loads no DTB', function () {
    const board = qemuBoard({ deviceTree: { source: 'uboot', addressVariable: 'fdt_addr' } });
    const p = plan(TWO_DOMUS, { board });
    assert.ok(!p.files.some((f) => f.tftpName === 'virt.dtb'));
    const at = planCommands(p).indexOf('fdt addr ${fdt_addr}');
    assert.ok(at > 0 && p.steps.slice(0, at).every((s) => s.file || s.stage === NETWORK_STAGE));
    assert.deepEqual(planCommands(p).slice(at, at + 4), ['fdt addr ${fdt_addr}', 'fdt move ${fdt_addr} 0x40200000 0x200000', 'fdt addr 0x40200000', 'fdt resize 0x10000']);
    assert.equal(p.xenAddress, 0x40400000);
  });

  it('uses two address cells when the window reaches above 4 GiB', function () {
    const board = qemuBoard({ loadWindow: { start: 0x800000000, end: 0x880000000 } });
    const p = plan(TWO_DOMUS, { board });
    assert.ok(planCommands(p).includes('fdt set /chosen \\#address-cells <0x2>'));
    assert.ok(planCommands(p).includes('fdt set /chosen/domU-alpha/module@800400000 reg <0x8 0x400000 0x2dc6c0>'), planCommands(p).join('\n'));
  });

  it('gives two different files with the same name distinct TFTP names', function () {
    files['other-linux'] = makeFile(dir, 'other', 100);
    const p = plan(TWO_DOMUS.replace('kernel: linux', 'kernel: other-linux'), {
      resolve: (n) => ({ ...resolverFor(files)(n), name: n === 'other-linux' ? 'linux' : n }),
    });
    assert.deepEqual(p.files.map((f) => f.tftpName), ['virt.dtb', 'xen', 'linux', 'domu-initramfs', 'linux-2']);
  });

  it('refuses images that do not fit the load window, naming them', function () {
    const board = qemuBoard({ loadWindow: { start: 0x40200000, end: 0x40a00000 } });
    const err = refused(TWO_DOMUS, { board });
    assert.match(err.message, /not enough memory: the boot files need 9\.2 MiB from 0x40200000.*ends at 0x40a00000/);
    assert.match(err.message, /domu-initramfs: 1\.2 MiB does not fit/);
    assert.ok(err.cause instanceof HilError);
  });

  it('an unknown artifact is reported at its field and line', function () {
    const err = refused(TWO_DOMUS.replace('ramdisk: domu-initramfs\n    bootargs: "console=ttyAMA0 quiet"', 'ramdisk: nosuch\n    bootargs: "console=ttyAMA0 quiet"'));
    assert.equal(err.field, 'domus[1].ramdisk');
    assert.equal(err.line, 13);
    assert.match(err.message, /cannot find 'nosuch'.*known: xen, linux/);
  });

  it('an empty file is refused', function () {
    files['domu-initramfs'] = makeFile(dir, 'empty', 0);
    assert.match(refused(TWO_DOMUS).message, /is empty/);
  });

  it('bootargs U-Boot cannot pass are refused at their line: single quote, tab, non-ASCII', function () {
    for (const bad of ["init='/bin/sh'", 'a\tb', 'café']) {
      const err = refused(TWO_DOMUS.replace('bootargs: "console=ttyAMA0 quiet"', `bootargs: ${JSON.stringify(bad)}`));
      assert.equal(err.field, 'domus[1].bootargs');
      assert.equal(err.line, 14);
    }
  });

  it('a command longer than U-Boot reads is refused at the field that made it long', function () {
    const long = `console=ttyAMA0 ${'x'.repeat(480)}`;
    const err = refused(TWO_DOMUS.replace('bootargs: "console=ttyAMA0 quiet"', `bootargs: "${long}"`));
    assert.equal(err.field, 'domus[1].bootargs');
    assert.match(err.message, /U-Boot command of 5\d\d characters.*at most 512/);
    const board = qemuBoard({ uboot: { ...qemuBoard().uboot, maxCommandLength: 2048 } });
    assert.ok(plan(TWO_DOMUS.replace('bootargs: "console=ttyAMA0 quiet"', `bootargs: "${long}"`), { board }));
  });

  it('on a GICv2 board more than 8 vCPUs is refused', function () {
    const board = qemuBoard({ xen: { consoleArgs: 'console=dtuart', gicVersion: 2 } });
    assert.equal(refused(TWO_DOMUS.replace('vcpus: 2', 'vcpus: 9'), { board }).field, 'domus[1].vcpus');
  });

  it("refuses domains whose memory adds up to more than the board's RAM, naming the file, the domains and the figures", function () {
    const system = `dom0:\n  kernel: linux\n  memory: 512M\n  vcpus: 1\n${TWO_DOMUS.replace(/^name.*\n/, '').replace('memory: 128M', 'memory: 512M')}`;
    const board = qemuBoard({ ramMiB: 1024 });
    const err = refused(system, { board });
    assert.equal(err.file, 'sys.yaml');
    assert.equal(err.field, 'domus[1].memory');
    assert.equal(err.line, 18);
    assert.match(err.message, /the domains need 1280M of memory \(dom0 512M, alpha 256M, beta 512M\), more than the 1024M of RAM test-qemu-virt has/);
    assert.ok(plan(system.replace('memory: 512M\n    vcpus: 2', 'memory: 256M\n    vcpus: 2'), { board }), 'exactly the RAM is not refused here');
    assert.ok(plan(`expect:\n  failure: "Failed to allocate"\n${system}`, { board }), 'a system that must fail may ask for too much');
  });

  it('renders a script whose every line hush reads, comments first', function () {
    const p = plan(TWO_DOMUS);
    const script = renderScript(p);
    const lines = script.trimEnd().split('\n');
    const comments = lines.filter((l) => l.startsWith('#'));
    assert.ok(comments.length >= 1 + p.files.length);
    assert.deepEqual(lines.slice(comments.length), planCommands(p));
    for (const l of comments) assert.deepEqual(hushWords(l), []);
    for (const c of planCommands(p).filter((c) => !c.includes('${'))) assert.ok(hushWords(c).length >= 2, c);
  });
});

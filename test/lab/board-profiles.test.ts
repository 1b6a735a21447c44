import assert from 'node:assert/strict';
import { boardProfiles } from '../../boards/index.ts';
import { qemuMachineArgs } from '../../harness/power/qemu-machine.ts';
import { zcu102Machine } from '../../harness/power/qemu-zcu102.ts';

describe('board profiles', () => {
  it('boards/index.ts names every profile by its own name', () => {
    assert.deepEqual(Object.keys(boardProfiles).sort(), ['qemu-virt-arm64', 'qemu-virt-arm64-gicv2', 'qemu-zcu102', 'rpi4', 'zcu102']);
    for (const [name, p] of Object.entries(boardProfiles)) assert.equal(p.name, name);
  });

  for (const p of Object.values(boardProfiles)) {
    it(`${p.name}: load window is 2 MiB aligned and non-empty; Xen's console is a dtuart`, () => {
      const MiB2 = 0x200000;
      assert.equal(p.loadWindow.start % MiB2, 0);
      assert.equal(p.loadWindow.end % MiB2, 0);
      assert.ok(p.loadWindow.end - p.loadWindow.start >= 256 * 1024 * 1024);
      assert.match(p.xen.consoleArgs, /^console=dtuart( dtuart=\S+)?$/);
      assert.match('Hit any key to stop autoboot:  2 ', p.uboot.autobootPattern);
      assert.ok(p.uboot.prompt.endsWith(' '));
    });
  }

  it("each profile declares its RAM, and the load window fits in it; the virtual boards' is QEMU's -m", () => {
    for (const p of Object.values(boardProfiles)) {
      assert.ok(Number.isInteger(p.ramMiB) && p.ramMiB > 0, p.name);
      assert.ok(p.loadWindow.end - p.loadWindow.start <= p.ramMiB * 1024 * 1024, p.name);
    }
    const args = qemuMachineArgs();
    assert.equal(boardProfiles['qemu-virt-arm64'].ramMiB, Number(args[args.indexOf('-m') + 1]));
    assert.equal(boardProfiles['qemu-virt-arm64-gicv2'].ramMiB, Number(args[args.indexOf('-m') + 1]));
  });

  it('qemu-zcu102: the ZCU102 facts are the real board\'s; only RAM size, device tree, network and limits are its own', () => {
    const twin = boardProfiles['qemu-zcu102'];
    const real = boardProfiles.zcu102;
    for (const key of ['uboot', 'console', 'loadWindow', 'xen', 'dom0Bootargs'] as const) assert.deepEqual(twin[key], real[key], key);
    assert.equal(twin.qemuMachine, 'xlnx-zcu102');
  });

  it('qemu-zcu102: the LAN is on GEM3, the fourth NIC, after three unwired ones', () => {
    const nics = zcu102Machine({ el3: 'e', uboot: 'u.elf', deviceTree: 'd' }).labNicArgs('socket,connect=127.0.0.1:4000');
    assert.deepEqual(nics.filter((a) => a !== '-nic'), [
      'user,model=cadence_gem,restrict=on',
      'user,model=cadence_gem,restrict=on',
      'user,model=cadence_gem,restrict=on',
      'socket,connect=127.0.0.1:4000,model=cadence_gem',
    ]);
  });

  it('rpi4: everything stays in the first GiB, and the DT is U-Boot\'s own', () => {
    const p = boardProfiles.rpi4;
    assert.ok(p.loadWindow.end <= 0x40000000);
    assert.deepEqual(p.deviceTree, { source: 'uboot', addressVariable: 'fdtcontroladdr' });
  });

  it('zcu102: everything stays in low DDR below the PMU firmware (0x7ff00000)', () => {
    assert.ok(boardProfiles.zcu102.loadWindow.end <= 0x7ff00000);
  });
});

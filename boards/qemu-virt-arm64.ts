import type { BoardProfile } from '../harness/lab/board-profile.ts';

/** What every virtual board shares: the virtual LAN, and limits measured under TCG on 2 cores. */
export const virtualBoardFacts = {
  // The virtual LAN (harness/virtual-lan): the board is 10.0.2.15, the lab host (our TFTP server) 10.0.2.2.
  network: { mode: 'static', ipaddr: '10.0.2.15', serverip: '10.0.2.2', netmask: '255.255.255.0' },
  // The limits leave room for a loaded CI machine.
  limits: { ubootPromptMs: 15000, tftpMsPerMiB: 1000, xenBannerMs: 20000, xenInitMs: 60000, domuReadyMs: 90000, dom0ReadyMs: 120000 },
} satisfies Pick<BoardProfile, 'network' | 'limits'>;

/**
 * QEMU's arm64 `virt` machine with Debian's U-Boot (u-boot-qemu, qemu_arm64_defconfig).
 * Machine options live in harness/power/qemu-machine.ts; this is what the harness needs to know to drive it.
 */
export const qemuVirtArm64: BoardProfile = {
  name: 'qemu-virt-arm64',
  description: 'Virtual arm64 board: QEMU virt (GICv3, 2 x Cortex-A57, 2 GiB) with Debian U-Boot 2023.01',
  uboot: {
    // qemu_arm64_defconfig keeps U-Boot's default prompt.
    prompt: '=> ',
    autobootPattern: /Hit any key to stop autoboot/,
    interruptKey: ' ',
  },
  console: { baudRate: 115200 },
  // The machine's -m (harness/power/qemu-machine.ts).
  ramMiB: 2048,
  // RAM is 0x40000000 + 2 GiB. QEMU puts its DTB at the start of RAM for -bios firmware and
  // U-Boot relocates itself to the top, so images go between the two.
  loadWindow: { start: 0x42000000, end: 0xb0000000 },
  // QEMU generates the DT from its options; the virtual board dumps it (dumpdtb) as this file.
  deviceTree: { source: 'file', file: 'virt.dtb' },
  xen: {
    // QEMU 7.2's DT has no /aliases, so dtuart=serial0 finds nothing; name the PL011 by path.
    consoleArgs: 'console=dtuart dtuart=/pl011@9000000',
    gicVersion: 3,
  },
  // dom0's eth0 is the virtual LAN's NIC (UDP to the harness only); eth1 is on QEMU's user network,
  // whose host forward carries SSH (harness/lab/virtual-board.ts).
  dom0Bootargs: 'hil.eth0=off hil.eth1=10.0.2.15/24,10.0.2.2',
  qemuMachine: 'virt',
  ...virtualBoardFacts,
};

/**
 * The same virtual board with a GICv2 (QEMU virt, gic-version=2): so that what depends on the GIC
 * (the version a domU sees, the vCPU limit) is seen on both versions. At most 8 CPUs per domain.
 */
export const qemuVirtArm64Gicv2: BoardProfile = {
  ...qemuVirtArm64,
  name: 'qemu-virt-arm64-gicv2',
  description: 'Virtual arm64 board: QEMU virt (GICv2, 2 x Cortex-A57, 2 GiB) with Debian U-Boot 2023.01',
  xen: { ...qemuVirtArm64.xen, gicVersion: 2 },
};

import type { BoardProfile } from '../harness/lab/board-profile.ts';
import { virtualBoardFacts } from './qemu-virt-arm64.ts';
import { zcu102 } from './zcu102.ts';

/**
 * What the virtual ZCU102 does differently from a real one, in one place. Everything else (prompt,
 * UART, load window, Xen's console, GIC version) is the zcu102 profile's, so a fact fixed on the
 * twin is fixed for the real board. Measured on QEMU 7.2 with Debian's U-Boot 2023.01.
 */
export const zcu102Twin = {
  /** The RAM QEMU gives the SoC: 2 GiB at 0 and 2 GiB at 0x8_0000_0000, as the board DT's /memory says. */
  memoryMiB: 4096,
  /** No boot ROM, FSBL, PMU firmware or TF-A: a stand-in EL3 firmware (images/zynqmp/el3-standin.S) in OCM. */
  el3LoadAddress: 0xfffe0000,
  /** U-Boot's link address (CONFIG_TEXT_BASE), where the EL3 stand-in drops to EL2. */
  ubootTextBase: 0x08000000,
  /** Where U-Boot's CONFIG_OF_BOARD looks for the board DT (CONFIG_XILINX_OF_BOARD_DTB_ADDR). */
  deviceTreeLoadAddress: 0x100000,
  /** U-Boot's config and the board DT it builds, from Debian's u-boot source package. */
  ubootDefconfig: 'xilinx_zynqmp_virt_defconfig',
  boardDeviceTree: 'zynqmp-zcu102-rev1.0.dtb',
  /** The board's Ethernet is GEM3: QEMU fills GEMs in -nic order, so three unwired ones come first. */
  gemIndex: 3,
  /**
   * QEMU's GEM model puts its PHY at MDIO address 23 whatever the options; the board's DP83867 is at
   * 12 (ethernet-phy@c). U-Boot finds no PHY until the DT says 23.
   */
  phy: { node: '/axi/ethernet@ff0e0000/ethernet-phy@c', reg: 0x17 },
  /**
   * QEMU's GIC reports IIDR 0x0002043b where a GIC-400 reports 0x0202043b, so Xen's alias check
   * fails, it keeps GICC at 0xf9020000, and its GICC_DIR writes (+0x1000) land on a GICC_CTLR alias:
   * the CPU loses its interrupts. The fix gives Xen the 8 KiB window it picks itself on a real
   * ZCU102 (base + 0xf000) for GICC and GICV.
   */
  gic: {
    node: '/axi/interrupt-controller@f9010000',
    reg: [0x0, 0xf9010000, 0x0, 0x10000, 0x0, 0xf902f000, 0x0, 0x2000, 0x0, 0xf9040000, 0x0, 0x20000, 0x0, 0xf906f000, 0x0, 0x2000],
  },
} as const;

/** The ZCU102 as QEMU's xlnx-zcu102 with the real board's U-Boot, Xen and kernels. */
export const qemuZcu102: BoardProfile = {
  ...zcu102,
  name: 'qemu-zcu102',
  description: 'Virtual ZCU102: QEMU xlnx-zcu102 (4 x Cortex-A53, GIC-400 model, 4 GiB) with Debian U-Boot 2023.01 for ZynqMP',
  qemuMachine: 'xlnx-zcu102',
  ramMiB: zcu102Twin.memoryMiB,
  // U-Boot's board DT with the twin's changes (zcu102Twin.phy, zcu102Twin.gic), built by images/zynqmp.
  deviceTree: { source: 'file', file: 'zcu102-twin.dtb' },
  ...virtualBoardFacts,
};

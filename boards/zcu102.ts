import type { BoardProfile } from '../harness/lab/board-profile.ts';

/**
 * AMD (Xilinx) ZCU102: Zynq UltraScale+ XCZU9EG, 4 x Cortex-A53, 4 GiB DDR4 (2 GiB low at 0x0),
 * booting FSBL → PMUFW → TF-A → U-Boot from SD (a PetaLinux or Yocto meta-xilinx BOOT.BIN).
 * Sources are named beside each fact.
 */
export const zcu102: BoardProfile = {
  name: 'zcu102',
  description: 'AMD/Xilinx ZCU102 (Zynq UltraScale+ MPSoC, 4 x Cortex-A53, GIC-400) with Xilinx U-Boot',
  uboot: {
    // Seen on the virtual ZCU102 (boards/qemu-zcu102.ts): Debian's U-Boot 2023.01 built from mainline's
    // xilinx_zynqmp_virt_defconfig has CONFIG_SYS_PROMPT="ZynqMP> " and prints "Hit any key to stop
    // autoboot:  2" (bootdelay 2), as PetaLinux ZCU102 boot logs do (Xilinx forums, 2019.2). This
    // comment used to say mainline prompts "=> ": it does not.
    prompt: 'ZynqMP> ',
    autobootPattern: /Hit any key to stop autoboot/,
    interruptKey: ' ',
    // CONFIG_SYS_CBSIZE=2048 in the same build's .config (qemu_arm64's is 512).
    maxCommandLength: 2048,
  },
  // PS UART0, on interface 0 of the board's quad USB-UART (CP2108), 115200 8N1 (ZCU102 user guide UG1182).
  console: { baudRate: 115200 },
  // The PS DDR4 SODIMM (UG1182): 2 GiB at 0 less the PMU firmware's top 1 MiB, and 2 GiB at
  // 0x8_0000_0000, as the /memory node of PetaLinux's system.dtb gives them to Xen.
  ramMiB: 4095,
  // Low DDR: Xen's own hardware CI for this board gives ImageBuilder MEMORY_START=0, MEMORY_END=0x7ff00000
  // (xen.git automation/scripts/xilinx-smoke-dom0less-arm64.sh; the top 1 MiB is the PMU firmware's).
  // ImageBuilder places the first file at MEMORY_START + 2 MiB. The end stays clear of where U-Boot
  // relocates itself, its 64 MiB malloc area and stack (top of low DDR): on the virtual ZCU102,
  // Debian's U-Boot 2023.01 reports (bdinfo) relocaddr 0x7fe89000 and sp start 0x7bdfd790.
  loadWindow: { start: 0x00200000, end: 0x70000000 },
  // The board's DT is a build artifact (PetaLinux's system.dtb), served over TFTP with the images.
  deviceTree: { source: 'file', file: 'system.dtb' },
  xen: {
    // The Cadence UART (xen/drivers/char/cadence-uart.c), found through the DT alias serial0;
    // same arguments as Xen's ZCU102 CI (xilinx-smoke-dom0less-arm64.sh).
    consoleArgs: 'console=dtuart dtuart=serial0',
    // ZynqMP's APU has a GIC-400 (GICv2): u-boot include/configs/xilinx_zynqmp.h CONFIG_GICV2, GICD 0xF9010000.
    gicVersion: 2,
  },
  network: { mode: 'dhcp' },
  // Guesses from public boot logs, to be replaced by measured figures: FSBL to prompt takes 5-10 s,
  // plus up to ~5 s when the Ethernet PHY auto-negotiation times out; U-Boot TFTP on GEM at 1 Gb/s.
  // hil's default limits (harness/lab/limits.ts) were set for boards like this one.
  limits: {},
};

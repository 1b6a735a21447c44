import type { BoardProfile } from '../harness/lab/board-profile.ts';

/**
 * Raspberry Pi 4 Model B: BCM2711, 4 x Cortex-A72, GIC-400, with Debian's U-Boot (u-boot-rpi,
 * /usr/lib/u-boot/rpi_arm64/u-boot.bin, loaded by the VideoCore firmware: `kernel=u-boot.bin` and
 * `enable_uart=1`, `arm_64bit=1` in config.txt). Sources are named beside each fact.
 */
export const rpi4: BoardProfile = {
  name: 'rpi4',
  description: 'Raspberry Pi 4 Model B (BCM2711, 4 x Cortex-A72, GIC-400) with Debian U-Boot 2023.01',
  uboot: {
    // configs/rpi_arm64_defconfig sets CONFIG_SYS_PROMPT="U-Boot> "; read from Debian's u-boot-rpi
    // 2023.01 binary (strings), which also has bootdelay=2.
    prompt: 'U-Boot> ',
    autobootPattern: /Hit any key to stop autoboot/,
    interruptKey: ' ',
  },
  // The mini UART (UART1) on GPIO 14/15 with enable_uart=1, 115200 8N1; its clock follows the core
  // clock, which enable_uart=1 pins.
  console: { baudRate: 115200 },
  // The Pi 4 B comes with 1, 2, 4 or 8 GiB, and its firmware writes the real size into the DT Xen
  // gets. The profile takes the largest, so that no system that fits some Pi 4 is refused; for a
  // smaller one, a profile of its own: { ...rpi4, name: 'rpi4-2g', ramMiB: 2048 }.
  ramMiB: 8192,
  // The first GiB is what U-Boot maps and what 32-bit-DMA devices reach (Xen on Raspberry Pi 4,
  // linux.com "Xen on Raspberry Pi 4 adventures"). From 2 MiB up (ImageBuilder's MEMORY_START + 2 MiB),
  // ending below the firmware's DT copy (fdt_addr ≈ 0x2eff0000 in U-Boot's env) and U-Boot's relocated
  // image and DT (fdtcontroladdr ≈ 0x3af00000). U-Boot's own defaults (scriptaddr 0x02400000,
  // fdt_addr_r 0x02600000) lie inside: the boot plan places everything itself.
  loadWindow: { start: 0x00200000, end: 0x2e000000 },
  // The firmware builds the DT for the exact board revision and hands it to U-Boot, which keeps it at
  // $fdtcontroladdr (inside U-Boot's relocated region: copy it into the load window before editing).
  deviceTree: { source: 'uboot', addressVariable: 'fdtcontroladdr' },
  xen: {
    // Mini UART node of bcm283x.dtsi (uart1: serial@7e215040, "brcm,bcm2835-aux-uart"). Xen drives it
    // with its ns16550 driver since 4.13 (xen.git 840b046f "ns16550: Add compatible string for
    // Raspberry Pi 4", xen/drivers/char/ns16550.c), so Xen 4.17 supports it.
    consoleArgs: 'console=dtuart dtuart=/soc/serial@7e215040',
    // BCM2711's GIC-400 (GICv2), the reason Xen runs on the Pi 4 at all (same linux.com article).
    gicVersion: 2,
  },
  network: { mode: 'dhcp' },
  // Guesses to be replaced by measured figures: the firmware takes 5-8 s before U-Boot, whose
  // preboot ("pci enum; usb start") adds ~2 s; U-Boot TFTP on GENET at 1 Gb/s.
  // hil's default limits (harness/lab/limits.ts) were set for boards like this one.
  limits: {},
};

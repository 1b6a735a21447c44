/**
 * A board profile holds facts about one kind of board (data only; drivers live in harness/).
 * Instances of boards (which relay, which serial port) are bound in the lab file.
 */
import type { LimitValues } from './limits.ts';

export interface BoardProfile {
  name: string;
  description: string;
  uboot: {
    /** The prompt U-Boot prints, e.g. "=> " or "ZynqMP> ". */
    prompt: string;
    /** Text U-Boot prints while counting down to autoboot. */
    autobootPattern: RegExp;
    /** What to send to stop autoboot. */
    interruptKey: string;
    /** Longest command line U-Boot reads (CONFIG_SYS_CBSIZE). Default 512, measured on Debian's qemu_arm64 U-Boot 2023.01. */
    maxCommandLength?: number;
  };
  console: {
    baudRate: number;
    rtscts?: boolean;
  };
  /**
   * The RAM Xen finds in the board's device tree (/memory), in MiB: all domains' memory must fit in
   * it, with Xen's own besides.
   */
  ramMiB: number;
  /** Where images may be loaded: [start, end) physical addresses, 2 MiB aligned. */
  loadWindow: { start: number; end: number };
  /** The device tree Xen gets: an artifact file fetched over TFTP, or the one U-Boot already holds. */
  deviceTree: { source: 'file'; file: string } | { source: 'uboot'; addressVariable: string };
  xen: {
    /** Console arguments for Xen's command line on this board, e.g. "console=dtuart dtuart=serial0". */
    consoleArgs: string;
    gicVersion: 2 | 3;
  };
  /**
   * Kernel arguments dom0 needs on this board, put before the system file's own: e.g. which NIC
   * reaches the lab for SSH (`hil.eth0=`/`hil.eth1=`, read by the dom0 image's /init). Default none.
   */
  dom0Bootargs?: string;
  /** Network setup for U-Boot before tftpb: static commands, or "dhcp". */
  network: { mode: 'static'; ipaddr: string; serverip: string; netmask?: string } | { mode: 'dhcp'; serverip?: string };
  /** Virtual boards only: the QEMU machine the board is (harness/lab/virtual-board.ts). */
  qemuMachine?: 'virt' | 'xlnx-zcu102';
  /** This board's time limits where hil's defaults do not fit it (harness/lab/limits.ts has them all). */
  limits: LimitValues;
}

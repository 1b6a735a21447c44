import { existsSync } from 'node:fs';
import { execa } from 'execa';
import { HilError } from '../errors.ts';

/** Where Debian's u-boot-qemu package puts the arm64 U-Boot. */
export const QEMU_UBOOT_BIOS = '/usr/lib/u-boot/qemu_arm64/u-boot.bin';
export const QEMU_BINARY = 'qemu-system-aarch64';

export interface QemuMachineOptions {
  /** Memory in MiB. Default 2048. */
  memoryMiB?: number;
  /** Default 2. */
  cpus?: number;
  /** Firmware. Default Debian's U-Boot for qemu_arm64. */
  bios?: string;
  /** The interrupt controller: GICv3 (default) or GICv2, both with the virtualization extensions Xen needs. */
  gicVersion?: 2 | 3;
}

/**
 * A QEMU machine a virtual board runs on: its hardware options, how its NICs are attached, and
 * what it needs installed. QemuPower starts it; nothing above the power and console drivers sees it.
 */
export interface QemuMachine {
  /** What it is, for messages: "QEMU virt", "QEMU xlnx-zcu102". */
  readonly description: string;
  /** `-machine` and the hardware: CPUs, memory, firmware, no display, no monitor on a console. */
  args(): string[];
  /** The NIC U-Boot fetches through, on the netdev `spec` (e.g. "socket,connect=127.0.0.1:4000"); none: no NIC. */
  labNicArgs(spec: string | undefined): string[];
  /** A second NIC on QEMU's user network with these host forwards (dom0's SSH); absent where the board has none. */
  sshNicArgs?(hostForwards: string[]): string[];
  /** Environment QEMU needs besides this process's. */
  env?: Record<string, string>;
  /** Throws a HilError naming what is missing (firmware, images). */
  check(): void;
  /** Writes the device tree the machine's firmware hands on, for Xen. */
  writeDeviceTree(path: string): Promise<void>;
}

/** QEMU's arm64 `virt` machine with Debian's U-Boot: the built-in virtual arm64 boards. */
export function virtMachine(options: QemuMachineOptions = {}): QemuMachine {
  return {
    description: 'QEMU virt',
    args: () => qemuMachineArgs(options),
    labNicArgs: (spec) => (spec ? ['-netdev', `${spec},id=lab`, ...virtioNicArgs('lab')] : []),
    sshNicArgs: (forwards) => userNetworkArgs(forwards),
    check: () => checkQemuInstalled(options),
    writeDeviceTree: (path) => dumpDeviceTree(path, options),
  };
}

/**
 * The virtual board's hardware, in one place: power-on and the DT dump use the same machine,
 * so the DT Xen gets is the one the machine really has.
 * Not -nographic: it puts QEMU's monitor on the serial line with Ctrl-A as escape, and Ctrl-A is Xen's conswitch.
 */
export function qemuMachineArgs(options: QemuMachineOptions = {}): string[] {
  return [
    '-machine', `virt,gic-version=${options.gicVersion ?? 3},virtualization=true`,
    '-cpu', 'cortex-a57',
    '-m', String(options.memoryMiB ?? 2048),
    '-smp', String(options.cpus ?? 2),
    '-bios', options.bios ?? QEMU_UBOOT_BIOS,
    '-display', 'none',
    '-monitor', 'none',
    // No NIC unless one is asked for with virtioNicArgs: QEMU's default NIC would load an option ROM.
    '-nic', 'none',
  ];
}

/**
 * A virtio-net NIC on the netdev `netdev`, with no option ROM (`romfile=`). U-Boot drives virtio-net
 * with its own driver and never runs a PCI option ROM (the ROM is iPXE, for UEFI or SeaBIOS network
 * boot), and without this QEMU refuses to start unless ipxe-qemu is installed (efi-virtio.rom).
 */
export function virtioNicArgs(netdev: string): string[] {
  return ['-device', `virtio-net-pci,netdev=${netdev},romfile=`];
}

/** A NIC on QEMU's user network carrying only the given host forwards (for SSH to dom0). */
export function userNetworkArgs(hostForwards: string[] | undefined): string[] {
  if (!hostForwards?.length) return [];
  const forwards = hostForwards.map((f) => `,hostfwd=${f}`).join('');
  return ['-netdev', `user,id=user${forwards}`, ...virtioNicArgs('user')];
}

/** Writes the machine's own device tree to `path` (QEMU's dumpdtb). */
export async function dumpDeviceTree(path: string, options: QemuMachineOptions = {}): Promise<void> {
  checkQemuInstalled(options);
  const args = qemuMachineArgs(options).map((a) => (a.startsWith('virt,') ? `${a},dumpdtb=${path}` : a));
  const result = await execa(QEMU_BINARY, [...args, '-serial', 'none'], { reject: false, timeout: 30000 });
  if (result.exitCode !== 0 || !existsSync(path)) {
    throw new HilError(`QEMU could not dump the virt device tree to ${path}: ${result.stderr || result.shortMessage}`);
  }
}

export function checkQemuInstalled(options: QemuMachineOptions = {}): void {
  const bios = options.bios ?? QEMU_UBOOT_BIOS;
  if (!existsSync(bios)) {
    throw new HilError(`U-Boot for QEMU not found at ${bios}: install it with 'apt-get install u-boot-qemu' (or run 'npx hil setup' as root)`, {
      code: 'MISSING_TOOL',
    });
  }
}

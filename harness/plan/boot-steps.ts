import type { BoardProfile } from '../lab/board-profile.ts';
import type { Command } from './device-tree-edits.ts';
import { hex } from './layout.ts';

export interface PlannedFile { tftpName: string; path: string; address: number; size: number }

/** One U-Boot command of a boot plan, with what the harness needs to run it and to say what failed. */
export interface BootStep {
  command: string;
  /** The stage a failure or timeout is reported in, e.g. `uboot: tftp linux`. */
  stage: string;
  /** How long U-Boot may take to answer it (for the launch: to print `Starting kernel`). */
  timeoutMs: number;
  /** The file a `tftpb` step fetches. */
  file?: PlannedFile;
  /** The system-file field whose text the command carries, for errors. */
  field?: string;
  /** The last step: it starts Xen, and U-Boot does not prompt again. */
  launch?: true;
}

/** U-Boot's TFTP tuning: bigger blocks and RFC 7440 windows cut transfer time several-fold. */
export const TFTP_BLOCK_SIZE = 1468;
export const TFTP_WINDOW_SIZE = 8;

/** How long a U-Boot command that does no I/O may take; DHCP waits for a lease. */
const COMMAND_MS = 5000;
const DHCP_MS = 30000;
/** fdt edits, and a fetch before its per-MiB budget: U-Boot's own overhead, with room for a slow console. */
const FDT_MS = 10000;
const TFTP_BASE_MS = 10000;
/** From `booti` to U-Boot's `Starting kernel` (it checks and relocates the image first). */
const LAUNCH_MS = 15000;

/** The stage of every network set-up step. */
export const NETWORK_STAGE = 'uboot: network setup';

/** The commands that give the board its address and point it at the lab host, then tune TFTP. */
export function networkSteps(network: BoardProfile['network']): BootStep[] {
  const step = (command: string, timeoutMs = COMMAND_MS): BootStep => ({ command, stage: NETWORK_STAGE, timeoutMs });
  const address =
    network.mode === 'static'
      ? [step(`setenv ipaddr ${network.ipaddr}`), step(`setenv serverip ${network.serverip}`), step(`setenv netmask ${network.netmask ?? '255.255.255.0'}`)]
      : [step('setenv autoload no'), step('dhcp', DHCP_MS), ...(network.serverip ? [step(`setenv serverip ${network.serverip}`)] : [])];
  return [...address, step(`setenv tftpblocksize ${TFTP_BLOCK_SIZE}`), step(`setenv tftpwindowsize ${TFTP_WINDOW_SIZE}`)];
}

/** Fetches one file to its planned address, within the board's TFTP budget for its size. */
export function loadStep(file: PlannedFile, tftpMsPerMiB: number): BootStep {
  const timeoutMs = Math.ceil(TFTP_BASE_MS + (file.size / 1048576) * tftpMsPerMiB);
  return { command: `tftpb ${hex(file.address)} ${file.tftpName}`, stage: `uboot: tftp ${file.tftpName}`, timeoutMs, file };
}

/** A device-tree edit. */
export function fdtStep(c: Command): BootStep {
  return { command: c.text, stage: 'uboot: device tree', timeoutMs: FDT_MS, ...(c.field ? { field: c.field } : {}) };
}

/** Starts Xen with its device tree. */
export function launchStep(xenAddress: number, dtbAddress: number): BootStep {
  return { command: `booti ${hex(xenAddress)} - ${hex(dtbAddress)}`, stage: 'uboot: booti', timeoutMs: LAUNCH_MS, launch: true };
}

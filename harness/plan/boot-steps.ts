import type { BoardProfile } from '../lab/board-profile.ts';
import { describeLimit, within, type Limits } from '../lab/limits.ts';
import type { Command } from './device-tree-edits.ts';
import { MAX_TIMER_MS } from '../util/deadline.ts';
import { hex } from './layout.ts';

export interface PlannedFile { tftpName: string; path: string; address: number; size: number }

/** One U-Boot command of a boot plan, with what the harness needs to run it and to say what failed. */
export interface BootStep {
  command: string;
  /** The stage a failure or timeout is reported in, e.g. `uboot: tftp linux`. */
  stage: string;
  /** How long U-Boot may take to answer it (for the launch: to print `Starting kernel`). */
  timeoutMs: number;
  /** The limits behind timeoutMs and where they were set, for a timeout error. */
  timeoutFrom: string;
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
/**
 * U-Boot's wait for a lost frame before it asks again (its default is 5 s, and it sends the value as
 * the `timeout` option, so our server waits as long). On a lab LAN 1 s (U-Boot's minimum) is ample,
 * and each lost frame then costs 1 s, not 5: a kernel of 26 MiB is some 19 000 frames.
 */
export const TFTP_TIMEOUT_MS = 1000;

/** The stage of every network set-up step. */
export const NETWORK_STAGE = 'uboot: network setup';

/** The commands that give the board its address and point it at the lab host, then tune TFTP. */
export function networkSteps(network: BoardProfile['network'], limits: Limits): BootStep[] {
  const step = (command: string, limit = limits.ubootCommandMs): BootStep => ({ command, stage: NETWORK_STAGE, ...within(limit) });
  const address =
    network.mode === 'static'
      ? [step(`setenv ipaddr ${network.ipaddr}`), step(`setenv serverip ${network.serverip}`), step(`setenv netmask ${network.netmask ?? '255.255.255.0'}`)]
      : [step('setenv autoload no'), step('dhcp', limits.dhcpMs), ...(network.serverip ? [step(`setenv serverip ${network.serverip}`)] : [])];
  return [...address, step(`setenv tftpblocksize ${TFTP_BLOCK_SIZE}`), step(`setenv tftpwindowsize ${TFTP_WINDOW_SIZE}`), step(`setenv tftptimeout ${TFTP_TIMEOUT_MS}`)];
}

/** Fetches one file to its planned address, within the board's TFTP budget for its size. */
export function loadStep(file: PlannedFile, limits: Limits): BootStep {
  const { tftpBaseMs: base, tftpMsPerMiB: perMiB } = limits;
  const mib = file.size / 1048576;
  // Each limit is within a timer's range; their sum for a huge file need not be.
  const timeoutMs = Math.min(MAX_TIMER_MS, Math.ceil(base.ms + mib * perMiB.ms));
  const timeoutFrom = `${describeLimit(base)}, plus ${mib.toFixed(1)} MiB at ${describeLimit(perMiB)}`;
  return { command: `tftpb ${hex(file.address)} ${file.tftpName}`, stage: `uboot: tftp ${file.tftpName}`, timeoutMs, timeoutFrom, file };
}

/** A device-tree edit. */
export function fdtStep(c: Command, limits: Limits): BootStep {
  return { command: c.text, stage: 'uboot: device tree', ...within(limits.fdtMs), ...(c.field ? { field: c.field } : {}) };
}

/** Starts Xen with its device tree. */
export function launchStep(xenAddress: number, dtbAddress: number, limits: Limits): BootStep {
  return { command: `booti ${hex(xenAddress)} - ${hex(dtbAddress)}`, stage: 'uboot: booti', ...within(limits.launchMs), launch: true };
}

/**
 * Names of the timeline marks the report understands. Whoever records a mark uses these, so the
 * report, the summary and the chart agree on one spelling.
 */
export const MARK = {
  powerOn: 'power-on',
  ubootBanner: 'uboot-banner',
  autobootStopped: 'autoboot-stopped',
  startingKernel: 'starting-kernel',
  xenBanner: 'xen-banner',
  /** Xen printed "Freed ...kB init memory": its own boot is over. */
  xenInitDone: 'xen-init-done',
  /** A domain's kernel and ramdisk are in memory (set `domain`). */
  domuLoaded: 'domu-loaded',
  /** A domain printed its readiness line (set `domain`). */
  domuReady: 'domu-ready',
  /** dom0's /init printed its readiness line: its daemons and SSH server are up. */
  dom0Ready: 'dom0-ready',
} as const;

/** A TFTP transfer started: the mark is `tftp:<file>` at the moment the read request arrived. */
export const TFTP_MARK_PREFIX = 'tftp:';

export const tftpMark = (file: string): string => TFTP_MARK_PREFIX + file;

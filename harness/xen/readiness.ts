/**
 * The line a guest's /init prints once its shell is about to start. The image recipe bakes it into
 * the initramfs; the harness waits for it. The domain's name comes from the kernel command line.
 */

/** Kernel command-line parameter that carries the domain's name: `hil.domain=NAME`. */
export const READINESS_PARAM = 'hil.domain';

/** Matches a readiness line anywhere in console text; group 1 is the domain's name. */
export const READINESS_RE = /hil: domain (\S+) ready/;

/** The exact line (without newline) a guest named `name` prints when it is ready. */
export function readinessLine(name: string): string {
  return `hil: domain ${name} ready`;
}

/** The line dom0's /init prints once its daemons and SSH server are up. */
export const DOM0_READY_LINE = 'hil: dom0 ready';

/** Kernel command-line parameter of a guest's network: `hil.eth0=ADDR/PREFIX[,GW]`, `dhcp` or `off`. */
export const ETH0_PARAM = 'hil.eth0';

/**
 * The line a domU given `hil.eth0=ADDR/PREFIX,GW` prints once a PV NIC was hot-plugged into it and it
 * pinged GW: `hil: domain NAME eth0 ADDR/PREFIX ping GW ok` (or `failed`). Groups: name, address, gateway, result.
 */
export const NETFRONT_RE = /hil: domain (\S+) eth0 (\S+) ping (\S+) (ok|failed)/;

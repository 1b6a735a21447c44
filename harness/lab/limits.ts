import { z } from 'zod';
import { HilError } from '../errors.ts';
import { MAX_TIMER_MS } from '../util/deadline.ts';

/**
 * Every time limit of a boot, by name: hil's default and what it bounds. The one table of them.
 *
 * Precedence, lowest first: this default, the board profile's `limits`, the lab file's `limits` for
 * that board, then `--limit NAME=MS` on the command line. Each resolved limit remembers which of
 * these set it, and a timeout error names the limit and that place.
 */
export const LIMITS = {
  ubootPromptMs: [30000, "power-on to U-Boot's autoboot prompt"],
  ubootCommandMs: [5000, 'one U-Boot command that does no I/O (setenv)'],
  dhcpMs: [30000, "U-Boot's DHCP request, to a lease"],
  fdtMs: [10000, 'one device-tree edit in U-Boot (fdt set, fdt mknode)'],
  tftpBaseMs: [10000, "a TFTP fetch's fixed part: U-Boot's own overhead, before the per-MiB part"],
  tftpMsPerMiB: [250, 'each MiB of a TFTP fetch'],
  launchMs: [15000, "booti to U-Boot's 'Starting kernel' (it checks and relocates the image first)"],
  xenBannerMs: [10000, "'Starting kernel' to Xen's banner"],
  xenInitMs: [30000, "each step of Xen's own boot (loading dom0, the domUs, freeing init memory)"],
  domuReadyMs: [60000, "Xen's end of boot to a domU's readiness line"],
  dom0ReadyMs: [60000, "Xen's end of boot to dom0's readiness line"],
  conswitchPressMs: [3000, "Xen's answer to one press of the console switch (Ctrl-A three times)"],
  consoleSilenceMs: [30000, 'no byte at all on the console while the board boots: it hangs (power-on to every domain ready)'],
  shellCommandMs: [30000, "a command in a domU's shell, from its typed line to its exit status"],
} as const satisfies Record<string, readonly [number, string]>;

export type LimitName = keyof typeof LIMITS;
export const LIMIT_NAMES = Object.keys(LIMITS) as LimitName[];

/** Limit values in ms, as a board profile, a lab file or the command line give some of them. */
export type LimitValues = Partial<Record<LimitName, number>>;

export interface Limit {
  name: LimitName;
  ms: number;
  /** Who set it: "hil's default", "board profile zcu102", "lab file /lab/lab.yaml:14", "--limit". */
  from: string;
}

export type Limits = { readonly [N in LimitName]: Limit };

/** The lab file's `limits:` of a board: any of the names, each a whole number of ms. */
export const limitValuesSchema = z.strictObject(
  Object.fromEntries(LIMIT_NAMES.map((n) => [n, z.number().int().positive().max(MAX_TIMER_MS, `must be at most ${MAX_TIMER_MS} ms (the longest a timer waits)`).optional()])) as Record<LimitName, z.ZodOptional<z.ZodNumber>>,
);

/** hil's own limits, each set by its default. */
export const DEFAULT_LIMITS: Limits = Object.fromEntries(LIMIT_NAMES.map((name) => [name, { name, ms: LIMITS[name][0], from: "hil's default" }])) as Limits;

/** `base` with the given values on top, each remembering who set it (`from`, or `from(name)`). */
export function overlayLimits(base: Limits, values: LimitValues | undefined, from: string | ((name: LimitName) => string)): Limits {
  const limits = { ...base } as Record<LimitName, Limit>;
  for (const name of LIMIT_NAMES) {
    const ms = values?.[name];
    if (ms !== undefined) limits[name] = { name, ms, from: typeof from === 'string' ? from : from(name) };
  }
  return limits;
}

/** hil's defaults with a board profile's own limits on top. */
export function profileLimits(profile: { name: string; limits: LimitValues }): Limits {
  return overlayLimits(DEFAULT_LIMITS, profile.limits, `board profile ${profile.name}`);
}

/** `limits` with the command line's `--limit NAME=MS` values on top. */
export function withLimitFlags(limits: Limits, flags: readonly string[]): Limits {
  const values: LimitValues = {};
  for (const flag of flags) {
    const m = /^([A-Za-z]+)=(\d+)$/.exec(flag.trim());
    if (!m) throw new HilError(`--limit ${flag}: write NAME=MS, e.g. --limit domuReadyMs=120000 (names: ${LIMIT_NAMES.join(', ')})`, { code: 'USAGE' });
    if (!(LIMIT_NAMES as string[]).includes(m[1])) throw new HilError(`--limit ${flag}: no limit '${m[1]}' (names: ${LIMIT_NAMES.join(', ')})`, { code: 'USAGE' });
    if (Number(m[2]) <= 0 || Number(m[2]) > MAX_TIMER_MS) throw new HilError(`--limit ${flag}: a limit must be at least 1 ms and at most ${MAX_TIMER_MS} ms`, { code: 'USAGE' });
    values[m[1] as LimitName] = Number(m[2]);
  }
  return overlayLimits(limits, values, '--limit');
}

/** How a timeout error names the limit behind it. */
export function describeLimit(limit: Limit): string {
  return `limit ${limit.name} = ${limit.ms} ms, set by ${limit.from}`;
}

/** Expect options for a wait bounded by one limit. */
export function within(limit: Limit): { timeoutMs: number; timeoutFrom: string } {
  return { timeoutMs: limit.ms, timeoutFrom: describeLimit(limit) };
}

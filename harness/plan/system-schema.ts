import { z } from 'zod';
import { READINESS_PARAM } from '../xen/readiness.ts';

/** Xen allocates guest RAM in 4 KiB pages: a size that is not a whole number of pages never finishes allocating. */
const PAGE_KB = 4;
/** A sanity floor: below this an arm64 Linux guest cannot even hold its own kernel. */
export const MIN_DOMAIN_MEMORY_KB = 32 * 1024;
/** Xen keeps a domain's node name in DT_MAX_NAME (41) characters; "domU-" + 32 leaves room. */
export const MAX_DOMAIN_NAME = 32;

const UNIT_KB: Record<string, number> = { K: 1, M: 1024, G: 1024 * 1024 };

/** "256M" → 262144 (KB, binary units), or a sentence saying what is wrong. */
export function parseSizeKb(text: string): number | string {
  const m = /^\s*(\d+)\s*([KMG])\s*$/i.exec(text);
  if (!m) return `'${text}' is not a size: write a whole number with a K, M or G suffix, e.g. 256M`;
  const kb = Number(m[1]) * UNIT_KB[m[2].toUpperCase()];
  if (kb % PAGE_KB !== 0) return `${text} is not a multiple of 4K (Xen allocates guest memory in 4 KiB pages)`;
  if (kb < MIN_DOMAIN_MEMORY_KB) return `${text} is too small: a domain needs at least 32M`;
  return kb;
}

/** 262144 → "256M"; sizes that are not whole MiB stay in K. Xen reads both. */
export function formatSizeKb(kb: number): string {
  return kb % 1024 === 0 ? `${kb / 1024}M` : `${kb}K`;
}

const memory = z.string({ error: 'must be a size with a K, M or G suffix, e.g. 256M' }).transform((text, ctx) => {
  const kb = parseSizeKb(text);
  if (typeof kb === 'string') {
    ctx.addIssue({ code: 'custom', message: kb });
    return z.NEVER;
  }
  return kb;
});

const artifact = z.string().min(1, 'must name an artifact (xen, linux, linux-old, domu-initramfs, dom0-initramfs) or a file');
const bootargs = z.string().default('');
/**
 * Xen on arm64 gives a domain at most MAX_VIRT_CPUS (128) vCPUs (xen/arch/arm/include/asm/config.h):
 * a domU with more is never created, and dom0_max_vcpus is cut to it without a word. More vCPUs than
 * the board has CPUs is no error and gets no warning: Xen time-shares them (only sched=null leaves the
 * extra ones waiting), and a system file is not written for one board.
 */
const MAX_VCPUS = 128;
const vcpus = z
  .number()
  .int('must be a whole number')
  .min(1, 'must be at least 1')
  .max(MAX_VCPUS, `must be at most ${MAX_VCPUS}: Xen on Arm gives a domain no more vCPUs (MAX_VIRT_CPUS)`);

const xenShape = {
  /** The hypervisor image: an artifact name or a file. */
  image: artifact.default('xen'),
  bootargs,
  conswitch: z
    .string()
    .regex(/^[a-z]x?$/, "must be one letter a-z, optionally followed by 'x' (Xen's conswitch=)")
    .default('a'),
};

const dom0Shape = { kernel: artifact, ramdisk: artifact.optional(), bootargs, memory, vcpus };

const domuShape = {
  name: z
    .string()
    .regex(/^[a-z0-9-]+$/, 'must use only lower-case letters, digits and "-"')
    .max(MAX_DOMAIN_NAME, `must be at most ${MAX_DOMAIN_NAME} characters (Xen limits device-tree node names)`),
  kernel: artifact,
  ramdisk: artifact.optional(),
  bootargs,
  memory,
  vcpus,
  vpl011: z.boolean().default(true),
  enhanced: z.boolean().default(false),
  passthrough: artifact.optional(),
  /**
   * For breaking the exact-size rule on purpose (a test of what Xen and the guest then do): the
   * module's `reg` size is its file's size plus this many bytes (negative: shorter).
   */
  regSizeDelta: z.strictObject({ kernel: z.number().int().optional(), ramdisk: z.number().int().optional() }).optional(),
};

const systemShape = {
  name: domuShape.name.optional(),
  xen: z.strictObject(xenShape).optional(),
  dom0: z.strictObject(dom0Shape).optional(),
  domus: z.array(z.strictObject(domuShape)).default([]),
  /**
   * A system that must not boot, to check that it fails as documented: `failure` is the text Xen or a
   * guest prints (e.g. Xen's panic message). Rules that would refuse such a system are waived.
   */
  expect: z.strictObject({ failure: z.string().min(1, 'must be the text the failure prints') }).optional(),
};

const ENHANCED_NEEDS_DOM0 =
  'enhanced (xen,enhanced: PV drivers through Xenstore) needs a dom0: Xen 4.17 panics at boot with ' +
  '"At the moment, Xenstore support requires dom0 to be present". Add a dom0 section or set enhanced: false ' +
  "(or, to check that very failure, declare it: expect: { failure: '…' })";

/** The whole file: shapes plus the rules that involve more than one field. */
export const systemSchema = z.strictObject(systemShape).superRefine((sys, ctx) => {
  if (sys.domus.length === 0 && !sys.dom0) {
    ctx.addIssue({ code: 'custom', path: ['domus'], message: 'declares no domU and no dom0: Xen would have nothing to boot' });
  }
  const seen = new Set<string>();
  sys.domus.forEach((d, i) => {
    if (seen.has(d.name)) ctx.addIssue({ code: 'custom', path: ['domus', i, 'name'], message: `'${d.name}' is used by two domUs; names must be unique` });
    seen.add(d.name);
    if (d.enhanced && !sys.dom0 && !sys.expect) ctx.addIssue({ code: 'custom', path: ['domus', i, 'enhanced'], message: ENHANCED_NEEDS_DOM0 });
    if (d.bootargs.split(/\s+/).some((arg) => arg.startsWith(`${READINESS_PARAM}=`))) {
      ctx.addIssue({ code: 'custom', path: ['domus', i, 'bootargs'], message: `must not set ${READINESS_PARAM}=: the harness appends ${READINESS_PARAM}=${d.name} itself` });
    }
  });
});

export type ParsedSystem = z.output<typeof systemSchema>;

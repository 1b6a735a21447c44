import { MARK } from '../report/marks.ts';
import { BOOT_ERRORS, UBOOT_ERRORS, XEN_ERRORS } from '../console/failure-patterns.ts';
import { ConsoleFailureError } from '../errors.ts';
import { describeLimit, within } from '../lab/limits.ts';
import type { BootPlan } from '../plan/uboot-commands.ts';
import { DOM0_READY_LINE, READINESS_RE } from '../xen/readiness.ts';
import type { BoardSession } from './board-session.ts';

/** dom0 among the names waited for: Xen's name for it, which no domU can take ([a-z0-9-]+). */
const DOM0 = 'Domain-0';

/** From the launch to Xen's end of boot: the kernel starts, Xen prints its banner, creates every planned domain, frees its init memory. */
export async function waitForXen(session: BoardSession, plan: BootPlan): Promise<void> {
  const { console: con, clock } = session;
  const { limits } = session;
  const launch = plan.steps[plan.steps.length - 1];
  await con.expect('Starting kernel', { stage: launch.stage, timeoutMs: launch.timeoutMs, timeoutFrom: launch.timeoutFrom, failOn: UBOOT_ERRORS });
  clock.mark(MARK.startingKernel);
  const banner = await con.expect(/Xen version (\S+)\s/, { stage: 'xen: banner', ...within(limits.xenBannerMs), failOn: BOOT_ERRORS });
  session.log(`Xen ${banner.match[1]} started`);
  if (plan.dom0) {
    await con.expect(/\*\*\* LOADING DOMAIN 0 \*\*\*/, { stage: 'xen: create dom0', ...within(limits.xenInitMs), failOn: BOOT_ERRORS });
  }
  for (let i = 0; i < plan.domains.length; i++) {
    await con.expect(/\*\*\* LOADING DOMU [^\r\n]*\*\*\*/, {
      stage: `xen: create domU ${i + 1} of ${plan.domains.length}`,
      ...within(limits.xenInitMs),
      failOn: BOOT_ERRORS,
    });
  }
  await con.expect(/Freed \d+kB init memory/, { stage: 'xen: finish boot', ...within(limits.xenInitMs), failOn: BOOT_ERRORS });
}

/** After Xen's boot: until dom0 (if planned) and every planned domU have printed their readiness lines, each within its limit. */
export async function waitForReadiness(session: BoardSession, plan: BootPlan): Promise<void> {
  const { console: con, clock, limits } = session;
  const waiting = new Set(plan.domains.map((d) => d.name));
  if (plan.dom0) waiting.add(DOM0);
  const limitOf = (n: string) => (n === DOM0 ? limits.dom0ReadyMs : limits.domuReadyMs);
  const ends = new Map([...waiting].map((n) => [n, clock.now() + limitOf(n).ms]));
  while (waiting.size > 0) {
    const soonest = [...waiting].reduce((a, b) => (ends.get(b)! < ends.get(a)! ? b : a));
    const m = await attributed(session, plan, con.expect([READINESS_RE, DOM0_READY_LINE], {
      stage: `${plan.dom0 ? 'dom0 and domU' : 'domU'} boot: waiting for ${[...waiting].join(', ')}`,
      timeoutMs: Math.max(0, Math.ceil(ends.get(soonest)! - clock.now())),
      timeoutFrom: `${soonest}'s ${describeLimit(limitOf(soonest))}`,
      failOn: BOOT_ERRORS,
    }));
    const name = m.index === 1 ? DOM0 : m.match[1];
    if (!waiting.delete(name)) continue;
    if (name === DOM0) clock.mark(MARK.dom0Ready);
    session.log(`${name === DOM0 ? 'dom0' : `domU ${name}`} ready at ${(clock.now() / 1000).toFixed(1)} s`);
  }
}

/**
 * A domU's line has its `DOMn: ` head, unless the domU had the input focus (Xen 4.20 gives it to
 * the first domU at its end of boot). So a guest kernel's failure with no head is the focused
 * domU's, when a domU Xen created has the focus; one of Xen's own never is.
 */
function focusedDomuFailure(session: BoardSession, matched: string): string | undefined {
  if (XEN_ERRORS.some((re) => re.test(matched))) return undefined;
  const domid = /^DOM(\d+)$/.exec(session.xen.focus)?.[1];
  return domid && Number(domid) > 0 && session.xen.domains.some((d) => d.domid === Number(domid)) ? domid : undefined;
}

/**
 * A failure seen while the domains boot, said of the domain that printed it (its `DOMn: ` head or
 * the input focus, its name from its kernel command line) and, for a ramdisk that did not unpack, of the module behind it.
 */
async function attributed<T>(session: BoardSession, plan: BootPlan, waiting: Promise<T>): Promise<T> {
  try {
    return await waiting;
  } catch (err) {
    if (!(err instanceof ConsoleFailureError)) throw err;
    const line = [...err.lastLines].reverse().find((l) => l.includes(err.matched));
    const domid = (line && /\bDOM(\d+): /.exec(line)?.[1]) ?? focusedDomuFailure(session, err.matched);
    if (!domid) throw err;
    const name = session.xen.domains.find((d) => d.domid === Number(domid))?.name;
    const planned = plan.domains.find((d) => d.name === name);
    const ramdisk = planned?.modules.find((m) => m.kind === 'ramdisk');
    const file = ramdisk && plan.files.find((f) => f.address === ramdisk.address);
    const why = /Initramfs unpacking failed/.test(err.matched) && ramdisk
      ? ` (its ramdisk module@${ramdisk.address.toString(16)}, reg size ${ramdisk.size} bytes${file ? `, file ${file.tftpName} of ${file.size} bytes` : ''}, is not a whole archive)`
      : '';
    throw new ConsoleFailureError({ stage: `domU ${name ?? `d${domid}`} boot`, matched: `${err.matched}${why}`, lastLines: err.lastLines, board: err.board });
  }
}

import { MARK } from '../report/marks.ts';
import { BOOT_ERRORS, UBOOT_ERRORS } from '../console/failure-patterns.ts';
import type { BootPlan } from '../plan/uboot-commands.ts';
import { READINESS_RE } from '../xen/readiness.ts';
import type { BoardSession } from './board-session.ts';

/** Follows Xen's boot on the console until every planned domU has printed its readiness line. */
export async function waitForDomains(session: BoardSession, plan: BootPlan): Promise<void> {
  const { console: con, clock } = session;
  const budgets = session.board.profile.budgets;
  await con.expect('Starting kernel', { stage: 'uboot: booti', timeoutMs: 15000, failOn: UBOOT_ERRORS });
  clock.mark(MARK.startingKernel);
  const banner = await con.expect(/Xen version (\S+)/, { stage: 'xen: banner', timeoutMs: budgets.xenBannerMs, failOn: BOOT_ERRORS });
  session.log(`Xen ${banner.match[1]} started`);
  for (let i = 0; i < plan.domains.length; i++) {
    await con.expect(/\*\*\* LOADING DOMU [^\r\n]*\*\*\*/, {
      stage: `xen: create domU ${i + 1} of ${plan.domains.length}`,
      timeoutMs: budgets.xenInitMs,
      failOn: BOOT_ERRORS,
    });
  }
  await con.expect(/Freed \d+kB init memory/, { stage: 'xen: finish boot', timeoutMs: budgets.xenInitMs, failOn: BOOT_ERRORS });
  const waiting = new Set(plan.domains.map((d) => d.name));
  while (waiting.size > 0) {
    const m = await con.expect(READINESS_RE, {
      stage: `domU boot: waiting for ${[...waiting].join(', ')}`,
      timeoutMs: budgets.domuReadyMs,
      failOn: BOOT_ERRORS,
    });
    if (waiting.delete(m.match[1])) session.log(`domU ${m.match[1]} ready at ${(clock.now() / 1000).toFixed(1)} s`);
  }
}

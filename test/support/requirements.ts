import type { Context } from 'mocha';

/** Tests skipped in this run because the machine lacks something, with what it lacks. */
export const skippedForMissing: { title: string; missing: string }[] = [];

/** Whether this run is CI's (`.ci/run` and the clean-machine tool set CI). */
export const onCi = (env: NodeJS.ProcessEnv = process.env): boolean => Boolean(env.CI) && env.CI !== 'false' && env.CI !== '0';

/**
 * The one way a harness test gives up on a missing tool, privilege or built image. `missing` names
 * what is missing (undefined: nothing is). Outside CI the test (or the suite, from a hook) is skipped
 * and listed by name at the end of the run; on CI it fails instead, so that a skip can never hide a
 * missing install step: `.ci/run` installs everything these tests need.
 */
export function requireOrSkip(ctx: Context, missing: string | undefined): void {
  if (!missing) return;
  const r = ctx.test as (Mocha.Runnable & { type?: string }) | undefined;
  const title = r?.type === 'hook' ? `${r.parent?.fullTitle()} (every test)` : (r?.fullTitle() ?? '(unknown test)');
  if (onCi()) throw new Error(`missing on CI: ${missing} (.ci/run must install it; outside CI this test would be skipped)`);
  skippedForMissing.push({ title, missing });
  ctx.skip();
}

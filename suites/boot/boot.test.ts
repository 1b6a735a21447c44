import { MARK } from '../../harness/report/marks.ts';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BOOT_ERRORS } from '../../harness/console/failure-patterns.ts';
import { suiteContext } from '../../harness/run/context.ts';

/** The spread between first and last domU ready, as a share of one domU's boot: a serial boot would be near 1. */
const MAX_PARALLEL_SPREAD = 0.6;

describe('boot', function () {
  before(async function () {
    this.timeout(0); // every stage of the boot has its own timeout
    await suiteContext().strategy.transition('booted');
  });

  it('Xen boots', function () {
    const { session } = suiteContext();
    assert.match(session.xen.version ?? '', /^4\.\d+/, 'Xen printed no version banner');
    assert.ok(session.clock.find(MARK.xenInitDone), 'Xen did not finish its boot (no "Freed ... init memory")');
  });

  it('creates every configured domU with the configured vcpus and memory', function () {
    const { session, plan } = suiteContext();
    assert.equal(session.xen.domains.length, plan.domains.length, 'number of domains Xen created');
    for (const planned of plan.domains) {
      const seen = session.xen.byName(planned.name);
      assert.ok(seen, `no domain printed the readiness line of ${planned.name}`);
      assert.equal(seen.vcpus, planned.vcpus, `${planned.name}: vcpus in Xen's LOADING DOMU line`);
      assert.equal(seen.memoryKb, planned.memoryKb, `${planned.name}: memory (KB) in Xen's LOADING DOMU line`);
    }
  });

  it('every domU is ready within its boot budget', function () {
    const { session, plan } = suiteContext();
    const initDone = session.clock.find(MARK.xenInitDone)!.ms;
    const budget = session.limits.domuReadyMs.ms;
    for (const planned of plan.domains) {
      const ready = session.xen.byName(planned.name)?.readyMs;
      assert.ok(ready !== undefined, `${planned.name} never got ready`);
      assert.ok(ready - initDone <= budget, `${planned.name} ready ${ready - initDone} ms after Xen's boot, budget ${budget} ms`);
    }
  });

  it('boots the domUs in parallel', function () {
    const { session, plan, figures } = suiteContext();
    if (plan.domains.length < 2) this.skip();
    const ready = plan.domains.map((d) => session.xen.byName(d.name)!.readyMs!);
    const initDone = session.clock.find(MARK.xenInitDone)!.ms;
    const spread = Math.max(...ready) - Math.min(...ready);
    const firstBoot = Math.min(...ready) - initDone;
    figures['domU ready spread (ms)'] = spread;
    figures['first domU boot after Xen init (ms)'] = firstBoot;
    assert.ok(
      spread <= MAX_PARALLEL_SPREAD * firstBoot,
      `last domU ready ${spread} ms after the first; one domU takes ${firstBoot} ms, so they did not boot in parallel (bound ${MAX_PARALLEL_SPREAD} x)`,
    );
  });

  it('shows no panic, oops or Xen crash anywhere on the console', function () {
    const { session } = suiteContext();
    const text = readFileSync(session.transcript.path, 'latin1');
    const found = BOOT_ERRORS.map((re) => re.exec(text)?.[0]).filter(Boolean);
    assert.deepEqual(found, [], `failure patterns in ${session.transcript.path}`);
  });
});

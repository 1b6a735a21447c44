import assert from 'node:assert/strict';
import { ConsoleFailureError } from '../../harness/errors.ts';
import { suiteContext } from '../../harness/run/context.ts';
import { pollUntil } from '../../harness/util/deadline.ts';

/** How long after the failure was seen its own words may take to arrive (a panic prints its reason after its head). */
const REASON_MS = 5000;

/**
 * A system that the document says cannot work, booted on purpose: its file declares the failure it
 * expects (`expect.failure`), and the check is that the boot stops with exactly that, and says where.
 */
// Named after the system, as several suites boot one of their own with this file.
describe(`expected failures: ${suiteContext().system.name}`, function () {
  it("a system declared to fail stops its boot with the failure it declares, in the stage it happens", async function () {
    this.timeout(0); // every stage of the boot has its own timeout
    const { strategy, system, session } = suiteContext();
    const expected = system.expect?.failure;
    assert.ok(expected, `${system.file} declares no expected failure (expect.failure): this suite boots only such systems`);
    const err = await strategy.transition('booted').then(() => undefined, (e: unknown) => e);
    assert.ok(err, `${system.name} booted, though it declares it must fail with "${expected}"`);
    assert.ok(err instanceof ConsoleFailureError, `the boot stopped, but not on a failure seen on the console: ${String(err)}`);
    const said = await pollUntil(() => (session.bootTranscript().includes(expected) ? true : undefined), REASON_MS);
    assert.ok(said, `the boot failed in stage '${err.stage}' with "${err.matched}", but the console never said "${expected}"`);
    assert.match(err.stage, /^xen: |^domU /, 'the stage names Xen or the domain');
    // A guest that cannot unpack its ramdisk is told of with the module behind it.
    if (/Initramfs/.test(expected)) assert.match(err.matched, /its ramdisk module@[0-9a-f]+, reg size \d+ bytes, file \S+ of \d+ bytes/);
  });
});

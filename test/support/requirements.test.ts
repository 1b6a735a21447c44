import assert from 'node:assert/strict';
import type { Context } from 'mocha';
import { onCi, requireOrSkip, skippedForMissing } from './requirements.ts';

/** A stand-in for mocha's test context: records whether skip() was called. */
function context() {
  const ctx = { skipped: false, test: { type: 'test', fullTitle: () => 'suite a test' }, skip: () => void (ctx.skipped = true) };
  return ctx;
}

describe('requireOrSkip: a missing tool skips outside CI and fails on CI', function () {
  const saved = process.env.CI;
  afterEach(() => {
    if (saved === undefined) delete process.env.CI;
    else process.env.CI = saved;
  });

  it('does nothing when nothing is missing', function () {
    const ctx = context();
    requireOrSkip(ctx as unknown as Context, undefined);
    assert.equal(ctx.skipped, false);
  });

  it('on CI, fails naming what is missing', function () {
    process.env.CI = 'true';
    const ctx = context();
    assert.throws(() => requireOrSkip(ctx as unknown as Context, 'ser2net'), /missing on CI: ser2net/);
    assert.equal(ctx.skipped, false);
  });

  it('outside CI, skips and lists the test with what it lacks', function () {
    delete process.env.CI;
    const ctx = context();
    const before = skippedForMissing.length;
    requireOrSkip(ctx as unknown as Context, 'ser2net');
    assert.equal(ctx.skipped, true);
    assert.deepEqual(skippedForMissing.splice(before), [{ title: 'suite a test', missing: 'ser2net' }]);
  });

  it('reads CI as CI systems set it', function () {
    assert.equal(onCi({ CI: 'true' }), true);
    assert.equal(onCi({ CI: '1' }), true);
    assert.equal(onCi({ CI: 'false' }), false);
    assert.equal(onCi({}), false);
  });
});

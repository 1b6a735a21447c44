import assert from 'node:assert/strict';
import { HilError } from '../../harness/errors.ts';
import { checkOptions, withOptions, XEN_VARIANTS } from '../../images/xen-variant/build.ts';

/** The head of Debian's xen-4.17-arm64.config, as the hypervisor package ships it. */
const DEBIAN = ['CONFIG_ARM_64=y', '# CONFIG_EXPERT is not set', '# CONFIG_UNSUPPORTED is not set', 'CONFIG_SCHED_CREDIT2=y', 'CONFIG_DEBUG_INFO=y', ''].join('\n');

describe('images/xen-variant: Debian\'s .config with a variant\'s options', () => {
  it('replaces each option\'s line, set or not set, and keeps the others in place', () => {
    const out = withOptions(DEBIAN, XEN_VARIANTS['xen-null'].options).split('\n');
    assert.deepEqual(out.slice(0, 2), ['CONFIG_ARM_64=y', 'CONFIG_SCHED_CREDIT2=y']);
    assert.deepEqual(out.slice(2), ['CONFIG_EXPERT=y', 'CONFIG_UNSUPPORTED=y', 'CONFIG_SCHED_NULL=y', '# CONFIG_DEBUG_INFO is not set', '']);
    assert.equal(out.filter((l) => l.includes('CONFIG_EXPERT')).length, 1, 'the old "is not set" line is gone');
  });

  it('passes a config where Kconfig kept every option', () => {
    checkOptions(withOptions(DEBIAN, XEN_VARIANTS['xen-null'].options), XEN_VARIANTS['xen-null'].options, 'xen-null');
  });

  it('names each option Kconfig dropped (what a Xen without the option, or without its dependency, does)', () => {
    const dropped = 'CONFIG_EXPERT=y\n# CONFIG_UNSUPPORTED is not set\nCONFIG_DEBUG_INFO=y\n';
    assert.throws(
      () => checkOptions(dropped, XEN_VARIANTS['xen-null'].options, 'xen-null'),
      (e: unknown) =>
        e instanceof HilError &&
        /xen-null: after make olddefconfig, CONFIG_UNSUPPORTED is not set, CONFIG_SCHED_NULL is not set, CONFIG_DEBUG_INFO is still set/.test(e.message),
    );
  });
});

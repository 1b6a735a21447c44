import assert from 'node:assert/strict';
import { endOfBootFocus, xenRelease } from '../../harness/xen/versions.ts';

describe('Xen version behaviours', () => {
  it('reads major and minor from the banner version, and refuses what is not one', () => {
    assert.deepEqual(xenRelease('4.20.4+63-g7abfd2bce2'), [4, 20]);
    assert.deepEqual(xenRelease('4.17.7'), [4, 17]);
    assert.throws(() => xenRelease('unstable'), /not a Xen version/);
  });

  it('4.17 hands the input to DOM0 at its end of boot, dom0 or not; 4.20 to the first domU when there is no dom0', () => {
    assert.equal(endOfBootFocus('4.17.7', false), 'DOM0');
    assert.equal(endOfBootFocus('4.17.7', true), 'DOM0');
    assert.equal(endOfBootFocus('4.20.4', false), 'DOM1');
    assert.equal(endOfBootFocus('4.20.4', true), 'DOM0');
  });
});

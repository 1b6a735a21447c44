import assert from 'node:assert/strict';
import { HilError } from '../../harness/errors.ts';
import { layoutFiles, LOAD_ALIGNMENT } from '../../harness/plan/layout.ts';

const MiB = 1024 * 1024;
const window = { start: 0x40200000, end: 0x48000000 };

describe('plan: layout', function () {
  it('puts each file at the next 2 MiB boundary after the previous one', function () {
    const placed = layoutFiles(
      [
        { key: 'a', label: 'a', size: 1 },
        { key: 'b', label: 'b', size: 2 * MiB },
        { key: 'c', label: 'c', size: 2 * MiB + 1 },
        { key: 'd', label: 'd', size: 5 },
      ],
      window,
    );
    assert.deepEqual(
      placed.map((p) => p.address),
      [0x40200000, 0x40400000, 0x40600000, 0x40a00000],
    );
    for (const p of placed) assert.equal(p.address % LOAD_ALIGNMENT, 0);
  });

  it('aligns an unaligned window start up', function () {
    const [p] = layoutFiles([{ key: 'a', label: 'a', size: 10 }], { start: 0x40000001, end: 0x48000000 });
    assert.equal(p.address, 0x40200000);
  });

  it('loads a file used several times once, and shares its address', function () {
    const placed = layoutFiles(
      [
        { key: '/img/linux', label: 'linux', size: 3 * MiB },
        { key: '/img/initrd', label: 'initrd', size: MiB },
        { key: '/img/linux', label: 'linux', size: 3 * MiB },
        { key: '/img/initrd', label: 'initrd', size: MiB },
      ],
      window,
    );
    assert.deepEqual(
      placed.map((p) => [p.key, p.address]),
      [
        ['/img/linux', 0x40200000],
        ['/img/initrd', 0x40600000],
      ],
    );
  });

  it('reserves the footprint when it is larger than the file (bss, DTB growth)', function () {
    const placed = layoutFiles(
      [
        { key: 'xen', label: 'xen', size: 983048, footprint: 3 * MiB },
        { key: 'k', label: 'k', size: 10 },
      ],
      window,
    );
    assert.equal(placed[1].address, 0x40200000 + 4 * MiB);
  });

  it('a file that ends exactly at the window end fits', function () {
    const placed = layoutFiles([{ key: 'a', label: 'a', size: 4 * MiB }], { start: 0x40000000, end: 0x40400000 });
    assert.equal(placed[0].address, 0x40000000);
  });

  it('a file that passes the end by one byte is refused, naming the files and the numbers', function () {
    const run = () =>
      layoutFiles(
        [
          { key: 'xen', label: 'xen', size: MiB },
          { key: 'linux', label: 'linux', size: 2 * MiB + 1 },
        ],
        { start: 0x40000000, end: 0x40400000 },
      );
    assert.throws(run, (err: unknown) => {
      assert.ok(err instanceof HilError);
      assert.equal(err.code, 'NO_MEMORY');
      assert.match(err.message, /not enough memory: the boot files need 4\.0 MiB from 0x40000000/);
      assert.match(err.message, /load window ends at 0x40400000/);
      assert.match(err.message, /xen: 1\.0 MiB at 0x40000000/);
      assert.match(err.message, /linux: 2\.0 MiB does not fit/);
      return true;
    });
  });

  it('places nothing for an empty list', function () {
    assert.deepEqual(layoutFiles([], window), []);
  });
});

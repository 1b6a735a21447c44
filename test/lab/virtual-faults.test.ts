import assert from 'node:assert/strict';
import { FaultTriggers, parseFault, seededRandom, type Fault } from '../../harness/lab/virtual-faults.ts';
import { crc32 } from '../../harness/util/crc32.ts';

describe('virtual board faults', function () {
  it('parses KIND and KIND@TEXT, and refuses an unknown kind or a TEXT where none is taken', function () {
    assert.deepEqual(parseFault('qemu-dies'), { kind: 'qemu-dies', when: 'Xen version' });
    assert.deepEqual(parseFault('serial-drop@Starting kernel'), { kind: 'serial-drop', when: 'Starting kernel' });
    assert.throws(() => parseFault('qemu-die'), /unknown fault 'qemu-die'; the virtual board knows .*qemu-dies/);
    assert.throws(() => parseFault('lan-loss@x'), /'lan-loss' takes no @TEXT/);
    assert.throws(() => parseFault('qemu-dies@'), /give the console text after @/);
  });

  it('fires each fault once, on text split across chunks, and not on text from before a power-on', function () {
    const fired: Fault[] = [];
    const t = new FaultTriggers([parseFault('qemu-dies@Xen version'), parseFault('lan-loss')], (f) => fired.push(f));
    t.push(Buffer.from('... Xen ver'));
    t.reset();
    t.push(Buffer.from('sion 4.17'));
    assert.equal(fired.length, 0, 'a power-on in between: no trigger');
    t.push(Buffer.from('(XEN) Xen ver'));
    t.push(Buffer.from('sion 4.17 ... Xen version again'));
    assert.deepEqual(fired.map((f) => f.kind), ['qemu-dies']);
  });

  it('loses the same frames on every run', function () {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const draws = Array.from({ length: 1000 }, () => a());
    assert.deepEqual(draws, Array.from({ length: 1000 }, () => b()));
    assert.ok(draws.every((x) => x >= 0 && x < 1));
  });

  it("computes U-Boot's CRC-32 (the IEEE check value of '123456789' is cbf43926), also piecewise", function () {
    assert.equal(crc32(Buffer.from('123456789')).toString(16), 'cbf43926');
    assert.equal(crc32(Buffer.from('56789'), crc32(Buffer.from('1234'))), 0xcbf43926);
  });
});

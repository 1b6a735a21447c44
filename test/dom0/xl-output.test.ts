import assert from 'node:assert/strict';
import { parseVcpuList, parseXlList } from '../../harness/dom0/xl-output.ts';

// As printed by xl 4.17 in dom0 on the virtual board (tabs and all).
const XL_LIST = `Name                                        ID   Mem VCPUs\tState\tTime(s)
Domain-0                                     0   512     1     r-----      16.7
(null)                                       1   256     1     -b----      10.7
dom0less-2                                   2   256     1     -b----      10.8
`;

const VCPU_LIST = `Name                                ID  VCPU   CPU State   Time(s) Affinity (Hard / Soft)
Domain-0                             0     0    1   r--      19.1  all / all
(null)                               1     0    0   -b-      11.0  0 / all
pv                                   2     0    -   --p       0.0  0-1 / all
`;

describe('dom0: reading xl output', () => {
  it('xl list: name, domid, memory, vCPUs and state of every domain, (null) included', () => {
    assert.deepEqual(parseXlList(XL_LIST), [
      { name: 'Domain-0', domid: 0, memMiB: 512, vcpus: 1, state: 'r-----' },
      { name: '(null)', domid: 1, memMiB: 256, vcpus: 1, state: '-b----' },
      { name: 'dom0less-2', domid: 2, memMiB: 256, vcpus: 1, state: '-b----' },
    ]);
  });

  it('xl vcpu-list: hard and soft affinity, and a vCPU not running anywhere', () => {
    const rows = parseVcpuList(VCPU_LIST);
    assert.deepEqual(rows[1], { name: '(null)', domid: 1, vcpu: 0, cpu: 0, hard: '0', soft: 'all' });
    assert.deepEqual(rows[2], { name: 'pv', domid: 2, vcpu: 0, cpu: undefined, hard: '0-1', soft: 'all' });
  });

  it('reads CRLF output (a terminal) the same', () => {
    assert.deepEqual(parseXlList(XL_LIST.replace(/\n/g, '\r\n')), parseXlList(XL_LIST));
  });

  it('refuses a line it cannot read, quoting it', () => {
    assert.throws(() => parseXlList(`${XL_LIST}libxl: error: something\n`), /cannot read this line of xl list: 'libxl: error: something'/);
  });
});

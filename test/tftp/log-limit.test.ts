import assert from 'node:assert/strict';
import { RateLimitedLog } from '../../harness/tftp/log-limit.ts';
import { pollUntil } from '../../harness/util/deadline.ts';

describe('tftp rate-limited log', () => {
  let now = 0;
  let lines: string[] = [];
  const make = (perAddress: number, total: number) => new RateLimitedLog({ perAddress, total, write: (l) => lines.push(l), now: () => now });
  beforeEach(() => {
    now = 0;
    lines = [];
  });

  it('writes perAddress lines a second for an address, then one line saying how many were held back', () => {
    const log = make(3, 100);
    for (let i = 0; i < 10; i++) log.line('10.0.0.1', `a${i}`);
    log.line('10.0.0.2', 'b0');
    assert.deepEqual(lines, ['a0', 'a1', 'a2', 'b0']);
    now = 999;
    log.line('10.0.0.1', 'a10');
    assert.equal(lines.length, 4, 'still the same second');
    now = 1000;
    log.line('10.0.0.1', 'a11');
    assert.deepEqual(lines.slice(4), ['tftp: 10.0.0.1: … 8 more suppressed (at most 3 lines a second per address)', 'a11']);
    log.flush();
    assert.equal(lines.length, 6, 'nothing held back since');
  });

  it('writes at most `total` lines a second from all addresses (forged source addresses are free)', () => {
    const log = make(5, 50);
    for (let i = 0; i < 2000; i++) log.line(`10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, `line ${i}`);
    assert.equal(lines.length, 50);
    log.flush();
    assert.deepEqual(lines.slice(50), ['tftp: … 1950 more suppressed (at most 50 lines a second in all)']);
  });

  it('says what it held back a second later even if the address falls silent', async () => {
    const real = new RateLimitedLog({ perAddress: 1, total: 10, write: (l) => lines.push(l) });
    real.line('10.0.0.1', 'first');
    real.line('10.0.0.1', 'second');
    assert.deepEqual(lines, ['first']);
    const summary = await pollUntil(() => lines[1], 2500, [50]);
    assert.equal(summary, 'tftp: 10.0.0.1: … 1 more suppressed (at most 1 lines a second per address)');
    real.flush();
  });
});

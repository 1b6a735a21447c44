import assert from 'node:assert/strict';
import type { z } from 'zod';
import { limitValuesSchema } from '../../harness/lab/limits.ts';
import { builtinPowerDrivers } from '../../harness/lab/power-factory.ts';
import { consoleTransports } from '../../harness/lab/transport-factory.ts';
import { MAX_TIMER_MS } from '../../harness/util/deadline.ts';

/** Every schema of a lab file's options, by where it sits: a longer time than a timer waits fires after 1 ms. */
const schemas: Array<[string, z.ZodType]> = [
  ['limits', limitValuesSchema],
  ...Object.entries(builtinPowerDrivers).map(([name, d]): [string, z.ZodType] => [`power driver ${name}`, d.schema]),
  ...Object.entries(consoleTransports).map(([name, t]): [string, z.ZodType] => [`console transport ${name}`, t.schema]),
];

describe('lab file: every time is at most what a timer waits', () => {
  for (const [where, schema] of schemas) {
    const durations = Object.keys((schema as unknown as z.ZodObject).shape ?? {}).filter((key) => /Ms(PerMiB)?$/.test(key));
    it(`${where}: ${durations.join(', ') || 'no times'}`, () => {
      for (const key of durations) {
        const at = (value: number) => (schema.safeParse({ [key]: value }).error?.issues ?? []).filter((i) => i.path[0] === key);
        assert.deepEqual(at(MAX_TIMER_MS), [], `${key}: ${MAX_TIMER_MS} is refused`);
        assert.match(at(MAX_TIMER_MS + 1)[0]?.message ?? 'accepted', /at most 2147483647 ms/, `${key}: ${MAX_TIMER_MS + 1}`);
      }
    });
  }
});

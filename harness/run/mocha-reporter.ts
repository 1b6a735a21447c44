import Mocha from 'mocha';
import type { TestRecord } from '../report/record.ts';

const { EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING } = Mocha.Runner.constants;

/** Mocha's spec output on the terminal, plus a TestRecord for every test (and failed hook) for the reports. */
export function makeCollectingReporter(sink: TestRecord[]) {
  return class CollectingReporter extends Mocha.reporters.Spec {
    constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
      super(runner, options);
      const record = (test: Mocha.Runnable, state: TestRecord['state'], err?: Error) => {
        const suite = topSuiteTitle(test);
        const entry: TestRecord = { suite, title: test.title, fullTitle: test.fullTitle(), state, durationMs: test.duration ?? 0 };
        if (err) entry.error = err.stack && !err.message.includes('\n') ? err.stack : err.message;
        sink.push(entry);
      };
      runner.on(EVENT_TEST_PASS, (t) => record(t, 'passed'));
      runner.on(EVENT_TEST_FAIL, (t, err) => record(t, 'failed', err));
      runner.on(EVENT_TEST_PENDING, (t) => record(t, 'pending'));
    }
  };
}

function topSuiteTitle(test: Mocha.Runnable): string {
  let suite = test.parent;
  while (suite?.parent && !suite.parent.root) suite = suite.parent;
  return suite?.title || 'root';
}

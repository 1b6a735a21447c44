import { hostname } from 'node:os';
import { escapeAttr, escapeText } from './escape.ts';
import { firstLine } from './format.ts';
import type { RunRecord, TestRecord } from './record.ts';

/** Suite name of the extra testsuite that carries `record.failure`. */
export const RUN_SUITE = 'run';

interface Case {
  classname: string;
  name: string;
  ms: number;
  state: TestRecord['state'];
  error?: string;
  type?: string;
}

/**
 * JUnit XML for CI: one testsuite per suite name, a testcase per test, and, when the run stopped
 * outside the tests (`record.failure`), a failing testcase `run: <stage>` in a testsuite `run`
 * so a gate on failures catches a board that never booted.
 */
export function renderJunit(record: RunRecord): string {
  const groups = new Map<string, Case[]>();
  const add = (suite: string, c: Case) => (groups.get(suite) ?? groups.set(suite, []).get(suite)!).push(c);
  for (const t of record.tests) {
    const suite = t.suite || '(root)';
    add(suite, { classname: suite, name: t.title, ms: t.durationMs, state: t.state, error: t.error });
  }
  if (record.failure) {
    const { stage, message } = record.failure;
    add(RUN_SUITE, { classname: RUN_SUITE, name: `run: ${stage}`, ms: 0, state: 'failed', error: message, type: 'RunFailure' });
  }
  const suites = [...groups].map(([name, cases]) => suiteXml(record, name, cases));
  const all = [...groups.values()].flat();
  const head = attrs({
    name: `${record.board} ${record.system}`,
    tests: all.length,
    failures: all.filter((c) => c.state === 'failed').length,
    errors: 0,
    skipped: all.filter((c) => c.state === 'pending').length,
    time: secs(all.reduce((sum, c) => sum + c.ms, 0)),
  });
  return ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites${head}>`, ...suites, '</testsuites>', ''].join('\n');
}

function suiteXml(record: RunRecord, name: string, cases: Case[]): string {
  const head = attrs({
    name,
    tests: cases.length,
    failures: cases.filter((c) => c.state === 'failed').length,
    errors: 0,
    skipped: cases.filter((c) => c.state === 'pending').length,
    time: secs(cases.reduce((sum, c) => sum + c.ms, 0)),
    timestamp: junitTimestamp(record.startedAt),
    hostname: record.hostname ?? hostname(),
  });
  const props = { board: record.board, system: record.system, suites: record.suites.join(','), ...(record.images ? { images: record.images } : {}) };
  const properties = Object.entries(props).map(([k, v]) => `      <property${attrs({ name: k, value: v })}/>`);
  return [
    `  <testsuite${head}>`,
    '    <properties>',
    ...properties,
    '    </properties>',
    ...cases.map(caseXml),
    '  </testsuite>',
  ].join('\n');
}

function caseXml(c: Case): string {
  const open = `    <testcase${attrs({ classname: c.classname, name: c.name, time: secs(c.ms) })}`;
  if (c.state === 'pending') return `${open}>\n      <skipped/>\n    </testcase>`;
  if (c.state === 'passed') return `${open}/>`;
  const text = c.error ?? 'failed without an error message';
  const failure = attrs({ message: firstLine(text, 200), type: c.type ?? errorType(text) });
  return `${open}>\n      <failure${failure}>${escapeText(text)}</failure>\n    </testcase>`;
}

const attrs = (values: Record<string, string | number>): string =>
  Object.entries(values)
    .map(([k, v]) => ` ${k}="${escapeAttr(String(v))}"`)
    .join('');

const secs = (ms: number): string => (ms / 1000).toFixed(3);

/** `AssertionError [ERR_ASSERTION]: …` → `AssertionError`; anything else → `Error`. */
const errorType = (text: string): string => /^\s*([A-Za-z_$][\w$]*(?:Error|Exception))\b/.exec(text)?.[1] ?? 'Error';

/** JUnit's schema wants `YYYY-MM-DDTHH:MM:SS` without zone; the stamp is UTC. */
function junitTimestamp(iso: string): string {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? new Date(t).toISOString().slice(0, 19) : iso;
}

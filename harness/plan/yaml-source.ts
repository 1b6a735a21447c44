import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.ts';

type Path = readonly PropertyKey[];

/** A parsed YAML file that still knows on which line each field was written. */
export interface YamlSource {
  file: string;
  data: unknown;
  /** Line (1-based) of every field, by path as formatPath writes it ("domus[1].memory"). */
  lines: Record<string, number>;
}

/** ['domus', 1, 'memory'] → "domus[1].memory". */
export function formatPath(path: Path): string {
  return path.reduce<string>((acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${String(seg)}` : String(seg)), '');
}

/** The line of `field`, or of its nearest parent that exists (the place to add a missing field). */
export function lineOf(lines: Record<string, number>, field: string): number {
  // Strip the last ".key" or "[i]" (or the lone first key) until a known path remains.
  let f = field;
  while (lines[f] === undefined) {
    const parent = f.replace(/(^|\.)[^.[\]]+$|\[\d+\]$/, '');
    if (parent === f) return 1;
    f = parent;
  }
  return lines[f];
}

/** Parses YAML, keeping node lines; a syntax error becomes a ConfigError at its line. */
export function readYaml(text: string, file: string): YamlSource {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: true, prettyErrors: false });
  const bad = doc.errors[0];
  if (bad) throw new ConfigError(file, `invalid YAML: ${bad.message.split('\n')[0]}`, { line: counter.linePos(bad.pos[0]).line });
  const lines: Record<string, number> = { '': 1 };
  const lineAt = (node: Node | null | undefined) => (node?.range ? counter.linePos(node.range[0]).line : undefined);
  const walk = (node: unknown, path: PropertyKey[]) => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const line = lineAt(pair.key as Node) ?? lineAt(pair.value as Node);
        if (line) lines[formatPath([...path, key])] = line;
        walk(pair.value, [...path, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const line = lineAt(item as Node);
        if (line) lines[formatPath([...path, i])] = line;
        walk(item, [...path, i]);
      });
    }
  };
  walk(doc.contents, []);
  return { file, data: doc.toJS() ?? {}, lines };
}

interface Problem {
  path: Path;
  text: string;
  /** For an unknown key close to a known one: the path of that known key. */
  suggests?: string;
  missing?: boolean;
}

/** Turns zod's issues into one ConfigError: the first problem in file order, then the others. */
export function issuesToError(source: YamlSource, issues: readonly z.core.$ZodIssue[], knownKeys: Record<string, string[]>): ConfigError {
  const all = issues.flatMap((issue) => describeIssue(issue, knownKeys));
  // A typo'd key also makes the real key "missing": the typo message alone says it better.
  const suggested = new Set(all.map((p) => p.suggests));
  const problems = all
    .filter((p) => !(p.missing && suggested.has(formatPath(p.path))))
    .map((p) => ({ field: formatPath(p.path), line: lineOf(source.lines, formatPath(p.path)), text: p.text }))
    .sort((a, b) => a.line - b.line);
  const [first, ...rest] = problems;
  const more = rest.map((p) => `\n  also ${source.file}:${p.line}, field '${p.field}': ${p.text}`).join('');
  return new ConfigError(source.file, first.text + more, { field: first.field || undefined, line: first.line });
}

function describeIssue(issue: z.core.$ZodIssue, knownKeys: Record<string, string[]>): Problem[] {
  const path = issue.path;
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeys[formatPath(path).replace(/\[\d+\]/g, '[]')] ?? [];
    return issue.keys.map((key) => {
      const close = closest(key, known);
      const hint = close ? `did you mean '${close}'?` : `known keys: ${known.join(', ')}`;
      return { path: [...path, key], text: `unknown key '${key}' (a typo?); ${hint}`, suggests: close && formatPath([...path, close]) };
    });
  }
  const input = (issue as { input?: unknown }).input;
  if (issue.code !== 'invalid_type') return [{ path, text: issue.message }];
  if (input === undefined) return [{ path, text: 'is required but missing', missing: true }];
  if (!issue.message.startsWith('Invalid input')) return [{ path, text: `${issue.message} (got ${describe(input)})` }];
  const expected = issue.expected === 'int' ? 'whole number' : issue.expected === 'object' ? 'mapping' : issue.expected;
  return [{ path, text: `expected ${/^[aeiou]/.test(expected) ? 'an' : 'a'} ${expected}, got ${describe(input)}` }];
}

function describe(value: unknown): string {
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** The known key closest to a typo, if it is close enough to be a likely slip. */
function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

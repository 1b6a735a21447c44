import type { z } from 'zod';
import { ConfigError } from '../errors.ts';
import { formatPath, lineOfPath, type Path, type YamlSource } from './yaml-source.ts';

interface Problem {
  path: Path;
  text: string;
  /** For an unknown key close to a known one: the path of that known key. */
  suggests?: string;
  missing?: boolean;
}

/**
 * Every problem found in one config file (a lab file, a system file), reported together as one
 * ConfigError: the first in file order as the error's field and line, the others after it. Zod's
 * issues become sentences; an unknown key gets a "did you mean" from the keys its schema allows.
 */
export class ConfigProblems {
  private readonly problems: Problem[] = [];

  constructor(readonly source: YamlSource) {}

  /** A problem of the field at `path` (a missing one is reported at its parent's line). */
  add(path: Path, text: string): void {
    this.problems.push({ path, text });
  }

  /** Zod's issues for a value checked with `schema`; `prefix` is where that value sits in the file. */
  addIssues(issues: readonly z.core.$ZodIssue[], schema: z.ZodType, prefix: Path = []): void {
    for (const issue of issues) this.problems.push(...describeIssue(issue, schema, prefix));
  }

  get empty(): boolean {
    return this.problems.length === 0;
  }

  /** Throws the one ConfigError for everything added so far, if anything was. */
  throwIfAny(): void {
    if (!this.empty) throw this.toError();
  }

  /** The one ConfigError for everything added so far (at least one problem). */
  toError(): ConfigError {
    // A typo'd key also makes the real key "missing": the typo's message alone says it better.
    const suggested = new Set(this.problems.map((p) => p.suggests));
    const { file, lines } = this.source;
    const found = this.problems
      .filter((p) => !(p.missing && suggested.has(formatPath(p.path))))
      .map((p) => ({ field: formatPath(p.path), line: lineOfPath(lines, p.path), text: p.text }))
      .sort((a, b) => a.line - b.line);
    const [first, ...rest] = found;
    const more = rest.map((p) => `\n  also ${file}:${p.line}, field '${p.field}': ${p.text}`).join('');
    return new ConfigError(file, first.text + more, { field: first.field || undefined, line: first.line });
  }
}

function describeIssue(issue: z.core.$ZodIssue, schema: z.ZodType, prefix: Path): Problem[] {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'unrecognized_keys') {
    const known = objectKeysAt(schema, issue.path);
    return issue.keys.map((key) => {
      const close = closest(key, known);
      const hint = close ? `did you mean '${close}'?` : `known keys: ${known.join(', ')}`;
      return { path: [...path, key], text: `unknown key '${key}' (a typo?); ${hint}`, suggests: close && formatPath([...path, close]) };
    });
  }
  const input = (issue as { input?: unknown }).input;
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const types = issue.errors.flat().filter((i) => i.code === 'invalid_type' && i.path.length === 0);
    if (types.length > 0) return [{ path, text: `expected ${types.map((i) => article((i as { expected: string }).expected)).join(' or ')}, got ${describe(input)}` }];
  }
  if (issue.code !== 'invalid_type') return [{ path, text: issue.message }];
  if (input === undefined) return [{ path, text: `is required but missing (expected ${article(issue.expected)})`, missing: true }];
  if (!issue.message.startsWith('Invalid input')) return [{ path, text: `${issue.message} (got ${describe(input)})` }];
  return [{ path, text: `expected ${article(issue.expected)}, got ${describe(input)}` }];
}

/** zod's type name as a phrase: "int" → "a whole number", "object" → "a mapping". */
function article(expected: string): string {
  const name = expected === 'int' ? 'whole number' : expected === 'object' ? 'mapping' : expected === 'array' ? 'list' : expected;
  return `${/^[aeiou]/.test(name) ? 'an' : 'a'} ${name}`;
}

function describe(value: unknown): string {
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

interface SchemaDef {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  options?: z.ZodType[];
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  valueType?: z.ZodType;
}

const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;

/** The schemas a value of `schema` may be, seen through optional, default, transform and union. */
function alternatives(schema: z.ZodType): z.ZodType[] {
  const def = defOf(schema);
  if (def.innerType) return alternatives(def.innerType);
  if (def.type === 'pipe' && def.in) return alternatives(def.in);
  if (def.type === 'union' && def.options) return def.options.flatMap(alternatives);
  return [schema];
}

/** The keys allowed in the mapping at `path` of a value of `schema`: what "did you mean" picks from. */
function objectKeysAt(schema: z.ZodType, path: Path): string[] {
  let here = alternatives(schema);
  for (const segment of path) {
    here = here.flatMap((s) => {
      const def = defOf(s);
      if (def.type === 'object' && def.shape && Object.hasOwn(def.shape, String(segment))) return alternatives(def.shape[String(segment)]);
      if (def.type === 'array' && def.element && typeof segment === 'number') return alternatives(def.element);
      if (def.type === 'record' && def.valueType) return alternatives(def.valueType);
      return [];
    });
  }
  return [...new Set(here.flatMap((s) => Object.keys(defOf(s).shape ?? {})))];
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

/** Edits between two words, a swap of two neighbours counting as one ("hots" is one slip from "host"). */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

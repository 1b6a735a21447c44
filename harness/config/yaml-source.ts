import { isMap, isScalar, isSeq, LineCounter, parseDocument, Scalar, visit, type Alias, type Document, type Node } from 'yaml';
import { ConfigError } from '../errors.ts';

export type Path = readonly PropertyKey[];

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

/** The line of the field at `path`, or of its nearest parent that exists (the place to add a missing field). */
export function lineOfPath(lines: Record<string, number>, path: Path): number {
  for (let n = path.length; n > 0; n--) {
    const line = lines[formatPath(path.slice(0, n))];
    if (line !== undefined) return line;
  }
  return 1;
}

/** lineOfPath for a field written as formatPath writes it ("domus[1].memory"). */
export function lineOf(lines: Record<string, number>, field: string): number {
  const path = [...field.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]));
  return lineOfPath(lines, path);
}

/** A ConfigError about the field at `path`, at its line (or its nearest parent's when it is not written). */
export function errorAt(source: YamlSource, path: Path, problem: string): ConfigError {
  return new ConfigError(source.file, problem, { field: formatPath(path) || undefined, line: lineOfPath(source.lines, path) });
}

/** Parses YAML, keeping node lines; a syntax error becomes a ConfigError at its line. */
export function readYaml(text: string, file: string): YamlSource {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: true, prettyErrors: false });
  const bad = doc.errors[0];
  if (bad) throw new ConfigError(file, `invalid YAML: ${bad.message.split('\n')[0]}`, { line: counter.linePos(bad.pos[0]).line });
  // No prototype: the line of a field named __proto__ or constructor is its own, never Object's.
  const lines: Record<string, number> = Object.assign(Object.create(null), { '': 1 });
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
  return { file, data: toData(doc, file, counter), lines };
}

/**
 * How many values aliases may stand for in one file (yaml's maxAliasCount, its default): past it,
 * an alias bomb ("billion laughs") would make every later walk over the data exponential.
 */
const MAX_ALIAS_COUNT = 100;

/** The document as plain data; an alias yaml cannot resolve is a ConfigError at its line. */
function toData(doc: Document, file: string, counter: LineCounter): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  } catch (err) {
    if (!(err instanceof ReferenceError)) throw err;
    const alias = failingAlias(doc);
    const line = alias?.range ? counter.linePos(alias.range[0]).line : undefined;
    const what = alias ? `alias *${alias.source}` : 'an alias';
    const problem = /excessive alias count/i.test(err.message)
      ? `${what} expands the file past ${MAX_ALIAS_COUNT} aliased values (yaml's maxAliasCount), as an alias bomb ("billion laughs") does: write the values out instead`
      : `${what}: ${err.message}`;
    throw new ConfigError(file, problem, { line, cause: err });
  }
}

/**
 * The alias yaml's toJS stops at. It converts in file order and a later alias never changes what an
 * earlier one costs, so it is the first alias that still fails with every alias after it emptied.
 */
function failingAlias(doc: Document): Alias | undefined {
  const aliases: Alias[] = [];
  visit(doc, { Alias: (_, node) => void aliases.push(node) });
  let [low, high] = [0, aliases.length - 1];
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (failsWithAliasesUpTo(doc, mid)) high = mid;
    else low = mid + 1;
  }
  return aliases[low];
}

function failsWithAliasesUpTo(doc: Document, last: number): boolean {
  const copy = doc.clone();
  let n = 0;
  visit(copy, { Alias: () => (n++ > last ? new Scalar(null) : undefined) });
  try {
    copy.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    return false;
  } catch {
    return true;
  }
}

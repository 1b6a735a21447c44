import { isMap, isScalar, type Document, type LineCounter, type Node } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.ts';

/** Finds where a field is written in a parsed YAML document: the line of its key (or of the nearest parent present). */
export class YamlWhere {
  constructor(
    readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  line(path: readonly PropertyKey[]): number | undefined {
    let node: unknown = this.doc.contents;
    let at: Node | undefined = (node as Node) ?? undefined;
    for (const segment of path) {
      if (!isMap(node)) break;
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) break;
      at = pair.key as Node;
      node = pair.value;
    }
    const offset = at?.range?.[0];
    return offset === undefined ? undefined : this.lines.linePos(offset).line;
  }

  /** A ConfigError about the field at `path`, with its dotted name and line. */
  error(path: readonly PropertyKey[], problem: string): ConfigError {
    return new ConfigError(this.file, problem, { field: path.map(String).join('.') || undefined, line: this.line(path) });
  }

  /** The first zod issue as a ConfigError; `prefix` is where the validated value sits in the file. */
  fromZod(issue: z.core.$ZodIssue, prefix: readonly PropertyKey[] = []): ConfigError {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      const key = issue.keys[0];
      return this.error([...path, key], `unknown field '${key}'`);
    }
    if (issue.code === 'invalid_union') {
      const alternatives = issue.errors.flat().filter((i) => i.code === 'invalid_type' && i.path.length === 0);
      const received = /received \w+/.exec(alternatives[0]?.message ?? '')?.[0];
      if (alternatives.length > 0) return this.error(path, `expected ${alternatives.map((i) => (i as { expected: string }).expected).join(' or ')}${received ? `, ${received}` : ''}`);
    }
    if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) {
      return this.error(path, `missing; expected ${issue.expected}`);
    }
    return this.error(path, issue.message.replace(/^Invalid input: /, ''));
  }
}

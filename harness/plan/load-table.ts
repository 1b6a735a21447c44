import { describeError } from '../errors.ts';
import type { LoadRequest } from './layout.ts';

/** What the resolver returns for an artifact name or a file path. */
export interface ResolvedFile {
  /** Artifact name, or a short name for a file. */
  name: string;
  path: string;
  size: number;
}

export type Resolver = (nameOrPath: string) => ResolvedFile;

/** A file the board will fetch: its TFTP name is unique within the run. */
export interface TableFile extends ResolvedFile {
  tftpName: string;
}

/** Collects the files a system needs, once each, with a field to blame for each problem. */
export class LoadTable {
  readonly requests: LoadRequest[] = [];
  /** By key (the resolved path; with the field for a file loaded on its own), in first-use order. */
  readonly files = new Map<string, TableFile>();
  private readonly taken = new Set<string>();

  /** `fail` makes the error for a problem with the file that `field` names. */
  constructor(
    private readonly resolve: Resolver,
    private readonly fail: (field: string, problem: string, cause?: unknown) => Error,
  ) {}

  /**
   * Adds the file `nameOrPath` that `field` names; returns its key. `footprint` gives the bytes it
   * occupies in memory when that is more than its size. A file named twice is loaded once, unless
   * `alone`: then this use gets a copy of its own.
   */
  add(field: string, nameOrPath: string, footprint?: (file: ResolvedFile) => number, alone = false): string {
    const file = this.resolveAt(field, nameOrPath);
    const key = alone ? `${file.path}\0${field}` : file.path;
    if (!this.files.has(key)) this.files.set(key, { ...file, tftpName: this.uniqueName(file.name) });
    this.requests.push({ key, label: file.name, size: file.size, footprint: footprint?.(file) });
    return key;
  }

  private resolveAt(field: string, nameOrPath: string): ResolvedFile {
    let file: ResolvedFile;
    try {
      file = this.resolve(nameOrPath);
    } catch (err) {
      throw this.fail(field, `cannot find '${nameOrPath}': ${describeError(err)}`, err);
    }
    if (!(file.size > 0)) throw this.fail(field, `'${nameOrPath}' (${file.path}) is empty`);
    if (file.size >= 2 ** 32) throw this.fail(field, `'${nameOrPath}' (${file.path}) is 4 GiB or more; boot modules must be smaller`);
    return file;
  }

  /** TFTP names keep to [A-Za-z0-9._-] and never repeat within a run. */
  private uniqueName(name: string): string {
    const base = name.replace(/^.*\//, '').replace(/[^A-Za-z0-9._-]/g, '_') || 'file';
    let candidate = base;
    for (let i = 2; this.taken.has(candidate); i++) candidate = `${base}-${i}`;
    this.taken.add(candidate);
    return candidate;
  }
}

import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { SplitPiece, StreamKey } from './split-piece.ts';
import { Transcript } from '../console/transcript.ts';

export interface DomainTranscriptsOptions {
  /** Folder of the per-stream files, e.g. `<report>/console`. */
  dir: string;
  /** Milliseconds since power-on, for the line stamps. */
  now: () => number;
}

interface Open {
  transcript: Transcript;
  path: string;
  base: string;
}

const RESERVED = new Set(['firmware', 'xen', 'dom0', 'raw']);
/** A domain name usable as a file name (the names come from the system file, but a console can print anything). */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * One stamped transcript per stream of a DomainSplitter: `firmware.log`, `xen.log`, `dom0.log`, and
 * `<name>.log` per domU. A file is opened when its stream's first byte arrives, and nothing is buffered.
 * A domU whose name is not known yet writes to `domN.log`; once a piece carries its name the file is
 * renamed to `<name>.log` and writing goes on in it (unless that name is taken or unusable: then it stays
 * `domN.log`). The raw bytes keep their Xen prefixes, so together the files hold every byte of raw.log.
 */
export class DomainTranscripts {
  private readonly open = new Map<StreamKey, Open>();
  private readonly taken = new Set<string>();
  private closed = false;

  constructor(private readonly options: DomainTranscriptsOptions) {}

  /** Appends a piece to its stream's file; pass it to DomainSplitter.onPiece. Ignored after close(). */
  write(piece: SplitPiece): void {
    if (this.closed) return;
    let file = this.open.get(piece.stream);
    if (!file) {
      const base = this.fileName(piece);
      const path = join(this.options.dir, `${base}.log`);
      this.taken.add(base);
      file = { transcript: new Transcript({ path, now: this.options.now }), path, base };
      this.open.set(piece.stream, file);
    } else if (piece.stream.startsWith('DOM')) {
      this.rename(file, piece);
    }
    file.transcript.write(Buffer.from(piece.raw, 'latin1'));
  }

  /** The file each stream is written to, by stream key (`xen`, `DOM1`, …). */
  paths(): Map<StreamKey, string> {
    return new Map([...this.open].map(([key, f]) => [key, f.path]));
  }

  close(): void {
    this.closed = true;
    for (const f of this.open.values()) f.transcript.close();
  }

  private fileName(piece: SplitPiece): string {
    const fallback = piece.domid ? `dom${piece.domid}` : piece.stream;
    if (!piece.domid) return fallback;
    return this.usable(piece.name) ? piece.name : fallback;
  }

  private usable(name: string): boolean {
    return SAFE_NAME.test(name) && !RESERVED.has(name) && !/^dom\d+$/.test(name) && !this.taken.has(name);
  }

  private rename(file: Open, piece: SplitPiece): void {
    if (file.base === piece.name || file.base !== `dom${piece.domid}` || !this.usable(piece.name)) return;
    const path = join(this.options.dir, `${piece.name}.log`);
    if (existsSync(path)) return;
    renameSync(file.path, path); // the open descriptor follows the file
    this.taken.add(piece.name);
    file.path = path;
    file.base = piece.name;
  }
}

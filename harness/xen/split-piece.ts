/** Which part of a dom0less board's one serial line some text belongs to. */
export type StreamKey = 'firmware' | 'xen' | 'dom0' | `DOM${number}`;

/** A run of consecutive bytes of one stream, as the DomainSplitter hands them out. */
export interface SplitPiece {
  stream: StreamKey;
  /** 0 for dom0, n for DOMn; absent for firmware and xen. */
  domid?: number;
  /** The stream's name: the domain's name from `nameOf` once known, else `firmware`, `xen`, `dom0`, `domN`. */
  name: string;
  /** The bytes as received (latin1), line prefixes included: all pieces in order rebuild the input exactly. */
  raw: string;
  /** What the stream's owner printed: `raw` without Xen's `(XEN) [stamp] ` and `DOMn: ` line prefixes. */
  content: string;
}

export function domuKey(domid: number): StreamKey {
  return `DOM${domid}`;
}

/** Collects consecutive text of one stream so listeners get one piece per run, not one per line. */
export class PieceCollector {
  private stream?: StreamKey;
  private domid?: number;
  private raw = '';
  private content = '';

  constructor(
    private readonly emit: (piece: SplitPiece) => void,
    private readonly nameOf: (domid: number) => string | undefined,
  ) {}

  add(stream: StreamKey, domid: number | undefined, raw: string, content: string): void {
    if (raw.length === 0) return;
    if (stream !== this.stream) {
      this.end();
      this.stream = stream;
      this.domid = domid;
    }
    this.raw += raw;
    this.content += content;
  }

  end(): void {
    const stream = this.stream;
    if (stream === undefined) return;
    const domid = this.domid;
    const piece: SplitPiece = { stream, name: this.nameFor(stream, domid), raw: this.raw, content: this.content };
    if (domid !== undefined) piece.domid = domid;
    this.stream = undefined;
    this.raw = this.content = '';
    this.emit(piece);
  }

  private nameFor(stream: StreamKey, domid: number | undefined): string {
    if (domid === undefined) return stream;
    return this.nameOf(domid) ?? (domid === 0 ? 'dom0' : `dom${domid}`);
  }
}

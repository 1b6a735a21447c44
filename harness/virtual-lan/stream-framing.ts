/**
 * QEMU's `-netdev socket` framing on a stream connection (connect= / listen=): every Ethernet
 * frame is preceded by its length as 4 bytes, big-endian.
 */

/** Longer than any frame QEMU sends (its socket backend reads into a 69632-byte buffer). */
export const MAX_STREAM_FRAME = 69632;

/** Splits the byte stream into frames; a frame cut between chunks is kept until it is whole. */
export class FrameReader {
  private pending = Buffer.alloc(0);

  /** Returns the frames completed by `chunk`; throws on a length no QEMU frame can have. */
  push(chunk: Buffer): Buffer[] {
    let data = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const frames: Buffer[] = [];
    while (data.length >= 4) {
      const length = data.readUInt32BE(0);
      if (length > MAX_STREAM_FRAME) throw new Error(`frame length ${length} over ${MAX_STREAM_FRAME}: not QEMU's stream framing`);
      if (data.length < 4 + length) break;
      frames.push(data.subarray(4, 4 + length));
      data = data.subarray(4 + length);
    }
    // Copied, so a few leftover bytes do not keep a whole received chunk alive.
    this.pending = Buffer.from(data);
    return frames;
  }
}

/** The frames, each with its length prefix, in one buffer (one write for a whole TFTP window). */
export function frameRecords(frames: readonly Buffer[]): Buffer {
  const out = Buffer.allocUnsafe(frames.reduce((n, f) => n + 4 + f.length, 0));
  let at = 0;
  for (const frame of frames) {
    at = out.writeUInt32BE(frame.length, at);
    at += frame.copy(out, at);
  }
  return out;
}

/**
 * Queues frames and writes them as one buffer once the current batch of I/O events is handled
 * (setImmediate runs after the poll phase): the datagrams of a TFTP window, which arrive together,
 * leave together.
 */
export class FrameBatcher {
  private queue: Buffer[] = [];

  constructor(private readonly write: (records: Buffer) => void) {}

  send(frame: Buffer): void {
    this.queue.push(frame);
    if (this.queue.length === 1) setImmediate(() => this.flush());
  }

  /** Forgets queued frames (the connection they were for is gone). */
  clear(): void {
    this.queue = [];
  }

  private flush(): void {
    const frames = this.queue;
    this.queue = [];
    if (frames.length) this.write(frameRecords(frames));
  }
}

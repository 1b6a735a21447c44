import { readSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';

/** The bytes one transfer sends, read by position so a window can be sent again. */
export interface BlockSource {
  readonly size: number;
  /** Fills `buf[at, at+length)` with the bytes at `position`; throws if fewer are available. */
  read(buf: Buffer, at: number, length: number, position: number): void;
  close(): Promise<void>;
}

/** Bytes read from the file at once; blocks are then copied out of memory. */
const CHUNK = 1 << 20; // > the largest block (65464)

/**
 * Reads an open file in chunks with positioned synchronous reads: one system call per MiB from
 * the page cache costs less than a call per block or a thread-pool round trip per window, and
 * memory stays at one chunk. A resent window that starts before the chunk reloads it.
 */
export function fileSource(handle: FileHandle, size: number, name: string): BlockSource {
  // Reused: callers copy out of it, so no packet in flight refers to it.
  const buffer = Buffer.allocUnsafe(Math.min(CHUNK, size));
  let chunk = buffer.subarray(0, 0);
  let chunkAt = 0;
  const load = (position: number) => {
    chunk = buffer.subarray(0, Math.min(buffer.length, size - position));
    chunkAt = position;
    for (let done = 0; done < chunk.length; ) {
      const n = readSync(handle.fd, chunk, done, chunk.length - done, position + done);
      if (n === 0) throw new Error(`'${name}' shrank to ${position + done} bytes while being sent (was ${size})`);
      done += n;
    }
  };
  return {
    size,
    read(buf, at, length, position) {
      if (position < chunkAt || position + length > chunkAt + chunk.length) load(position);
      chunk.copy(buf, at, position - chunkAt, position - chunkAt + length);
    },
    close: () => handle.close(),
  };
}

/** A source held in memory (used for netascii, whose converted size differs from the file's). */
export function bufferSource(data: Buffer): BlockSource {
  return {
    size: data.length,
    read(buf, at, length, position) {
      data.copy(buf, at, position, position + length);
    },
    close: async () => {},
  };
}

/** RFC 764 netascii as RFC 1350 asks: LF becomes CR LF, a bare CR becomes CR NUL. */
export function toNetascii(data: Buffer): Buffer {
  let extra = 0;
  for (const byte of data) if (byte === 0x0a || byte === 0x0d) extra++;
  const out = Buffer.allocUnsafe(data.length + extra);
  let o = 0;
  for (const byte of data) {
    if (byte === 0x0a) {
      out[o++] = 0x0d;
      out[o++] = 0x0a;
    } else if (byte === 0x0d) {
      out[o++] = 0x0d;
      out[o++] = 0x00;
    } else out[o++] = byte;
  }
  return out;
}

import { readSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { shown } from './shown.ts';

/** The bytes one transfer sends, read by position so a window can be sent again. */
export interface BlockSource {
  readonly size: number;
  /** Fills `buf[at, at+length)` with the bytes at `position`; throws if fewer are available. */
  read(buf: Buffer, at: number, length: number, position: number): void;
  close(): Promise<void>;
}

/** The most a source reads ahead; planMemory (limits.ts) may give it less, never less than a block. */
export const CHUNK_BYTES = 1 << 20; // > the largest block (65464)

/** Fills `buf[0, length)` from `position` with positioned synchronous reads. */
function readFully(handle: FileHandle, buf: Buffer, length: number, position: number, name: string, size: number): void {
  for (let done = 0; done < length; ) {
    const n = readSync(handle.fd, buf, done, length - done, position + done);
    if (n === 0) throw new Error(`'${shown(name)}' shrank to ${position + done} bytes while being sent (was ${size})`);
    done += n;
  }
}

/**
 * Reads an open file in chunks with positioned synchronous reads: one system call per MiB from
 * the page cache costs less than a call per block or a thread-pool round trip per window, and
 * memory stays at one chunk. A resent window that starts before the chunk reloads it.
 * `chunkBytes` must hold a block (or the whole file, if smaller).
 */
export function fileSource(handle: FileHandle, size: number, name: string, chunkBytes = CHUNK_BYTES): BlockSource {
  // Reused: callers copy out of it, so no packet in flight refers to it.
  const buffer = Buffer.allocUnsafe(Math.min(chunkBytes, size));
  let chunk = buffer.subarray(0, 0);
  let chunkAt = 0;
  const load = (position: number) => {
    chunk = buffer.subarray(0, Math.min(buffer.length, size - position));
    chunkAt = position;
    readFully(handle, chunk, chunk.length, position, name, size);
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

/**
 * The length of `handle`'s netascii form (for tsize and the last block), counted by reading the
 * file through `buffer` with asynchronous reads: one chunk per turn of the event loop, never the
 * whole file at once. Costs one extra read of the file before the first packet (~1 ms per MiB from
 * the page cache), which buys an exact tsize and a last block known in advance, as for octet.
 */
export async function netasciiLength(handle: FileHandle, fileSize: number, name: string, buffer: Buffer): Promise<number> {
  let size = fileSize;
  for (let position = 0; position < fileSize; ) {
    const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, fileSize - position), position);
    if (bytesRead === 0) throw new Error(`'${shown(name)}' shrank to ${position} bytes while being read (was ${fileSize})`);
    for (let i = 0; i < bytesRead; i++) if (buffer[i] === 0x0a || buffer[i] === 0x0d) size++;
    position += bytesRead;
  }
  return size;
}

/**
 * Netascii converted a chunk at a time as the transfer reads it: `chunkBytes` split into an input
 * third and an output two thirds, so a chunk of input always converts whole (each byte becomes one
 * or two) and a CR LF pair is never cut between chunks. Chunk k starts at file offset k × the input
 * size; where it starts in the converted bytes is noted as it is converted (8 bytes a chunk: 240
 * KiB for 10 GiB of text), so a resent window that starts before the current chunk reconverts from
 * the chunk that holds it. `size` is the converted length from netasciiLength().
 */
export function netasciiSource(handle: FileHandle, fileSize: number, size: number, name: string, chunkBytes = CHUNK_BYTES): BlockSource {
  const input = Buffer.allocUnsafe(Math.max(1, Math.floor(chunkBytes / 3)));
  const output = Buffer.allocUnsafe(2 * input.length);
  /** starts[k]: where chunk k begins in the converted bytes; known up to one past the last converted chunk. */
  const starts = [0];
  let current = -1;
  let produced = 0;
  const convert = (k: number) => {
    const from = k * input.length;
    const length = Math.max(0, Math.min(input.length, fileSize - from));
    readFully(handle, input, length, from, name, fileSize);
    produced = netasciiInto(input, length, output);
    if (produced === 0) throw new Error(`'${shown(name)}' changed while being sent: its netascii form is shorter than the ${size} bytes counted`);
    current = k;
    starts[k + 1] = starts[k] + produced;
  };
  const holds = (position: number) => current >= 0 && position >= starts[current] && position < starts[current] + produced;
  const seek = (position: number) => {
    convert(lastStartAtOrBefore(starts, position));
    while (!holds(position)) convert(current + 1);
  };
  return {
    size,
    read(buf, at, length, position) {
      while (length > 0) {
        if (!holds(position)) seek(position);
        const offset = position - starts[current];
        const n = Math.min(length, produced - offset);
        output.copy(buf, at, offset, offset + n);
        at += n;
        position += n;
        length -= n;
      }
    },
    close: () => handle.close(),
  };
}

/** The largest k with starts[k] <= position (starts ascending, starts[0] = 0). */
function lastStartAtOrBefore(starts: number[], position: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= position) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * RFC 764 netascii as RFC 1350 asks: LF becomes CR LF, a bare CR becomes CR NUL. Converts
 * `src[0, length)` into `dst` (which must hold 2 × length) and returns the bytes written.
 */
export function netasciiInto(src: Buffer, length: number, dst: Buffer): number {
  let o = 0;
  for (let i = 0; i < length; i++) {
    const byte = src[i];
    if (byte === 0x0a) {
      dst[o++] = 0x0d;
      dst[o++] = 0x0a;
    } else if (byte === 0x0d) {
      dst[o++] = 0x0d;
      dst[o++] = 0x00;
    } else dst[o++] = byte;
  }
  return o;
}

/** The netascii form of a whole buffer (small data; the server streams with netasciiSource). */
export function toNetascii(data: Buffer): Buffer {
  const out = Buffer.allocUnsafe(2 * data.length);
  return out.subarray(0, netasciiInto(data, data.length, out));
}

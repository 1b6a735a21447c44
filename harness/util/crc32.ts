import { openSync, readSync, closeSync } from 'node:fs';

/** CRC-32 (IEEE 802.3, as U-Boot's `crc32` command and zlib compute it); Node 20 has no zlib.crc32. */
const TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32(data: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < data.length; i++) c = TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/** The CRC-32 of a file, read in 1 MiB pieces. */
export function fileCrc32(path: string): number {
  const fd = openSync(path, 'r');
  const buf = Buffer.alloc(1 << 20);
  let crc = 0;
  try {
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) crc = crc32(buf.subarray(0, n), crc);
  } finally {
    closeSync(fd);
  }
  return crc;
}

import { crc32 } from '../util/crc32.ts';

/**
 * A U-Boot script as a legacy image, what `mkimage -A arm64 -T script -C none` makes and `source`
 * runs: a 64-byte big-endian header (magic, header CRC, time, size, load, entry, data CRC, os, arch,
 * type, compression, name), then the multi-file body: each part's length, a 0, then the parts.
 */
const MAGIC = 0x27051956;
const OS_LINUX = 5;
const ARCH_ARM64 = 22;
const TYPE_SCRIPT = 6;
const COMP_NONE = 0;
const HEADER = 64;

export function scriptImage(script: string, name = 'hil boot plan'): Buffer {
  const text = Buffer.from(script, 'latin1');
  const body = Buffer.alloc(8 + text.length);
  body.writeUInt32BE(text.length, 0); // one part; the 0 after it ends the table
  text.copy(body, 8);
  const header = Buffer.alloc(HEADER);
  header.writeUInt32BE(MAGIC, 0);
  header.writeUInt32BE(0, 8); // time: 0, so the same plan always makes the same image
  header.writeUInt32BE(body.length, 12);
  header.writeUInt32BE(crc32(body), 24);
  header[28] = OS_LINUX;
  header[29] = ARCH_ARM64;
  header[30] = TYPE_SCRIPT;
  header[31] = COMP_NONE;
  header.write(name.slice(0, 31), 32, 'latin1');
  header.writeUInt32BE(crc32(header), 4); // over the header with its own CRC field still 0
  return Buffer.concat([header, body]);
}

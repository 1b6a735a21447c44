import { closeSync, openSync, readSync } from 'node:fs';
import { isArm64Image } from '../../images/arm64-image.ts';

/** Offset of image_size (little-endian u64) in the arm64 Image header (Linux Documentation/arm64/booting.rst). */
const IMAGE_SIZE_OFFSET = 16;

/**
 * Bytes an arm64 Image occupies once it runs: the header's image_size, which counts its bss
 * (Xen 4.17's file is 0.94 MiB, its image_size 1.21 MiB). For other files, or an Image that
 * leaves image_size 0, the file size.
 */
export function loadedFootprint(path: string, size: number): number {
  const head = Buffer.alloc(64);
  const fd = openSync(path, 'r');
  let bytes: number;
  try {
    bytes = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  if (!isArm64Image(head.subarray(0, bytes))) return size;
  const imageSize = Number(head.readBigUInt64LE(IMAGE_SIZE_OFFSET));
  return Math.max(size, imageSize);
}

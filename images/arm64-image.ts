import { open, readFile, writeFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { HilError } from '../harness/errors.ts';

/** The arm64 Image header's magic, "ARM\x64", at offset 0x38 (Linux Documentation/arm64/booting.rst). */
export const ARM64_IMAGE_MAGIC = Buffer.from('ARM\x64', 'latin1');
export const ARM64_IMAGE_MAGIC_OFFSET = 0x38;

export function isArm64Image(head: Buffer): boolean {
  const at = ARM64_IMAGE_MAGIC_OFFSET;
  return head.length >= at + 4 && head.subarray(at, at + 4).equals(ARM64_IMAGE_MAGIC);
}

/** True when the file at `file` starts with an arm64 Image header. */
export async function fileIsArm64Image(file: string): Promise<boolean> {
  const fh = await open(file, 'r');
  try {
    const head = Buffer.alloc(64);
    const { bytesRead } = await fh.read(head, 0, 64, 0);
    return isArm64Image(head.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}

/**
 * Copies an arm64 Image from `src` to `dest`, decompressing it when it is gzip, and checks the magic.
 * Bootloaders and Xen's module loader want the raw Image.
 */
export async function copyArm64Image(src: string, dest: string, what: string): Promise<void> {
  let data = await readFile(src);
  if (data[0] === 0x1f && data[1] === 0x8b) data = gunzipSync(data);
  if (!isArm64Image(data)) {
    throw new HilError(`images: ${what} (${src}) is not an arm64 Image: no "ARM\\x64" magic at 0x38`, {
      code: 'BAD_IMAGE',
    });
  }
  await writeFile(dest, data);
}

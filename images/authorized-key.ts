import { createHash } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { HilError } from '../harness/errors.ts';
import { writeCpio } from './cpio.ts';
import type { Artifact } from './recipe.ts';

/** A gzip'd newc archive holding only /root/.ssh/authorized_keys (root-owned, 0600, folders 0700). */
export function authorizedKeyArchive(publicKey: string): Buffer {
  const line = publicKey.trim();
  if (!/^(ssh-|ecdsa-|sk-)\S+ \S+/.test(line) || line.includes('\n')) {
    throw new HilError(`images: not a single OpenSSH public key line: '${line.slice(0, 40)}…'`, { code: 'BAD_KEY' });
  }
  return gzipSync(
    writeCpio([
      { type: 'dir', path: 'root', mode: 0o700 },
      { type: 'dir', path: 'root/.ssh', mode: 0o700 },
      { type: 'file', path: 'root/.ssh/authorized_keys', data: Buffer.from(line + '\n'), mode: 0o600 },
    ]),
  );
}

/**
 * A copy of the initramfs `base` with a second archive appended that puts `publicKey` in
 * /root/.ssh/authorized_keys (the kernel unpacks concatenated archives in order). Written to `outDir`
 * as `<base file>-key-<hash>.cpio.gz`; the same key gives the same file.
 */
export async function withAuthorizedKey(base: Artifact, publicKey: string, outDir: string): Promise<Artifact> {
  const data = Buffer.concat([await readFile(base.path), authorizedKeyArchive(publicKey)]);
  const sha256 = createHash('sha256').update(data).digest('hex');
  const file = path.join(outDir, `${path.basename(base.path).replace(/\.cpio(\.gz)?$/, '')}-key-${sha256.slice(0, 12)}.cpio.gz`);
  await mkdir(outDir, { recursive: true });
  const existing = await stat(file).catch(() => undefined);
  if (existing?.size !== data.length) await writeFile(file, data);
  return { name: base.name, path: file, size: data.length, sha256 };
}

import { constants, promises as fsp } from 'node:fs';
import path from 'node:path';
import { ErrorCode } from './packet.ts';

/** Why a requested name cannot be served: the TFTP error code and the text sent to the client. */
export class TftpRefusal extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const inside = (root: string, p: string) => p === root || p.startsWith(root.endsWith(path.sep) ? root : root + path.sep);

/**
 * Opens `name` for reading if it is a regular file whose real path lies under `root` (itself a
 * real path). A leading '/' means the root; an absolute name not found there is also tried as
 * the host path it names, which is served only if it lies inside the root.
 * Throws TftpRefusal: code 2 for a name that leads outside the root (`..`, a symlink, or an
 * existing host path such as /etc/passwd) or that is not a regular file; code 1 when missing.
 */
export async function openUnderRoot(root: string, name: string): Promise<{ fd: fsp.FileHandle; size: number }> {
  const underRoot = path.resolve(root, name.replace(/^\/+/, ''));
  if (!inside(root, underRoot)) throw outside(name);
  let found = await realpathOrUndefined(underRoot, name);
  if (found === undefined && path.isAbsolute(name)) found = await realpathOrUndefined(path.resolve(name), name);
  if (found === undefined) throw new TftpRefusal(ErrorCode.FILE_NOT_FOUND, `File not found: '${name}'`);
  if (!inside(root, found)) throw outside(name);
  return openRegular(found, name);
}

const outside = (name: string) => new TftpRefusal(ErrorCode.ACCESS_VIOLATION, `Access violation: '${name}' is outside the TFTP root`);

async function realpathOrUndefined(p: string, name: string): Promise<string | undefined> {
  try {
    return await fsp.realpath(p);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new TftpRefusal(ErrorCode.ACCESS_VIOLATION, `Access violation: cannot resolve '${name}' (${code})`);
  }
}

async function openRegular(real: string, name: string): Promise<{ fd: fsp.FileHandle; size: number }> {
  let fd: fsp.FileHandle;
  try {
    // O_NOFOLLOW: a symlink swapped in after realpath() is refused rather than followed;
    // O_NONBLOCK: opening a FIFO must not hang (it is then refused as not a regular file).
    fd = await fsp.open(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new TftpRefusal(ErrorCode.FILE_NOT_FOUND, `File not found: '${name}'`);
    throw new TftpRefusal(ErrorCode.ACCESS_VIOLATION, `Access violation: cannot open '${name}' (${code})`);
  }
  const stat = await fd.stat();
  if (!stat.isFile()) {
    await fd.close();
    throw new TftpRefusal(ErrorCode.ACCESS_VIOLATION, `Access violation: '${name}' is not a regular file`);
  }
  return { fd, size: stat.size };
}

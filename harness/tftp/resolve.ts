import { constants, promises as fsp } from 'node:fs';
import path from 'node:path';
import { ErrorCode } from './packet.ts';
import { shown } from './shown.ts';

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
 * real path). A leading '/' means the root; an absolute name not found there is also tried as the
 * host path it names if that path lies inside the root. Nothing outside the root is ever looked
 * at, so no answer tells whether a file exists out there.
 * Throws TftpRefusal:
 * - code 2 for a name that leads outside the root (`..`, or a symlink pointing out, whether or not
 *   its target exists) or that is not a regular file;
 * - code 1 when missing, which includes a host path outside the root such as /etc/passwd: there
 *   is no such name under the root, and looking at the host's would make an existence oracle.
 */
export async function openUnderRoot(root: string, name: string): Promise<{ fd: fsp.FileHandle; size: number }> {
  const underRoot = path.resolve(root, name.replace(/^\/+/, ''));
  if (!inside(root, underRoot)) throw outside(name);
  const hostPath = path.resolve(name);
  const asHostPath = path.isAbsolute(name) && inside(root, hostPath);
  const found = (await lookUp(root, underRoot, name)) ?? (asHostPath ? await lookUp(root, hostPath, name) : undefined);
  if (found === undefined) throw notFound(name);
  return openRegular(found, name);
}

const outside = (name: string) => new TftpRefusal(ErrorCode.ACCESS_VIOLATION, `Access violation: '${shown(name)}' is outside the TFTP root`);
const notFound = (name: string) => new TftpRefusal(ErrorCode.FILE_NOT_FOUND, `File not found: '${shown(name)}'`);

/**
 * The real path of `p` (under the root) if it exists, undefined if not. Code 2 if it, or when
 * missing the part of it that exists, lies outside the root: through a symlinked directory that
 * points out, a missing name must get the same answer as an existing one. That part is found from
 * the root down, so a made-up name of 30000 components costs one look, not 30000.
 */
async function lookUp(root: string, p: string, name: string): Promise<string | undefined> {
  const real = await realpathOrUndefined(p, name);
  if (real !== undefined) {
    if (!inside(root, real)) throw outside(name);
    return real;
  }
  let existing = root;
  for (const part of path.relative(root, p).split(path.sep).slice(0, -1)) {
    const next = await realpathOrUndefined(path.join(existing, part), name);
    if (next === undefined) return undefined;
    if (!inside(root, next)) throw outside(name);
    existing = next;
  }
  return undefined;
}

async function realpathOrUndefined(p: string, name: string): Promise<string | undefined> {
  try {
    return await fsp.realpath(p);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new TftpRefusal(ErrorCode.ACCESS_VIOLATION, `Access violation: cannot resolve '${shown(name)}' (${code})`);
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
    if (code === 'ENOENT') throw notFound(name);
    throw new TftpRefusal(ErrorCode.ACCESS_VIOLATION, `Access violation: cannot open '${shown(name)}' (${code})`);
  }
  const stat = await fd.stat();
  if (!stat.isFile()) {
    await fd.close();
    throw new TftpRefusal(ErrorCode.ACCESS_VIOLATION, `Access violation: '${shown(name)}' is not a regular file`);
  }
  return { fd, size: stat.size };
}

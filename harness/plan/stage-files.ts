import { copyFile, link, lstat, mkdir, realpath, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** What stageFiles needs of a plan: each file's name on the TFTP server and where it is now. */
export interface StagedFile {
  tftpName: string;
  path: string;
}

/**
 * Puts each file in `dir` (a run's TFTP root) under its tftpName: a hard link when the file
 * system allows it, else a copy. Never a symlink: the TFTP server refuses links that lead out
 * of its root. A file already staged under that name is replaced.
 */
export async function stageFiles(plan: { files: readonly StagedFile[] }, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const file of plan.files) {
    // link(2) does not follow a symlink: it would hard-link the symlink itself.
    const source = await realpath(file.path);
    const target = resolve(join(dir, file.tftpName));
    const existing = await lstat(target).catch(() => undefined);
    // The source may already be this very file (it lives in the TFTP root): unlinking it would lose it.
    if (existing?.isFile() && (await realpath(target)) === source) continue;
    await unlink(target).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    await link(source, target).catch(async (err: NodeJS.ErrnoException) => {
      if (!['EXDEV', 'EPERM', 'EACCES', 'ENOTSUP', 'EMLINK', 'EOPNOTSUPP'].includes(err.code ?? '')) throw err;
      await copyFile(source, target);
    });
  }
}

import { mkdir, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { HilError } from '../errors.ts';
import { writeFileAtomic } from './atomic-write.ts';
import { renderHtml } from './html.ts';
import { renderJson } from './json.ts';
import { renderJunit } from './junit.ts';
import type { RunRecord } from './record.ts';

/** Where console transcripts live inside a report folder. */
export const CONSOLE_DIR = 'console';

export interface ReportPaths {
  junit: string;
  json: string;
  html: string;
}

/**
 * Writes `report.json`, `junit.xml` and `index.html` into `dir` (created if missing), each
 * atomically. The HTML links every file found under `dir/console/`. Returns absolute paths.
 */
export async function writeReport(dir: string, record: RunRecord): Promise<ReportPaths> {
  const root = resolve(dir);
  const paths = { json: join(root, 'report.json'), junit: join(root, 'junit.xml'), html: join(root, 'index.html') };
  try {
    await mkdir(root, { recursive: true });
    await writeFileAtomic(paths.json, renderJson(record));
    await writeFileAtomic(paths.junit, renderJunit(record));
    const consoleFiles = await listConsoleFiles(root);
    await writeFileAtomic(paths.html, renderHtml(record, { consoleFiles }));
  } catch (err) {
    throw new HilError(`Could not write the report into ${root}: ${(err as Error).message}`, { code: 'REPORT', cause: err });
  }
  return paths;
}

/** Files under `dir/console/` as sorted `console/…` paths; none when the folder is missing. */
export async function listConsoleFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(join(dir, rel), { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return [];
      throw err;
    });
    for (const e of entries) {
      const path = `${rel}/${e.name}`;
      if (e.isDirectory()) await walk(path);
      else if (e.isFile() && !e.name.endsWith('.tmp')) found.push(path);
    }
  };
  await walk(CONSOLE_DIR);
  return found.sort();
}

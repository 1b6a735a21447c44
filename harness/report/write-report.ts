import { mkdir, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { HilError } from '../errors.ts';
import { scrub, scrubValue } from '../secrets/scrubber.ts';
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
 *
 * The lab file's secrets are masked (harness/secrets/scrubber.ts) in every string of the record
 * before it is rendered, so no escaped spelling of one survives, and in each rendered file again.
 */
export async function writeReport(dir: string, given: RunRecord): Promise<ReportPaths> {
  const root = resolve(dir);
  const record = scrubValue(given);
  const paths = { json: join(root, 'report.json'), junit: join(root, 'junit.xml'), html: join(root, 'index.html') };
  try {
    await mkdir(root, { recursive: true });
    await writeFileAtomic(paths.json, scrub(renderJson(record)));
    await writeFileAtomic(paths.junit, scrub(renderJunit(record)));
    const consoleFiles = await listConsoleFiles(root);
    await writeFileAtomic(paths.html, scrub(renderHtml(record, { consoleFiles })));
  } catch (err) {
    throw new HilError(`Could not write the report into ${root}: ${scrub((err as Error).message)}`, { code: 'REPORT', cause: err });
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

/**
 * Apt lists of hil's own: a sources entry hil writes (another Debian suite's arm64 packages, or
 * deb-src), read and fetched with options that point apt at them, so the machine's apt sources,
 * lists and cache stay as they are.
 */
import { mkdir, readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { run } from './host.ts';

/** Which lists an apt call reads: the options that select them, and where they are. */
export interface AptLists {
  options: string[];
  dir: string;
}

/** The machine's own lists. */
export const HOST_APT: AptLists = { options: [], dir: '/var/lib/apt/lists' };

export interface OwnSources {
  types: 'deb' | 'deb-src';
  suite: string;
  /** Binary packages of these architectures only (with `all`). */
  architectures?: string;
  /**
   * The suite's `-updates` and `-security` too: where Debian's point fixes and security uploads are,
   * which a set built from the machine's lists may have taken (a source package of the same version).
   */
  withUpdates?: boolean;
}

/** Where the lists come from: Debian's mirror, and its security archive. */
export interface DebianMirrors {
  debian: string;
  security: string;
}

/** Lists of hil's own are fetched again when older than this, so a set follows Debian's updates. */
const MAX_AGE_MS = 7 * 24 * 3600 * 1000;

/**
 * Lists for `sources` kept in `dir`: written and fetched (`apt-get update`) when they are missing,
 * a week old, or when `refresh`. Returns the options for apt-get and apt-cache.
 */
export async function ownAptLists(dir: string, sources: OwnSources, log: (line: string) => void, refresh = false): Promise<AptLists> {
  const lists = path.join(dir, 'lists');
  const apt: AptLists = {
    dir: lists,
    options: [
      '-o', 'Dir::Etc::SourceList=/dev/null',
      '-o', `Dir::Etc::SourceParts=${path.join(dir, 'sources')}`,
      '-o', `Dir::State::Lists=${lists}`,
      '-o', `Dir::Cache=${path.join(dir, 'cache')}`,
      // Nothing is installed from these lists: the machine's dpkg status is not theirs to read.
      '-o', 'Dir::State::status=/dev/null',
    ],
  };
  if (!refresh && !(await ownListsStale(dir))) return apt;
  for (const sub of ['lists/partial', 'sources', 'cache/archives/partial']) await mkdir(path.join(dir, sub), { recursive: true });
  await writeFile(path.join(dir, 'sources', `hil-${sources.suite}.sources`), sourcesStanza(sources, await debianMirrors()));
  log(`reading Debian ${sources.suite} ${sources.types === 'deb-src' ? 'source' : sources.architectures ?? ''} lists (kept in ${dir})`);
  try {
    await run('apt-get', [...apt.options, 'update']);
  } catch (err) {
    // Offline, a week-old list still names packages that can be built from the cache.
    if (!(await hasLists(dir))) throw err;
    log(`could not refresh the ${sources.suite} lists, using the ones kept: ${(err as Error).message.split('\n')[0]}`);
    return apt;
  }
  await utimes(path.join(dir, 'sources'), new Date(), new Date());
  return apt;
}

/** Whether the lists kept in `dir` are missing or a week old (and so are fetched again when next used). */
export async function ownListsStale(dir: string): Promise<boolean> {
  const fetchedAt = (await stat(path.join(dir, 'sources')).catch(() => undefined))?.mtimeMs ?? 0;
  return !(await hasLists(dir)) || Date.now() - fetchedAt >= MAX_AGE_MS;
}

async function hasLists(dir: string): Promise<boolean> {
  return (await readdir(path.join(dir, 'lists')).catch(() => [] as string[])).some((f) => /(Packages|Sources)(\.\w+)?$/.test(f));
}

export function sourcesStanza(s: OwnSources, mirrors: DebianMirrors): string {
  const stanza = (uri: string, suites: string[]) => [
    `Types: ${s.types}`,
    `URIs: ${uri}`,
    `Suites: ${suites.join(' ')}`,
    'Components: main',
    ...(s.architectures ? [`Architectures: ${s.architectures}`] : []),
    'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg',
    '',
  ].join('\n');
  if (!s.withUpdates) return stanza(mirrors.debian, [s.suite]);
  return `${stanza(mirrors.debian, [s.suite, `${s.suite}-updates`])}\n${stanza(mirrors.security, [`${s.suite}-security`])}`;
}

/** The first Debian mirror and the first security archive of the machine's apt sources. */
export async function debianMirrors(): Promise<DebianMirrors> {
  const deb822 = await readFile('/etc/apt/sources.list.d/debian.sources', 'utf8').catch(() => '');
  const oneLine = await readFile('/etc/apt/sources.list', 'utf8').catch(() => '');
  const uris = [...deb822.matchAll(/^URIs:\s*(\S+)/gm), ...oneLine.matchAll(/^deb\s+(?:\[[^\]]*\]\s+)?(\S+)/gm)].map((m) => m[1]);
  return {
    debian: uris.find((u) => !/security/.test(u)) ?? 'http://deb.debian.org/debian',
    security: uris.find((u) => /security/.test(u)) ?? 'http://deb.debian.org/debian-security',
  };
}

import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { HilError } from '../harness/errors.ts';
import { FIX_ARCH_COMMAND, FOREIGN_ARCH, run } from './host.ts';
import { type AptLists, HOST_APT } from './own-apt.ts';

/** One binary package as apt's candidate: what the recipe pins and downloads. */
export interface PackageRef {
  name: string;
  version: string;
  /** `arm64`, or `all` for architecture-independent packages. */
  arch: string;
}

export interface PackageInfo extends PackageRef {
  /** Depends and Pre-Depends: each inner list is a group of alternatives (`a | b`). */
  depends: string[][];
}

/** Parses one Depends-style field into groups of alternatives, dropping versions and arch qualifiers. */
export function parseDepends(field: string): string[][] {
  return field
    .split(',')
    .map((group) =>
      group
        .split('|')
        .map((alt) => alt.trim().replace(/\s*\(.*?\)/g, '').replace(/\s*\[.*?\]/g, '').replace(/:\w+$/, ''))
        .filter(Boolean),
    )
    .filter((group) => group.length > 0);
}

/** Parses `apt-cache show` output (RFC 822 stanzas) into package records. */
export function parseStanzas(text: string): PackageInfo[] {
  const out: PackageInfo[] = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    let last = '';
    for (const line of stanza.split('\n')) {
      if (/^\s/.test(line) && last) fields.set(last, `${fields.get(last)}\n${line.trim()}`);
      const m = /^([A-Za-z0-9-]+):\s?(.*)$/.exec(line);
      if (m) fields.set((last = m[1]), m[2]);
    }
    const name = fields.get('Package');
    const version = fields.get('Version');
    if (!name || !version) continue;
    const depends = [fields.get('Pre-Depends'), fields.get('Depends')].filter((f): f is string => !!f);
    out.push({ name, version, arch: fields.get('Architecture') ?? FOREIGN_ARCH, depends: depends.flatMap(parseDepends) });
  }
  return out;
}

/** Apt's candidate of each name for arm64 (or arch `all`); names apt does not know are absent. */
export async function showPackages(names: string[], apt: AptLists = HOST_APT): Promise<Map<string, PackageInfo>> {
  const found = new Map<string, PackageInfo>();
  if (names.length === 0) return found;
  const args = names.flatMap((n) => [`${n}:${FOREIGN_ARCH}`, `${n}:all`]);
  for (const p of parseStanzas(await run('apt-cache', [...apt.options, 'show', '--no-all-versions', ...args]))) {
    if (!found.has(p.name)) found.set(p.name, p);
  }
  return found;
}

function notFound(what: string): HilError {
  return new HilError(
    `images: ${what} not found for ${FOREIGN_ARCH} in apt's lists; run: ${FIX_ARCH_COMMAND}`,
    { code: 'PACKAGE_NOT_FOUND' },
  );
}

/**
 * The dependency closure of `roots` from the packages' own Depends/Pre-Depends, one apt-cache call per
 * level. A group of alternatives that names a package in `skip` is dropped; otherwise its first
 * alternative apt knows is taken (one already chosen wins).
 */
export async function resolveClosure(roots: string[], skip: ReadonlySet<string> = new Set(), apt: AptLists = HOST_APT): Promise<PackageInfo[]> {
  const known = new Map<string, PackageInfo>();
  const asked = new Set<string>();
  const chosen = new Map<string, PackageInfo>();
  let groups: string[][] = roots.map((r) => [r]);
  while (groups.length > 0) {
    const unknown = [...new Set(groups.flat())].filter((n) => !asked.has(n) && !skip.has(n));
    for (const [n, p] of await showPackages(unknown, apt)) known.set(n, p);
    unknown.forEach((n) => asked.add(n));
    const next: string[][] = [];
    for (const group of groups) {
      if (group.some((n) => skip.has(n))) continue;
      const pick = group.find((n) => chosen.has(n)) ?? group.find((n) => known.has(n));
      if (!pick) throw notFound(`package ${group.join(' | ')}${roots.includes(group[0]) ? '' : ' (a dependency)'}`);
      if (chosen.has(pick)) continue;
      const info = known.get(pick)!;
      chosen.set(pick, info);
      next.push(...info.depends);
    }
    groups = next;
  }
  return [...chosen.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** The file name `apt-get download` gives a package (an epoch's colon becomes `%3a`). */
export function debFileName(p: PackageRef): string {
  return `${p.name}_${p.version.replace(/:/g, '%3a')}_${p.arch}.deb`;
}

/**
 * Downloads the packages not yet in `cacheDir` with one `apt-get download`, into a scratch folder first
 * so that an interrupted download leaves no partial .deb behind. Returns the .deb path of each package.
 */
export async function downloadPackages(
  pkgs: PackageRef[],
  cacheDir: string,
  log: (line: string) => void,
  apt: AptLists = HOST_APT,
): Promise<Map<string, string>> {
  await mkdir(cacheDir, { recursive: true });
  const cached = new Set(await readdir(cacheDir));
  const missing = pkgs.filter((p) => !cached.has(debFileName(p)));
  if (missing.length > 0) {
    const scratch = path.join(cacheDir, `.partial-${process.pid}`);
    await rm(scratch, { recursive: true, force: true });
    await mkdir(scratch);
    for (const p of missing) log(`downloading ${p.name} (${p.version})`);
    try {
      await run('apt-get', [...apt.options, 'download', ...missing.map((p) => `${p.name}:${p.arch}=${p.version}`)], { cwd: scratch });
      for (const p of missing) await rename(path.join(scratch, debFileName(p)), path.join(cacheDir, debFileName(p)));
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }
  const paths = new Map<string, string>();
  for (const p of pkgs) {
    const file = path.join(cacheDir, debFileName(p));
    await stat(file);
    paths.set(p.name, file);
  }
  return paths;
}

/** Unpacks a .deb's files (no maintainer scripts) into `dir`. */
export async function extractDeb(deb: string, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await run('dpkg', ['-x', deb, dir]);
}

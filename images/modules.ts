import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { run } from './host.ts';
import { HilError } from '../harness/errors.ts';

/** Kernel modules of one release: normalised module name → path relative to /lib/modules/<release>. */
export interface ModuleIndex {
  release: string;
  paths: Map<string, string>;
  /** Direct dependencies (normalised names) from each module's own `.modinfo` `depends=`. */
  depends: Map<string, string[]>;
  /** Modules built into the kernel (its modules.builtin): there is nothing to load. */
  builtin: Set<string>;
}

/** Module names treat `-` and `_` alike. */
export const moduleKey = (name: string) => name.replace(/\.ko$/, '').replace(/-/g, '_');

/** The NUL-separated `key=value` strings of a little-endian ELF64 file's `.modinfo` section. */
export function readModinfo(elf: Buffer): Map<string, string> {
  if (elf.readUInt32BE(0) !== 0x7f454c46 || elf[4] !== 2 || elf[5] !== 1) throw new Error('not an ELF64 LE file');
  const shoff = Number(elf.readBigUInt64LE(0x28));
  const shentsize = elf.readUInt16LE(0x3a);
  const shnum = elf.readUInt16LE(0x3c);
  const section = (i: number) => {
    const at = shoff + i * shentsize;
    return { name: elf.readUInt32LE(at), offset: Number(elf.readBigUInt64LE(at + 24)), size: Number(elf.readBigUInt64LE(at + 32)) };
  };
  const strtab = section(elf.readUInt16LE(0x3e));
  const info = new Map<string, string>();
  for (let i = 0; i < shnum; i++) {
    const s = section(i);
    const nameEnd = elf.indexOf(0, strtab.offset + s.name);
    if (elf.toString('latin1', strtab.offset + s.name, nameEnd) !== '.modinfo') continue;
    for (const entry of elf.toString('utf8', s.offset, s.offset + s.size).split('\0')) {
      const eq = entry.indexOf('=');
      if (eq > 0 && !info.has(entry.slice(0, eq))) info.set(entry.slice(0, eq), entry.slice(eq + 1));
    }
  }
  return info;
}

async function listModules(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(path.join(dir, rel), { withFileTypes: true })) {
    const r = path.posix.join(rel, e.name);
    if (e.isDirectory()) out.push(...(await listModules(dir, r)));
    else if (e.name.endsWith('.ko')) out.push(r);
  }
  return out;
}

/**
 * Debian 13's kernel ships its modules xz-compressed (`.ko.xz`); busybox's modprobe loads plain
 * `.ko` files, so they are unpacked in place, once, before indexing.
 */
export async function decompressModules(root: string, release: string): Promise<void> {
  const base = path.join(root, 'lib/modules', release);
  await run('find', [base, '-name', '*.ko.xz', '-exec', 'xz', '--decompress', '{}', '+']);
}

/** Indexes `<root>/lib/modules/<release>`, reading every module's `.modinfo`. */
export async function indexModules(root: string, release: string): Promise<ModuleIndex> {
  const base = path.join(root, 'lib/modules', release);
  const builtinList = await readFile(path.join(base, 'modules.builtin'), 'utf8').catch(() => '');
  const builtin = new Set(builtinList.split('\n').filter(Boolean).map((p) => moduleKey(path.posix.basename(p))));
  const index: ModuleIndex = { release, paths: new Map(), depends: new Map(), builtin };
  for (const rel of await listModules(base)) {
    const key = moduleKey(path.posix.basename(rel));
    const deps = readModinfo(await readFile(path.join(base, rel))).get('depends') ?? '';
    index.paths.set(key, rel);
    index.depends.set(key, deps.split(',').filter(Boolean).map(moduleKey));
  }
  return index;
}

/**
 * Every module `names` need, in modules.dep order: each module before the modules it depends on
 * (so loading runs the list backwards). A module built into the kernel needs nothing. Throws naming a
 * module the kernel package does not ship.
 */
export function moduleClosure(index: ModuleIndex, names: string[]): string[] {
  const order: string[] = [];
  const visit = (key: string, via: string) => {
    if (order.includes(key) || index.builtin.has(key)) return;
    if (!index.paths.has(key)) {
      throw new HilError(`images: kernel ${index.release} has no module '${key}'${via ? ` (needed by ${via})` : ''}`, {
        code: 'MODULE_NOT_FOUND',
      });
    }
    for (const dep of index.depends.get(key) ?? []) visit(dep, key);
    order.push(key);
  };
  names.forEach((n) => visit(moduleKey(n), ''));
  return order.reverse();
}

/** modules.dep text for `keys` (all modules when omitted), each line listing its full dependency closure. */
export function modulesDep(index: ModuleIndex, keys: Iterable<string> = index.paths.keys()): string {
  const lines: string[] = [];
  for (const key of [...keys].sort()) {
    const deps = moduleClosure(index, [key]).slice(1).map((k) => index.paths.get(k));
    lines.push(`${index.paths.get(key)}:${deps.map((d) => ` ${d}`).join('')}`);
  }
  return lines.join('\n') + '\n';
}

/** Writes modules.dep for the whole tree at `<root>/lib/modules/<release>`. */
export async function writeModulesDep(root: string, index: ModuleIndex): Promise<void> {
  await writeFile(path.join(root, 'lib/modules', index.release, 'modules.dep'), modulesDep(index));
}

import { HilError } from '../errors.ts';

/** Every file starts on a 2 MiB boundary, as ImageBuilder does: booti then never moves an Image. */
export const LOAD_ALIGNMENT = 2 * 1024 * 1024;

/** One file to put in memory. */
export interface LoadRequest {
  /** Requests with the same key are the same file: loaded once, at one address, shared. */
  key: string;
  /** How messages name it, e.g. "linux". */
  label: string;
  /** Bytes in the file. */
  size: number;
  /** Bytes it occupies once loaded, when more than `size` (an Image's bss, a DTB that will grow). Default `size`. */
  footprint?: number;
}

export interface Placement {
  key: string;
  label: string;
  size: number;
  footprint: number;
  address: number;
}

export interface LoadWindow {
  /** First usable physical address. */
  start: number;
  /** First address past the window. */
  end: number;
}

export interface LayoutOptions {
  /** Alignment of every file's address. Default LOAD_ALIGNMENT (2 MiB). */
  alignment?: number;
}

const alignUp = (n: number, a: number) => Math.ceil(n / a) * a;
export const hex = (n: number) => `0x${n.toString(16)}`;
export const mib = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;

/**
 * Places the files one after the other, each at the next aligned address, in request order.
 * A key seen before reuses its placement. Throws when the last file would pass the window's end.
 */
export function layoutFiles(requests: readonly LoadRequest[], window: LoadWindow, options: LayoutOptions = {}): Placement[] {
  const alignment = options.alignment ?? LOAD_ALIGNMENT;
  const placed = new Map<string, Placement>();
  let next = alignUp(window.start, alignment);
  for (const r of requests) {
    if (placed.has(r.key)) continue;
    const footprint = Math.max(r.size, r.footprint ?? 0, 1);
    placed.set(r.key, { key: r.key, label: r.label, size: r.size, footprint, address: next });
    next = alignUp(next + footprint, alignment);
  }
  const all = [...placed.values()];
  const last = all[all.length - 1];
  if (last && last.address + last.footprint > window.end) throw notEnoughMemory(all, window);
  return all;
}

function notEnoughMemory(all: Placement[], window: LoadWindow): HilError {
  const first = all[0].address;
  const last = all[all.length - 1];
  const needs = last.address + last.footprint - first;
  const files = all.map((p) => {
    const where = p.address + p.footprint > window.end ? 'does not fit' : `at ${hex(p.address)}`;
    return `    ${p.label}: ${mib(p.footprint)} ${where}`;
  });
  return new HilError(
    [
      `not enough memory: the boot files need ${mib(needs)} from ${hex(first)} (2 MiB aligned each), ` +
        `but the load window ends at ${hex(window.end)} (${mib(window.end - first)} available)`,
      ...files,
    ].join('\n'),
    { code: 'NO_MEMORY' },
  );
}

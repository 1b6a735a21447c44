import { execFileSync } from 'node:child_process';

/**
 * Splits a command line into words the way U-Boot 2023.01's hush did when measured: a backslash
 * escapes the next character (also inside '...'), quotes group, '#' at a word start begins a comment.
 * An unquoted '$' would be expanded by hush; the plan never relies on that for data, so it is refused here.
 */
export function hushWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '\\') {
      word += line[++i] ?? '';
      inWord = true;
    } else if (quote) {
      if (c === quote) quote = '';
      else if (c === '$' && quote === '"') throw new Error(`'$' inside double quotes would be expanded: ${line}`);
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '#' && !inWord) {
      break;
    } else if (c === ' ') {
      if (inWord) words.push(word);
      [word, inWord] = ['', false];
    } else {
      if (c === '$') throw new Error(`unquoted '$' would be expanded by hush: ${line}`);
      word += c;
      inWord = true;
    }
  }
  if (quote) throw new Error(`unterminated ${quote} quote: ${line}`);
  if (inWord) words.push(word);
  return words;
}

/** U-Boot reads cell values with base 0 (0x → hex, leading 0 → octal, else decimal). */
function cellValue(text: string): string {
  const n = /^0x/i.test(text) ? parseInt(text, 16) : /^0\d/.test(text) ? parseInt(text, 8) : Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new Error(`bad cell value '${text}'`);
  return String(n);
}

/** The fdtput argument list that does what one `fdt mknod` / `fdt set` does; undefined for commands that leave the DT's content alone. */
export function toFdtput(command: string, dtb: string): string[] | undefined {
  const w = hushWords(command);
  if (w[0] === 'tftpb' || w[0] === 'booti' || w[0] === 'setenv' || (w[0] === 'fdt' && ['addr', 'resize', 'move'].includes(w[1]))) return undefined;
  if (w[0] !== 'fdt') throw new Error(`not an fdt command: ${command}`);
  if (w[1] === 'mknod' && w.length === 4) return ['-c', dtb, `${w[2]}/${w[3]}`];
  if (w[1] !== 'set' || w.length < 4) throw new Error(`unexpected fdt command: ${command}`);
  const [path, prop, ...values] = w.slice(2);
  if (values.length === 0) return [dtb, path, prop];
  if (values[0].startsWith('<')) {
    const cells = values.join(' ').replace(/^<|>$/g, '').trim().split(/\s+/);
    return ['-t', 'u', dtb, path, prop, ...cells.map(cellValue)];
  }
  return ['-t', 's', dtb, path, prop, ...values];
}

/** Applies the plan's device-tree commands to a DTB file with fdtput. */
export function applyWithFdtput(commands: readonly string[], dtb: string): void {
  for (const command of commands) {
    const args = toFdtput(command, dtb);
    if (args) execFileSync('fdtput', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  }
}

/** A property read back with fdtget: strings (split on NUL), cells, or '' for an empty property. */
export const fdtget = {
  strings(dtb: string, path: string, prop: string): string[] {
    const hex = execFileSync('fdtget', ['-t', 'bx', dtb, path, prop], { encoding: 'utf8' }).trim();
    const bytes = Buffer.from(hex.split(/\s+/).map((h) => parseInt(h, 16)));
    return bytes.toString('latin1').split('\0').slice(0, -1);
  },
  cells(dtb: string, path: string, prop: string): number[] {
    return execFileSync('fdtget', ['-t', 'u', dtb, path, prop], { encoding: 'utf8' }).trim().split(/\s+/).map(Number);
  },
  raw(dtb: string, path: string, prop: string): string {
    return execFileSync('fdtget', ['-t', 'bx', dtb, path, prop], { encoding: 'utf8' }).trim();
  },
  children(dtb: string, path: string): string[] {
    return execFileSync('fdtget', ['-l', dtb, path], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  },
  has(dtb: string, path: string, prop: string): boolean {
    try {
      execFileSync('fdtget', [dtb, path, prop], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  },
};

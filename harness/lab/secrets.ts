import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { errorAt, type YamlSource } from '../config/yaml-source.ts';

/** Field names that would hold a secret inline: refused anywhere in a lab file. */
const INLINE_SECRET = /^(password|passwd|passphrase|secret|token|key)$/i;

/** Finds an inline secret anywhere under `value`; returns the path of the first one. */
export function findInlineSecret(value: unknown, path: string[] = []): string[] | undefined {
  if (!value || typeof value !== 'object') return undefined;
  for (const [k, v] of Object.entries(value)) {
    if (INLINE_SECRET.test(k)) return [...path, k];
    const found = findInlineSecret(v, [...path, k]);
    if (found) return found;
  }
  return undefined;
}

export const INLINE_SECRET_HELP =
  'secrets must not be written in the lab file: put it in an environment variable and write ' +
  "'passwordEnv: NAME', or in a file only you can read and write 'passwordFile: PATH'";

/** "~/x" and paths relative to the lab file's folder, made absolute. */
export function expandPath(path: string, baseDir: string): string {
  if (path === '~' || path.startsWith('~/')) return join(homedir(), path.slice(1));
  return isAbsolute(path) ? path : join(baseDir, path);
}

/**
 * Replaces `passwordEnv`/`passwordFile` in an options object by `password`, read from the
 * environment or the file. Errors name the variable or the file, never a value.
 */
export function resolvePassword(
  options: Record<string, unknown>,
  where: { source: YamlSource; path: string[]; baseDir: string; env: NodeJS.ProcessEnv },
): Record<string, unknown> {
  const { passwordEnv, passwordFile, ...rest } = options;
  if (passwordEnv !== undefined && passwordFile !== undefined) {
    throw errorAt(where.source, [...where.path, 'passwordFile'], 'give passwordEnv or passwordFile, not both');
  }
  if (typeof passwordEnv === 'string') {
    const value = where.env[passwordEnv];
    if (value === undefined || value === '') {
      throw errorAt(where.source, [...where.path, 'passwordEnv'], `environment variable ${passwordEnv} is not set (it should hold the password)`);
    }
    return { ...rest, password: value };
  }
  if (typeof passwordFile === 'string') {
    const file = expandPath(passwordFile, where.baseDir);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw errorAt(where.source, [...where.path, 'passwordFile'], `cannot read password file ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    return { ...rest, password: text.replace(/\r?\n$/, '') };
  }
  return rest;
}

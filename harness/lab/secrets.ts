import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { errorAt, type YamlSource } from '../config/yaml-source.ts';
import { MIN_SECRET_LENGTH, registerSecret } from '../secrets/scrubber.ts';

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
 *
 * This is where every secret of a lab file is read, so this is where each is registered with the
 * scrubber (harness/secrets/scrubber.ts), before any driver can see it: from then on it is masked
 * in everything hil writes. A password shorter than MIN_SECRET_LENGTH characters is refused: it
 * could not be masked without masking every "on" or "a" of the output, and leaking it is worse.
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
    return { ...rest, password: registered(value, where.source, [...where.path, 'passwordEnv'], `the password in ${passwordEnv}`) };
  }
  if (typeof passwordFile === 'string') {
    const file = expandPath(passwordFile, where.baseDir);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw errorAt(where.source, [...where.path, 'passwordFile'], `cannot read password file ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    return { ...rest, password: registered(text.replace(/\r?\n$/, ''), where.source, [...where.path, 'passwordFile'], `the password in ${file}`) };
  }
  return rest;
}

/** `value`, registered with the scrubber; a secret too short to mask is a config error at `at`. */
function registered(value: string, source: YamlSource, at: string[], what: string): string {
  if (!registerSecret(value)) {
    throw errorAt(
      source,
      at,
      `${what} is shorter than ${MIN_SECRET_LENGTH} characters: hil masks every secret in all it prints and writes, ` +
        'and cannot mask one this short without mangling its output; use a longer password',
    );
  }
  return value;
}

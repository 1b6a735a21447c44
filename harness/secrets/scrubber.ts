/**
 * The one place that knows every secret hil has loaded (the lab file's `passwordEnv`/`passwordFile`
 * values; a power driver handed a password in code registers it too) and takes them out of text
 * that leaves the process: the terminal (harness/secrets/terminal.ts wraps stdout and stderr once),
 * the report files (report/write-report.ts), the harness's notes in transcripts
 * (console/transcript.ts), error messages (errors.ts describeError) and HIL_DEBUG's error dumps.
 *
 * Why a module-level registry and not an option passed along: secrets must be scrubbed from crash
 * output too (an uncaught exception, a debug dump of any error object), and that output has no
 * options object to carry them. The surface is kept small: register, scrub, and a reset for tests.
 * A registered secret is never forgotten while the process lives.
 *
 * Short secrets: every secret is scrubbed wherever it appears, so a 1- or 2-character one would
 * turn every "a" or "on" of the output into a mask. The lab file refuses secrets shorter than
 * MIN_SECRET_LENGTH when it reads them (lab/secrets.ts), so a loaded secret is always scrubbed;
 * `registerSecret` given a shorter one (only code can do that) does not register it and says so.
 *
 * Spellings: a device or a proxy may echo a secret in the request URL (percent-encoded: which
 * characters are encoded differs from one encoder to the next, and so does the hex case; or
 * form-encoded with '+' for a space), in a Basic auth header (base64 of "user:secret", where the
 * secret sits at any of three byte alignments), or an error dump may show it escaped as a JSON or
 * JavaScript string or as HTML. So each character of a secret other than a letter or a digit
 * matches in any of its spellings (raw, %HH, '+' for a space, \", \uHHHH, \xHH, &amp;, &#NN;...),
 * mixed as they come, and the secret's base64 is masked in each alignment.
 *
 * Not covered: a secret split over two writes to the terminal (a stream of board bytes in
 * `hil console`), or encoded some other way (hex, gzip) by whoever echoes it.
 */

/** What a secret is replaced with. */
export const SECRET_MASK = '******';

/** Secrets shorter than this are refused by the lab file and not registered (see above). */
export const MIN_SECRET_LENGTH = 3;

const secrets = new Set<string>();
/** One pattern for every registered secret, over text and over bytes (latin1); undefined when stale. */
let textPattern: RegExp | undefined;
let bytePattern: RegExp | undefined;

/**
 * Adds a secret to scrub from all output from now on. Returns false (and registers nothing) for a
 * secret shorter than MIN_SECRET_LENGTH, which cannot be scrubbed without wrecking the output.
 */
export function registerSecret(secret: string): boolean {
  if (secret.length < MIN_SECRET_LENGTH) return false;
  if (!secrets.has(secret)) {
    secrets.add(secret);
    textPattern = bytePattern = undefined;
  }
  return true;
}

/** Forgets every secret. For tests only: the harness itself never forgets one. */
export function resetSecrets(): void {
  secrets.clear();
  textPattern = bytePattern = undefined;
}

/** `text` with every spelling of every registered secret replaced by SECRET_MASK. */
export function scrub(text: string): string {
  if (secrets.size === 0 || text.length === 0) return text;
  textPattern ??= patternOf(secrets, 'text');
  return text.replace(textPattern, SECRET_MASK);
}

/** `text` with every spelling of the given secrets masked (a driver masking its own, registered or not). */
export function maskSecrets(text: string, values: Iterable<string | undefined>): string {
  const list = [...values].filter((v): v is string => typeof v === 'string' && v.length > 0);
  return list.length === 0 ? text : text.replace(patternOf(list, 'text'), SECRET_MASK);
}

/** Bytes with every registered secret (its UTF-8 bytes, in every spelling) masked. Bytes without one are returned as they are. */
export function scrubBytes(chunk: Buffer): Buffer {
  if (secrets.size === 0 || chunk.length === 0) return chunk;
  bytePattern ??= patternOf(secrets, 'bytes');
  const text = chunk.toString('latin1');
  const masked = text.replace(bytePattern, SECRET_MASK);
  return masked === text ? chunk : Buffer.from(masked, 'latin1');
}

/**
 * A copy of a JSON-like value (plain objects, arrays, strings, numbers...) with every string in it
 * scrubbed, keys included. For records written to report files: scrubbed before they are escaped.
 */
export function scrubValue<T>(value: T): T {
  if (secrets.size === 0) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return scrub(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [scrub(k), walk(x)]));
    }
    return v;
  };
  return walk(value) as T;
}

/** One global pattern matching any spelling of any of `values`, longest secrets first. */
function patternOf(values: Iterable<string>, mode: 'text' | 'bytes'): RegExp {
  const sorted = [...new Set(values)].sort((a, b) => b.length - a.length);
  const alternatives = sorted.flatMap((v) => [spelled(v, mode), ...base64Fragments(v).map(escapeRegExp)]);
  return new RegExp(alternatives.join('|'), 'g');
}

/** A pattern for `secret` where each character other than a letter or digit may come in any of its spellings. */
function spelled(secret: string, mode: 'text' | 'bytes'): string {
  let out = '';
  for (const c of secret) {
    if (/^[A-Za-z0-9]$/.test(c)) {
      out += c;
      continue;
    }
    const cp = c.codePointAt(0)!;
    const utf8 = [...Buffer.from(c, 'utf8')];
    const forms = new Set<string>([escapeRegExp(mode === 'text' ? c : Buffer.from(c, 'utf8').toString('latin1'))]);
    forms.add(utf8.map((b) => `%${hexPattern(b, 2)}`).join('')); // percent-encoded, any hex case
    if (c === ' ') forms.add('\\+'); // form-encoded
    if (JS_ESCAPE[c]) forms.add(escapeRegExp(JS_ESCAPE[c]));
    if (cp < 0x100) forms.add(`\\\\x${hexPattern(cp, 2)}`);
    forms.add(utf16Units(c).map((u) => `\\\\u${hexPattern(u, 4)}`).join(''));
    forms.add(`\\\\u\\{0*${hexPattern(cp, 1)}\\}`);
    if (HTML_ENTITY[c]) for (const e of HTML_ENTITY[c]) forms.add(escapeRegExp(e));
    forms.add(`&#0*${cp};`);
    forms.add(`&#[xX]0*${hexPattern(cp, 1)};`);
    out += `(?:${[...forms].join('|')})`;
  }
  return out;
}

/** How a JSON or JavaScript string literal escapes a character. */
const JS_ESCAPE: Record<string, string> = { '"': '\\"', "'": "\\'", '`': '\\`', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f', '\v': '\\v' };
const HTML_ENTITY: Record<string, string[]> = { '&': ['&amp;'], '<': ['&lt;'], '>': ['&gt;'], '"': ['&quot;'], "'": ['&apos;'] };

function utf16Units(c: string): number[] {
  const units: number[] = [];
  for (let i = 0; i < c.length; i++) units.push(c.charCodeAt(i));
  return units;
}

/** A pattern for `n` in hex (at least `digits` digits), letters in either case. */
function hexPattern(n: number, digits: number): string {
  return [...n.toString(16).padStart(digits, '0')].map((d) => (/[a-f]/.test(d) ? `[${d}${d.toUpperCase()}]` : d)).join('');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/**
 * The base64 characters that depend on the secret's bytes alone, for each of the three byte offsets
 * it can start at inside longer data ("admin:secret" in a Basic auth header): whatever surrounds it,
 * an encoding that holds the secret holds one of these. Both alphabets: base64 and base64url.
 */
function base64Fragments(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const out = new Set<string>();
  for (let k = 0; k < 3; k++) {
    const encoded = Buffer.concat([Buffer.alloc(k), bytes, Buffer.alloc(2)]).toString('base64');
    const first = Math.ceil((8 * k) / 6);
    const end = Math.floor((8 * (k + bytes.length)) / 6);
    if (end - first < MIN_SECRET_LENGTH) continue;
    const fragment = encoded.slice(first, end);
    out.add(fragment);
    out.add(fragment.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...out];
}

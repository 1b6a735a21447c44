import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** What a known-hosts file says about a key a host presented. */
export type HostKeyVerdict = { kind: 'new' } | { kind: 'match' } | { kind: 'changed'; pinned: string; presented: string };

/**
 * Host keys pinned on first use, one line per name: `<name> <key type> <base64 key>`. The name is
 * the board's (not its address: a board keeps its name when DHCP gives it another address).
 */
export class KnownHosts {
  constructor(readonly file: string) {}

  /** Compares `key` (the raw SSH host key blob) with what is pinned for `name`. */
  check(name: string, key: Buffer): HostKeyVerdict {
    const pinned = this.read().get(name);
    if (!pinned) return { kind: 'new' };
    if (pinned.equals(key)) return { kind: 'match' };
    return { kind: 'changed', pinned: fingerprint(pinned), presented: fingerprint(key) };
  }

  /** Pins `key` for `name` (appends; the first line for a name wins). */
  pin(name: string, key: Buffer): void {
    if (/\s/.test(name) || !name) throw new TypeError(`known-hosts name must be one word, got '${name}'`);
    mkdirSync(dirname(this.file), { recursive: true });
    appendFileSync(this.file, `${name} ${keyType(key)} ${key.toString('base64')}\n`, { mode: 0o644 });
  }

  private read(): Map<string, Buffer> {
    const pins = new Map<string, Buffer>();
    if (!existsSync(this.file)) return pins;
    for (const line of readFileSync(this.file, 'utf8').split('\n')) {
      const [name, , base64] = line.trim().split(/\s+/);
      if (name && base64 && !name.startsWith('#') && !pins.has(name)) pins.set(name, Buffer.from(base64, 'base64'));
    }
    return pins;
  }
}

/** OpenSSH's way of showing a key: SHA256:<base64 of its sha256, unpadded>. */
export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named at the start of an SSH key blob (a uint32 length, then the name). */
function keyType(key: Buffer): string {
  if (key.length < 4) return 'unknown';
  const len = key.readUInt32BE(0);
  return len > 0 && len < 64 && key.length >= 4 + len ? key.subarray(4, 4 + len).toString('latin1') : 'unknown';
}

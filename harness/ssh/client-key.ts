import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { HilError } from '../errors.ts';

/** The harness's own SSH identity: a private key file (0600) and its public key line for authorized_keys. */
export interface ClientKey {
  /** Path of the private key (OpenSSH format). Pass the path around, never the key's text. */
  privateKeyFile: string;
  /** One OpenSSH public key line, e.g. "ssh-ed25519 AAAA... hil". */
  publicKey: string;
}

export interface ClientKeyOptions {
  /** Folder holding the key. Default `$XDG_CACHE_HOME/hil/ssh`, else `~/.cache/hil/ssh`. */
  dir?: string;
}

const KEY_FILE = 'id_ed25519';

/** Where the lab's key lives unless told otherwise. */
export function defaultKeyDir(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'hil', 'ssh');
}

/**
 * The lab's SSH key: generated once (ed25519, which dropbear 2022 and OpenSSH accept) and kept
 * with mode 0600 in a 0700 folder. Later calls reuse it; a key file others can read is refused.
 */
export function ensureClientKey(options: ClientKeyOptions = {}): ClientKey {
  const dir = options.dir ?? defaultKeyDir();
  const privateKeyFile = join(dir, KEY_FILE);
  if (!existsSync(privateKeyFile)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    const pair = generateEd25519();
    // 'wx': never overwrite a key another process wrote meanwhile.
    try {
      writeFileSync(privateKeyFile, pair.private, { mode: 0o600, flag: 'wx' });
      writeFileSync(`${privateKeyFile}.pub`, `${pair.public}\n`, { mode: 0o644 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return { privateKeyFile, publicKey: publicKeyOf(privateKeyFile) };
}

/**
 * A new ed25519 key pair in OpenSSH format. ssh2 1.17's generator now and then (about 1 key in 300,
 * seen here) writes a 31-byte public key, dropping a leading zero byte, which nothing can read back:
 * each key is parsed before it is used, and a malformed one is generated again.
 */
export function generateEd25519(): { private: string; public: string } {
  for (let attempt = 1; ; attempt++) {
    const pair = ssh2.utils.generateKeyPairSync('ed25519', { comment: 'hil' });
    if (!(ssh2.utils.parseKey(pair.private) instanceof Error)) return pair;
    if (attempt === 10) throw new HilError('could not generate a readable ed25519 SSH key (ssh2 wrote 10 malformed ones)', { code: 'SSH_KEY' });
  }
}

/** The public key line of a private key file (OpenSSH or PEM, unencrypted); checks the file's mode. */
export function publicKeyOf(privateKeyFile: string): string {
  const mode = statSync(privateKeyFile).mode & 0o777;
  if (mode & 0o077) {
    throw new HilError(`SSH key ${privateKeyFile} is readable by others (mode ${mode.toString(8)}): chmod 600 it`, { code: 'SSH_KEY' });
  }
  const key = ssh2.utils.parseKey(readFileSync(privateKeyFile));
  if (key instanceof Error) throw new HilError(`SSH key ${privateKeyFile} cannot be read: ${key.message}`, { code: 'SSH_KEY' });
  return `${key.type} ${key.getPublicSSH().toString('base64')} hil`;
}

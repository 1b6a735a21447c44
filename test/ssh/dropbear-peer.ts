import { stopDaemon, untilListening } from '../support/daemon.ts';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { closedPort } from '../power/peers/http-peer.ts';

export const DROPBEAR = '/usr/sbin/dropbear';

/**
 * A real dropbear (Debian dropbear-bin, the server dom0 runs) on a loopback port. It logs in as
 * root, and looks for root's authorized_keys in /root/.ssh: it runs in a private mount namespace
 * where a folder of ours is bound over /root/.ssh, so this machine's own keys are never touched.
 * An empty file is bound over /root/.bashrc there too: Debian's bash reads it for SSH commands, and
 * what this machine's root put in it (slow shell set-ups) is no part of the test.
 */
export class DropbearPeer {
  port = 0;
  stderr = '';
  private child?: ChildProcess;
  private readonly sshDir: string;

  constructor(private readonly dir: string) {
    this.sshDir = join(dir, 'root-ssh');
    mkdirSync(this.sshDir, { mode: 0o700, recursive: true });
  }

  /** Lets `publicKey` (an OpenSSH line) log in. */
  authorize(publicKey: string): void {
    writeFileSync(join(this.sshDir, 'authorized_keys'), `${publicKey.trim()}\n`, { mode: 0o600 });
  }

  /** Makes a host key of its own (dropbearkey); the same name gives the same key. */
  hostKey(name: string): string {
    const file = join(this.dir, `host-${name}`);
    try {
      execFileSync('dropbearkey', ['-t', 'ed25519', '-f', file], { stdio: 'ignore' });
    } catch {
      // already made
    }
    return file;
  }

  async start(options: { hostKey: string; port?: number }): Promise<number> {
    this.port = options.port ?? (await closedPort());
    writeFileSync(join(this.dir, 'empty-bashrc'), '');
    const script = `mount --bind "$1" /root/.ssh && { [ ! -e /root/.bashrc ] || mount --bind "$5" /root/.bashrc; } && exec ${DROPBEAR} -F -E -s -p "127.0.0.1:$2" -r "$3" -P "$4"`;
    const child = spawn('unshare', ['-m', 'sh', '-c', script, 'sh', this.sshDir, String(this.port), options.hostKey, join(this.dir, 'dropbear.pid'), join(this.dir, 'empty-bashrc')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.child = child;
    await untilListening(child, this.port, 'dropbear', 5000, () => this.stderr);
    return this.port;
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    await stopDaemon(child);
  }
}

/** Whether this machine can run the peer: root (for the mount namespace) and dropbear installed. */
export function canRunDropbear(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (a private mount namespace over /root/.ssh)';
  try {
    execFileSync(DROPBEAR, ['-V'], { stdio: 'ignore' });
  } catch {
    return `${DROPBEAR} missing: apt-get install dropbear-bin`;
  }
  return undefined;
}

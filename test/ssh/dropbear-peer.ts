import { stopDaemon, untilListening } from '../support/daemon.ts';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closedPort } from '../power/peers/http-peer.ts';

export const DROPBEAR = '/usr/sbin/dropbear';

/**
 * A real dropbear (Debian dropbear-bin, the server dom0 runs) on a loopback port, logging in as root.
 *
 * dropbear has no option for where authorized_keys lives: it reads `~/.ssh/authorized_keys` of the
 * user's home from the password database. So it runs chrooted in a root of its own, under a temp
 * folder: its /etc/passwd gives root the home /root of that folder and /bin/sh as shell (no one's
 * .bashrc), and /usr, /dev and the test's own folder are bound into it inside a private mount
 * namespace, which goes away with the daemon. Nothing outside the temp folders is created, changed
 * or mounted on; the host's /root is never read.
 */
export class DropbearPeer {
  port = 0;
  stderr = '';
  private child?: ChildProcess;
  /** The chroot: `root/root/.ssh` is the login's own. */
  private readonly root: string;

  /** `dir` is the test's folder, visible at the same path inside the chroot (for uploads). */
  constructor(private readonly dir: string) {
    this.root = mkdtempSync(join(tmpdir(), 'hil-dropbear-root-'));
    for (const d of ['usr', 'dev', 'proc', 'etc', 'tmp', 'run', 'root/.ssh', dir.slice(1)]) mkdirSync(join(this.root, d), { recursive: true, mode: 0o700 });
    for (const l of ['bin', 'lib', 'lib64', 'sbin']) symlinkSync(`usr/${l}`, join(this.root, l));
    const etc = join(this.root, 'etc');
    writeFileSync(join(etc, 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
    writeFileSync(join(etc, 'shadow'), 'root:*:19000:0:99999:7:::\n', { mode: 0o600 });
    writeFileSync(join(etc, 'group'), 'root:x:0:\n');
    writeFileSync(join(etc, 'shells'), '/bin/sh\n');
    writeFileSync(join(etc, 'nsswitch.conf'), 'passwd: files\ngroup: files\nshadow: files\n');
  }

  /** Lets `publicKey` (an OpenSSH line) log in. */
  authorize(publicKey: string): void {
    writeFileSync(join(this.root, 'root/.ssh/authorized_keys'), `${publicKey.trim()}\n`, { mode: 0o600 });
  }

  /** Makes a host key of its own (dropbearkey) in the test's folder; the same name gives the same key. */
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
    const binds = `mount --bind /usr "$R/usr" && mount --rbind /dev "$R/dev" && mount -t proc proc "$R/proc" && mount --bind "$D" "$R$D"`;
    const script = `R=$1 D=$2; ${binds} && exec chroot "$R" ${DROPBEAR} -F -E -s -p "127.0.0.1:$3" -r "$4" -P /run/dropbear.pid`;
    const child = spawn('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script, 'sh', this.root, this.dir, String(this.port), options.hostKey], {
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

  /** Stops the daemon and removes the chroot (its mounts lived only in the daemon's namespace). */
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Whether this machine can run the peer: root (for the mount namespace and chroot) and dropbear installed. */
export function canRunDropbear(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (a private mount namespace and a chroot)';
  try {
    execFileSync(DROPBEAR, ['-V'], { stdio: 'ignore' });
  } catch {
    return `${DROPBEAR} missing: apt-get install dropbear-bin`;
  }
  return undefined;
}

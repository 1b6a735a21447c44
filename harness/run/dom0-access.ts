import { join } from 'node:path';
import { withAuthorizedKey } from '../../images/authorized-key.ts';
import type { ImageSet } from '../../images/recipe.ts';
import type { BoardInstance } from '../lab/board-instance.ts';
import type { SystemSpec } from '../plan/system-file.ts';
import { ensureClientKey, publicKeyOf } from '../ssh/client-key.ts';
import { KnownHosts } from '../ssh/known-hosts.ts';
import { SshClient } from '../ssh/ssh-client.ts';

/** The private key the run logs in to dom0 with: the lab file's keyFile, else the lab's own generated key. */
export function dom0KeyFile(board: BoardInstance): string {
  return board.ssh?.keyFile ?? ensureClientKey().privateKeyFile;
}

/**
 * When the system boots our dom0 image (its ramdisk is a built artifact), a copy of it that lets
 * the run's key in: artifact name → keyed file, for the plan's resolver. A ramdisk given as a
 * file is the user's own and is left alone.
 */
export async function keyedDom0Ramdisk(board: BoardInstance, system: SystemSpec, images: ImageSet): Promise<Map<string, string>> {
  const name = system.dom0?.ramdisk;
  if (!name || !Object.hasOwn(images.artifacts, name) || !board.ssh) return new Map();
  const keyed = await withAuthorizedKey(images.artifacts[name], publicKeyOf(dom0KeyFile(board)), join(images.dir, 'keyed'));
  return new Map([[name, keyed.path]]);
}

/**
 * SSH to the board's dom0 for one boot. dom0's image makes a new host key at each boot (dropbear -R),
 * so the key is pinned per run and system (`<reportDir>/ssh/known_hosts-<system>`): a key that
 * changes within the boot is refused, a new boot starts a new pin.
 */
export function dom0SshClient(board: BoardInstance, system: SystemSpec, reportDir: string): SshClient | undefined {
  if (!board.ssh || !system.dom0) return undefined;
  return new SshClient({
    board: board.name,
    host: board.ssh.host,
    port: board.ssh.port,
    user: board.ssh.user,
    privateKeyFile: dom0KeyFile(board),
    knownHosts: new KnownHosts(join(reportDir, 'ssh', `known_hosts-${system.name}`)),
  });
}

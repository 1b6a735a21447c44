/**
 * The Debian releases an image set can be built from, by the name a run selects it with
 * (`hil run --images debian13`). Each release's set is built and cached on its own.
 */
export interface DebianRelease {
  name: string;
  /** Apt's suite. */
  suite: string;
  /** The Xen version of its xen-hypervisor-X.Y-arm64 and xen-utils-X.Y packages. */
  xen: string;
  /**
   * Whose apt lists name its packages: the machine's own (Debian 12, the host's release: the arm64
   * architecture added to dpkg), or lists of hil's own for this suite's arm64 packages, kept beside
   * the set, so the machine's apt sources stay as they are.
   */
  lists: 'host' | 'own';
}

export const RELEASES = {
  debian12: { name: 'debian12', suite: 'bookworm', xen: '4.17', lists: 'host' },
  debian13: { name: 'debian13', suite: 'trixie', xen: '4.20', lists: 'own' },
} as const satisfies Record<string, DebianRelease>;

export type ReleaseName = keyof typeof RELEASES;

/**
 * Where the old kernel comes from: Debian 11's cloud kernel (Linux 5.10), the `linux-old` artifact of
 * every set, for the document's claim that an old kernel goes on without Xenstore.
 */
export const OLD_KERNEL_SUITE = 'bullseye';
export const DEFAULT_RELEASE: DebianRelease = RELEASES.debian12;

/** The release named on a command line, or an error naming the known ones. */
export function findRelease(name: string): DebianRelease | undefined {
  return Object.hasOwn(RELEASES, name) ? RELEASES[name as ReleaseName] : undefined;
}

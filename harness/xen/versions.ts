/**
 * What changed between the Xen versions hil boots, where a test has to know: each function says
 * the behaviour of one version, and the claim's test states it. Seen on Debian's Xen 4.17 (bookworm)
 * and 4.20 (trixie) on the virtual boards.
 */

/** [major, minor] of a version string like "4.20.4+63-g7abfd2bce2". */
export function xenRelease(version: string): [number, number] {
  const m = /^(\d+)\.(\d+)/.exec(version);
  if (!m) throw new Error(`not a Xen version: '${version}'`);
  return [Number(m[1]), Number(m[2])];
}

const atLeast = (version: string, major: number, minor: number) => {
  const [a, b] = xenRelease(version);
  return a > major || (a === major && b >= minor);
};

/**
 * Where Xen hands the serial input at its end of boot when `conswitch=` has no 'x': 4.17 always
 * names DOM0, with or without a dom0; 4.20 names the first domU (DOM1) when there is no dom0.
 */
export function endOfBootFocus(version: string, hasDom0: boolean): string {
  return atLeast(version, 4, 18) && !hasDom0 ? 'DOM1' : 'DOM0';
}

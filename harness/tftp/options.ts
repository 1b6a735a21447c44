/**
 * Option negotiation for a read request: blksize (RFC 2348), timeout and tsize (RFC 2349),
 * windowsize (RFC 7440). Unknown or out-of-range options are left out of the OACK, which
 * tells the client they were not accepted (RFC 2347).
 */

/** RFC 2348 range; the top fits a 64 KiB IPv4 datagram. */
export const MIN_BLKSIZE = 8;
export const MAX_BLKSIZE = 65464;
export const DEFAULT_BLKSIZE = 512;
/** RFC 7440 allows 65535; we answer with at most this many blocks in flight (the RFC lets a server lower it). */
export const MAX_WINDOWSIZE = 64;

export interface Negotiated {
  blksize: number;
  windowsize: number;
  timeoutMs: number;
  /** The OACK body, or undefined when no option was accepted (the transfer starts with DATA 1). */
  oack?: Record<string, string>;
}

function intOption(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,9}$/.test(value.trim())) return undefined;
  return Number(value.trim());
}

export interface NegotiateOptions {
  /** The number of bytes that will be sent (for tsize). */
  size: number;
  /** Used unless the client asks for a valid `timeout` no longer than maxTimeoutS. */
  timeoutMs: number;
  /** The longest `timeout` accepted, in seconds. */
  maxTimeoutS: number;
}

/** @param requested option names lower-cased, as parsed from the RRQ */
export function negotiate(requested: Map<string, string>, o: NegotiateOptions): Negotiated {
  const oack: Record<string, string> = {};
  let blksize = DEFAULT_BLKSIZE;
  let windowsize = 1;
  let timeoutMs = o.timeoutMs;

  const b = intOption(requested.get('blksize'));
  if (b !== undefined && b >= MIN_BLKSIZE) {
    blksize = Math.min(b, MAX_BLKSIZE);
    oack.blksize = String(blksize);
  }
  // RFC 2349: seconds, 1..255, and the OACK must repeat the client's value: one above our cap
  // cannot be lowered, only left out (the server's own timeout then applies).
  const t = intOption(requested.get('timeout'));
  if (t !== undefined && t >= 1 && t <= Math.min(255, o.maxTimeoutS)) {
    timeoutMs = t * 1000;
    oack.timeout = String(t);
  }
  // RFC 2349: the client sends 0 in a read request; the server answers with the size. Not for an
  // empty file: curl 7.88 aborts on "tsize 0" in an OACK (atftpd sends it, and curl fails there).
  if (requested.has('tsize') && o.size > 0) oack.tsize = String(o.size);
  const w = intOption(requested.get('windowsize'));
  if (w !== undefined && w >= 1) {
    windowsize = Math.min(w, MAX_WINDOWSIZE);
    oack.windowsize = String(windowsize);
  }
  return { blksize, windowsize, timeoutMs, oack: Object.keys(oack).length ? oack : undefined };
}

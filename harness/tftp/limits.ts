/**
 * What the server lets its clients hold: transfers at once, transfers per client address, and the
 * bytes all transfers hold for their windows and read-ahead chunks. The defaults and the reasons
 * for them are in TftpServerOptions (server.ts).
 */
import { DEFAULT_BLKSIZE, type Negotiated } from './options.ts';
import { CHUNK_BYTES } from './source.ts';

export interface AdmissionLimits {
  maxTransfers: number;
  maxTransfersPerClient: number;
  maxBufferBytes: number;
}

/** One admitted transfer's share: its place among the transfers, and the bytes it holds. */
export interface Slot {
  /** Bytes still free in the budget of all transfers. */
  available(): number;
  /** Adds `bytes` to what this transfer holds; false, and nothing reserved, if the budget lacks them. */
  reserve(bytes: number): boolean;
  /** Gives back `bytes` of what this transfer holds. */
  free(bytes: number): void;
  /** Gives back the place and every byte held; a second call does nothing. */
  release(): void;
}

export interface AdmissionStats {
  transfers: number;
  heldBytes: number;
  /** The most ever held at once, for tests and the fuzz bench. */
  peakHeldBytes: number;
}

export class Admission {
  private transfers = 0;
  private held = 0;
  private peakHeld = 0;
  private readonly perClient = new Map<string, number>();

  constructor(private readonly limits: AdmissionLimits) {}

  /** A slot for a transfer to `address`, or why there is none: the text of the ERROR to send. */
  enter(address: string): Slot | string {
    const { maxTransfers, maxTransfersPerClient } = this.limits;
    if (this.transfers >= maxTransfers) {
      return `Server busy: ${this.transfers} transfers in progress, the most it runs at once; try again later`;
    }
    const mine = this.perClient.get(address) ?? 0;
    if (mine >= maxTransfersPerClient) {
      return `Server busy: ${mine} transfers to ${address} in progress, the most for one client; try again later`;
    }
    this.transfers++;
    this.perClient.set(address, mine + 1);
    return this.slot(address);
  }

  stats(): AdmissionStats {
    return { transfers: this.transfers, heldBytes: this.held, peakHeldBytes: this.peakHeld };
  }

  private slot(address: string): Slot {
    let mine = 0;
    let released = false;
    const free = (bytes: number) => {
      const n = Math.min(bytes, mine);
      mine -= n;
      this.held -= n;
    };
    return {
      available: () => this.limits.maxBufferBytes - this.held,
      reserve: (bytes) => {
        if (released || this.held + bytes > this.limits.maxBufferBytes) return false;
        mine += bytes;
        this.held += bytes;
        this.peakHeld = Math.max(this.peakHeld, this.held);
        return true;
      },
      free,
      release: () => {
        if (released) return;
        released = true;
        free(mine);
        this.transfers--;
        const left = (this.perClient.get(address) ?? 1) - 1;
        if (left > 0) this.perClient.set(address, left);
        else this.perClient.delete(address);
      },
    };
  }
}

/** The sizes one transfer runs with, and the bytes that costs. */
export interface MemoryPlan {
  negotiated: Negotiated;
  /** For the source's read-ahead (BlockSource): at least one block, at most CHUNK_BYTES. */
  chunkBytes: number;
  /** The window buffer, windowsize × (4 + blksize), plus the chunk. */
  bytes: number;
}

/**
 * Fits one transfer of `size` bytes into `available` bytes. When the whole does not fit, the chunk
 * shrinks to one window's data (a read per window), then the window halves, then a negotiated
 * blksize halves (not below 512): RFC 2348 and RFC 7440 let the server answer smaller values than
 * asked, so a board asking for large blocks while others hold the memory is served, more slowly,
 * rather than refused, and what is left stays for the next one. Undefined when not even a window
 * of one block fits.
 */
export function planMemory(n: Negotiated, size: number, available: number): MemoryPlan | undefined {
  const full = n.windowsize * (4 + n.blksize) + Math.min(size, CHUNK_BYTES);
  if (full <= available) return { negotiated: n, chunkBytes: Math.min(size, CHUNK_BYTES), bytes: full };
  let { blksize, windowsize } = n;
  for (;;) {
    const window = windowsize * (4 + blksize);
    const chunkBytes = Math.min(size, CHUNK_BYTES, windowsize * blksize);
    if (window + chunkBytes <= available) return { negotiated: resized(n, blksize, windowsize), chunkBytes, bytes: window + chunkBytes };
    if (windowsize > 1) windowsize = Math.ceil(windowsize / 2);
    else if (n.oack?.blksize !== undefined && blksize > DEFAULT_BLKSIZE) blksize = Math.max(DEFAULT_BLKSIZE, Math.floor(blksize / 2));
    else return undefined;
  }
}

function resized(n: Negotiated, blksize: number, windowsize: number): Negotiated {
  if (blksize === n.blksize && windowsize === n.windowsize) return n;
  const oack = { ...n.oack };
  if (oack.blksize !== undefined) oack.blksize = String(blksize);
  if (oack.windowsize !== undefined) oack.windowsize = String(windowsize);
  return { ...n, blksize, windowsize, oack };
}

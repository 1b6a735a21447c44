import type { RemoteInfo, Socket } from 'node:dgram';
import { ErrorCode, Opcode, packError, parsePacket, TftpPacketError, writeDataHeader } from './packet.ts';
import { shown } from './shown.ts';
import type { BlockSource } from './source.ts';

/** One finished read transfer; the fields match TransferRecord in harness/report/record.ts. */
export interface TransferStats {
  file: string;
  bytes: number;
  ms: number;
  blksize: number;
  windowsize: number;
  client: string;
  ok: boolean;
  retransmits: number;
  error?: string;
}

export interface ReadTransferOptions {
  /** Bound to an ephemeral port (our TID) and connected to the client's address and port. */
  socket: Socket;
  /**
   * Bound to the same port, not connected: the kernel hands it what anyone but the client sends
   * to our TID (the connected socket takes the client's), which gets ERROR 5 (transferSockets in bind.ts).
   */
  strays?: Socket;
  source: BlockSource;
  file: string;
  client: string;
  blksize: number;
  windowsize: number;
  timeoutMs: number;
  /** Timeouts in a row without progress before the transfer is aborted. */
  retries: number;
  /** Sent first, and again on timeout, until the client answers ACK 0. */
  oack?: Buffer;
  /** performance.now() when the request arrived. */
  startedAt: number;
  /** The longest the transfer may run from startedAt; then it is aborted with an ERROR. */
  maxMs: number;
  log: (line: string) => void;
  /** For what a peer sends that is ignored or refused, rate-limited per `address`. */
  warn: (address: string, line: string) => void;
}

/**
 * The sending side of one RRQ. Blocks are numbered from 1 without limit here and wrap to
 * 16 bits (65535 -> 0) on the wire. A window of `windowsize` blocks is sent, then:
 * - an ACK for a block in flight moves the window to start after it (RFC 7440), so an ACK in
 *   the middle of a window, as clients send after a gap, resends from the gap at once; except
 *   inside a burst of resent blocks, whose rest is still on its way (see onAck);
 * - an ACK for the last acknowledged block or an older one is ignored, which is what prevents
 *   the Sorcerer's Apprentice syndrome (RFC 1350 errata);
 * - a timeout resends the whole window from the last acknowledged block; after `retries`
 *   timeouts in a row the transfer is aborted with an ERROR packet.
 */
export class ReadTransfer {
  readonly finished: Promise<TransferStats>;
  private resolve!: (stats: TransferStats) => void;
  private readonly lastBlock: number;
  private acked = 0;
  private highestSent = 0;
  private awaitingOack: boolean;
  private timeouts = 0;
  private retransmits = 0;
  private timer?: NodeJS.Timeout;
  private deadline?: NodeJS.Timeout;
  private sentAt = 0;
  private spare?: Buffer;
  /** The blocks sent by the last sendWindow(), and whether any had been sent before. */
  private burstFirst = 0;
  private burstLast = 0;
  private burstResent = false;
  private over = false;

  constructor(private readonly o: ReadTransferOptions) {
    // The last block is always shorter than blksize: empty when the size is an exact multiple.
    this.lastBlock = Math.floor(o.source.size / o.blksize) + 1;
    this.awaitingOack = o.oack !== undefined;
    this.finished = new Promise((resolve) => (this.resolve = resolve));
  }

  start(): void {
    this.o.socket.on('message', (msg: Buffer) => this.onMessage(msg));
    // On a connected socket an ICMP port-unreachable surfaces here: the client has gone.
    this.o.socket.on('error', (err) => this.finish(`socket error (client gone?): ${err.message}`));
    this.o.strays?.on('message', (msg, rinfo) => this.onStray(msg, rinfo));
    this.o.strays?.on('error', (err) => this.o.log(`tftp: ${this.o.client}: stray-datagram socket: ${err.message}`));
    // A client that ACKs each block just before it would be resent could hold its slot and
    // memory for ever; no transfer runs longer than maxMs, whatever its pace.
    const left = Math.max(0, this.o.maxMs - (performance.now() - this.o.startedAt));
    this.deadline = setTimeout(() => this.abort(`took longer than ${this.o.maxMs / 1000} s, the most a transfer may run`), left);
    if (this.o.oack) {
      this.o.socket.send(this.o.oack);
      this.arm();
    } else this.sendWindow();
  }

  /** Sends ERROR `code` (default 0) with `reason` to the client and ends the transfer as failed. */
  abort(reason: string, code: number = ErrorCode.UNDEFINED): void {
    this.finish(reason, packError(code, reason));
  }

  private onMessage(msg: Buffer): void {
    if (this.over) return;
    if (msg.length >= 4 && msg[0] === 0 && msg[1] === Opcode.ACK) return this.onAck(msg.readUInt16BE(2));
    let packet;
    try {
      packet = parsePacket(msg);
    } catch (err) {
      if (!(err instanceof TftpPacketError)) throw err;
      return this.o.warn(this.address, `tftp: ${this.o.client} '${shown(this.o.file)}': ignored malformed packet: ${err.message}`);
    }
    if (packet.op === Opcode.ERROR) this.finish(`client sent ERROR ${packet.code}: ${shown(packet.message)}`);
    else this.abort(`unexpected opcode ${packet.op} during a read transfer`, ErrorCode.ILLEGAL_OPERATION);
  }

  /**
   * RFC 1350: a packet from another address or port than the client's "should be discarded ...
   * An error packet should be sent to the source of the incorrect packet, while not disturbing
   * the transfer." Not in answer to an ERROR (two peers could answer each other for ever), nor
   * to port 0, which cannot be sent to.
   */
  private onStray(msg: Buffer, rinfo: RemoteInfo): void {
    if (this.over) return;
    const from = `${rinfo.address}:${rinfo.port}`;
    const isError = msg.length >= 2 && msg.readUInt16BE(0) === Opcode.ERROR;
    const answer = !isError && rinfo.port !== 0;
    this.o.warn(rinfo.address, `tftp: ${from}: datagram to the transfer of '${shown(this.o.file)}' to ${this.o.client}: unknown transfer ID${answer ? ', answered ERROR 5' : ''}`);
    if (!answer) return;
    try {
      this.o.strays?.send(packError(ErrorCode.UNKNOWN_TID, 'Unknown transfer ID'), rinfo.port, rinfo.address, () => undefined);
    } catch {
      // the socket closed under us: the transfer is ending
    }
  }

  private get address(): string {
    return this.o.client.slice(0, this.o.client.lastIndexOf(':'));
  }

  private onAck(wire: number): void {
    if (this.awaitingOack) {
      if (wire !== 0) return;
      this.awaitingOack = false;
      this.timeouts = 0;
      return this.sendWindow();
    }
    const delta = (wire - (this.acked & 0xffff)) & 0xffff;
    if (delta === 0 || delta > this.highestSent - this.acked) return;
    this.acked += delta;
    this.timeouts = 0;
    if (this.acked === this.lastBlock) return this.finish();
    // After a resend, clients ACK the first duplicate that reaches them (atftp and U-Boot both do),
    // while the rest of the resent burst is still on its way. Resending those blocks again would
    // draw a duplicate ACK per window for the rest of the transfer: send what follows the burst.
    const inBurst = this.burstResent && this.acked >= this.burstFirst && this.acked < this.burstLast;
    this.sendWindow(inBurst ? this.burstLast + 1 : this.acked + 1);
  }

  private onTimeout(): void {
    if (this.over) return;
    if (++this.timeouts > this.o.retries) {
      const what = this.awaitingOack ? 'ACK 0 for the OACK' : `ACK for block ${this.acked + 1}`;
      return this.abort(`timed out: no ${what} after ${this.o.retries} retransmissions of ${this.o.timeoutMs} ms`);
    }
    if (this.awaitingOack && this.o.oack) {
      this.retransmits++;
      this.o.socket.send(this.o.oack);
      this.arm();
    } else this.sendWindow();
  }

  /**
   * Sends blocks from .. acked+windowsize from one buffer. The buffer is reused for the next
   * window when the kernel took every datagram at once (nothing left in the send queue, so no
   * packet refers to it any more): fresh buffers cost page faults, which dominate at large blksize.
   */
  private sendWindow(first = this.acked + 1): void {
    const { blksize, source, socket } = this.o;
    const last = Math.min(this.acked + this.o.windowsize, this.lastBlock);
    if (first > last) return this.arm(); // everything up to the window's end is already in flight
    const stride = 4 + blksize;
    const buf = this.spare ?? Buffer.allocUnsafe(this.o.windowsize * stride);
    try {
      for (let n = first; n <= last; n++) {
        const at = (n - first) * stride;
        const position = (n - 1) * blksize;
        const length = Math.max(0, Math.min(blksize, source.size - position));
        writeDataHeader(buf, at, n);
        if (length > 0) source.read(buf, at + 4, length, position);
        socket.send(at === 0 && 4 + length === buf.length ? buf : buf.subarray(at, at + 4 + length));
      }
    } catch (err) {
      return this.abort(`read error: ${(err as Error).message}`);
    }
    this.spare = socket.getSendQueueCount() === 0 ? buf : undefined;
    this.burstFirst = first;
    this.burstLast = last;
    this.burstResent = first <= this.highestSent;
    if (first <= this.highestSent) this.retransmits += Math.min(last, this.highestSent) - first + 1;
    this.highestSent = Math.max(this.highestSent, last);
    this.arm();
  }

  /**
   * Starts the retransmission clock. Called once per window, so instead of rescheduling a timer
   * each time it notes the time; the timer, when it fires early, waits for the remainder.
   */
  private arm(): void {
    this.sentAt = performance.now();
    this.timer ??= setTimeout(() => this.onTimer(), this.o.timeoutMs);
  }

  private onTimer(): void {
    const left = this.sentAt + this.o.timeoutMs - performance.now();
    if (left > 1) this.timer = setTimeout(() => this.onTimer(), left);
    else {
      this.timer = undefined;
      this.onTimeout();
    }
  }

  private stopTimers(): void {
    if (this.timer) clearTimeout(this.timer);
    clearTimeout(this.deadline);
  }

  /** Ends the transfer once; a final ERROR packet goes out before the socket closes. */
  private finish(error?: string, errorPacket?: Buffer): void {
    if (this.over) return;
    this.over = true;
    this.stopTimers();
    const { socket, strays, source, blksize } = this.o;
    const close = (s = socket) => {
      try {
        s.close();
      } catch {
        // already closed
      }
    };
    if (strays) close(strays);
    if (errorPacket) {
      try {
        socket.send(errorPacket, () => close());
      } catch {
        close();
      }
    } else close();
    void source.close().catch(() => {});
    this.resolve({
      file: this.o.file,
      bytes: error ? Math.min(this.acked * blksize, source.size) : source.size,
      ms: Math.round((performance.now() - this.o.startedAt) * 10) / 10,
      blksize,
      windowsize: this.o.windowsize,
      client: this.o.client,
      ok: !error,
      retransmits: this.retransmits,
      ...(error ? { error } : {}),
    });
  }
}

import dgram from 'node:dgram';
import { realpathSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { isIPv6 } from 'node:net';
import { HilError } from '../errors.ts';
import { MAX_TIMER_MS } from '../util/deadline.ts';
import { bind, bindError, transferSockets, type TransferSockets } from './bind.ts';
import { Admission, planMemory, type AdmissionStats, type Slot } from './limits.ts';
import { RateLimitedLog } from './log-limit.ts';
import { negotiate, type Negotiated } from './options.ts';
import { ErrorCode, Opcode, packError, packOack, parsePacket, type RequestPacket, TftpPacketError } from './packet.ts';
import { openUnderRoot, TftpRefusal } from './resolve.ts';
import { shown } from './shown.ts';
import { fileSource, netasciiLength, netasciiSource, type BlockSource } from './source.ts';
import { ReadTransfer, type TransferStats } from './transfer.ts';

export type { TransferStats } from './transfer.ts';

export interface TftpServerOptions {
  /** Directory served; only regular files whose real path is inside it are sent. */
  root: string;
  /** Address to listen on. Default 127.0.0.1. */
  host?: string;
  /** UDP port for requests. Default 69. 0 picks a free port (see listen()). */
  port?: number;
  /** Per-packet retransmission timeout; a client's `timeout` option overrides it. Default 1000. */
  timeoutMs?: number;
  /** Timeouts in a row before a transfer is aborted with an ERROR. Default 5. */
  retries?: number;
  /**
   * Transfers running at once, from all clients. Default 64: a lab serves a few boards, each
   * fetching one file at a time; 64 leaves room for parallel labs and benches while bounding the
   * sockets, timers and memory that a flood of requests can open.
   */
  maxTransfers?: number;
  /**
   * Transfers running at once to one client address, whatever its ports. Default 8: U-Boot
   * fetches one file at a time, a host fetching in parallel rarely needs more, and one address
   * cannot take every place of maxTransfers.
   */
  maxTransfersPerClient?: number;
  /**
   * Bytes that all transfers together may hold for their windows and read-ahead chunks. Default
   * 64 MiB: a transfer at the largest settings (blksize 65464, window 64) holds 5 MiB, so a dozen
   * run at full size. Past that the window, then the block size, of a new transfer is negotiated
   * down to what is left, and one that cannot get even a block is refused (planMemory, limits.ts):
   * a board is served more slowly rather than turned away while others hold the memory.
   */
  maxBufferBytes?: number;
  /**
   * The longest one transfer may run, in ms, before it is aborted with an ERROR. Default 600000
   * (10 min): hil's own budget for a fetch (tftpMsPerMiB in lab/limits.ts) reaches 10 min at
   * 2.3 GiB, more than any image a board boots; a client slower than that is stuck or hostile.
   */
  maxTransferMs?: number;
  /**
   * The largest `timeout` option (RFC 2349, in seconds) accepted from a client. Default 10: U-Boot
   * asks for 5; with `retries` 5 a silent client then holds its transfer for a minute at most, not
   * the 25 min that timeout=255 would. RFC 2349 lets the server only accept the value or leave it
   * out of the OACK, so a larger one is left out and timeoutMs applies.
   */
  maxClientTimeoutS?: number;
  /**
   * Lines a second about refusals and malformed or stray packets from one client address; the
   * rest are counted and said in one line. Default 5: a misconfigured board is seen at once, a
   * flood does not fill the terminal or the run's tftp.log.
   */
  warnLinesPerClient?: number;
  /** The same, from all addresses together. Default 50: forged source addresses cost nothing on a LAN. */
  warnLinesTotal?: number;
  /** Finished transfers kept in `transfers`. Default 1000; `stats()` counts them all. */
  recentTransfers?: number;
  onTransfer?: (stats: TransferStats) => void;
  onStart?: (file: string, client: string) => void;
  /** Transfers started and ended, and the server's own events. */
  log?: (line: string) => void;
  /** Refusals and malformed or stray packets, rate-limited (warnLinesPerClient). Default: `log`. */
  warn?: (line: string) => void;
}

type Defaulted = Required<Omit<TftpServerOptions, 'root' | 'onTransfer' | 'onStart' | 'log' | 'warn'>>;

/** What each option is when not given; the reasons are on TftpServerOptions. */
export const TFTP_SERVER_DEFAULTS: Readonly<Defaulted> = {
  host: '127.0.0.1',
  port: 69,
  timeoutMs: 1000,
  retries: 5,
  maxTransfers: 64,
  maxTransfersPerClient: 8,
  maxBufferBytes: 64 << 20,
  maxTransferMs: 600_000,
  maxClientTimeoutS: 10,
  warnLinesPerClient: 5,
  warnLinesTotal: 50,
  recentTransfers: 1000,
};

type Settings = Defaulted & TftpServerOptions & { log: (line: string) => void };

/** Counts since the server was made, and what its transfers hold now. */
export interface TftpServerStats extends AdmissionStats {
  done: number;
  failed: number;
  /** Requests answered with an ERROR instead of a transfer (limits, names, modes, WRQ). */
  refused: number;
  /** Datagrams to the request port that are not TFTP packets. */
  malformed: number;
}

/** A read-only TFTP server (RFC 1350, 2347, 2348, 2349, 7440); each transfer has its own socket. */
export class TftpServer {
  /** The most recent finished transfers (recentTransfers of them), in the order they ended. */
  readonly transfers: TransferStats[] = [];
  private readonly o: Settings;
  private readonly admission: Admission;
  private readonly warnings: RateLimitedLog;
  private readonly counts = { done: 0, failed: 0, refused: 0, malformed: 0 };
  private socket?: dgram.Socket;
  private root = '';
  /** Keyed by client address:port, so a retransmitted RRQ does not start a second transfer. */
  private readonly active = new Map<string, ReadTransfer | 'opening'>();
  private readonly pending = new Set<Promise<unknown>>();
  private closing = false;

  constructor(opts: TftpServerOptions) {
    // An option given as undefined takes its default, as when left out.
    const given = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) as TftpServerOptions;
    this.o = { ...TFTP_SERVER_DEFAULTS, log: () => {}, ...given };
    checkLimits(this.o);
    this.admission = new Admission(this.o);
    const warn = opts.warn ?? this.o.log;
    this.warnings = new RateLimitedLog({ perAddress: this.o.warnLinesPerClient, total: this.o.warnLinesTotal, write: warn });
  }

  /** Binds the request port; rejects with a HilError that says why when it cannot. */
  async listen(): Promise<{ address: string; port: number }> {
    try {
      this.root = realpathSync(this.o.root);
    } catch (err) {
      throw new HilError(`TFTP root '${this.o.root}' cannot be used: ${(err as Error).message}`, { code: 'TFTP_ROOT', cause: err });
    }
    const socket = dgram.createSocket(isIPv6(this.o.host) ? 'udp6' : 'udp4');
    await bind(socket, this.o.port, this.o.host).catch((err: NodeJS.ErrnoException) => {
      throw bindError(err, this.o.host, this.o.port);
    });
    socket.on('error', (err) => this.o.log(`tftp: request socket error: ${err.message}`));
    socket.on('message', (msg, rinfo) => this.onRequest(msg, rinfo));
    this.socket = socket;
    const { address, port } = socket.address();
    this.o.log(`tftp: serving ${this.root} on ${address}:${port}`);
    return { address, port };
  }

  /** Stops accepting requests, aborts transfers in progress (they are recorded as failed). */
  async close(): Promise<void> {
    this.closing = true;
    const socket = this.socket;
    this.socket = undefined;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
    for (const t of this.active.values()) if (t !== 'opening') t.abort('TFTP server shutting down');
    await Promise.all([...this.pending]);
    this.warnings.flush();
  }

  stats(): TftpServerStats {
    return { ...this.admission.stats(), ...this.counts };
  }

  private warn(address: string, line: string): void {
    this.warnings.line(address, line);
  }

  private onRequest(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    const client = `${rinfo.address}:${rinfo.port}`;
    // Port 0 cannot be answered (dgram throws on it, synchronously): one such datagram from the LAN
    // must not take the server, and the run holding the board's power, down with it.
    if (rinfo.port === 0) return this.warn(rinfo.address, `tftp: ${client}: dropped a datagram from source port 0`);
    let packet;
    try {
      packet = parsePacket(msg);
    } catch (err) {
      if (!(err instanceof TftpPacketError)) throw err;
      this.counts.malformed++;
      // An ERROR is never answered with an ERROR: two peers could answer each other for ever.
      const answer = msg.length < 2 || msg.readUInt16BE(0) !== Opcode.ERROR;
      this.warn(rinfo.address, `tftp: ${client}: malformed request: ${err.message}${answer ? '' : ' (not answered)'}`);
      if (answer) this.reply(rinfo, ErrorCode.ILLEGAL_OPERATION, `Illegal TFTP operation: ${err.message}`);
      return;
    }
    if (packet.op === Opcode.WRQ) {
      return this.refuse(rinfo, packet, new TftpRefusal(ErrorCode.ACCESS_VIOLATION, 'Access violation: this TFTP server is read-only'));
    }
    if (packet.op !== Opcode.RRQ) {
      if (packet.op === Opcode.ERROR) return;
      this.warn(rinfo.address, `tftp: ${client}: opcode ${packet.op} sent to the request port`);
      return this.reply(rinfo, ErrorCode.ILLEGAL_OPERATION, `Illegal TFTP operation: opcode ${packet.op} sent to the request port`);
    }
    if (this.active.has(client)) return; // a retransmitted RRQ: the running transfer resends by itself
    const slot = this.admission.enter(rinfo.address);
    if (typeof slot === 'string') return this.refuse(rinfo, packet, new TftpRefusal(ErrorCode.UNDEFINED, slot));
    this.active.set(client, 'opening');
    const run = this.serve(packet, rinfo, client, slot)
      .catch((err) => {
        const refusal = err instanceof TftpRefusal ? err : new TftpRefusal(ErrorCode.UNDEFINED, `Server error: ${(err as Error).message}`);
        this.refuse(rinfo, packet, refusal);
      })
      .finally(() => {
        slot.release();
        this.active.delete(client);
        this.pending.delete(run);
      });
    this.pending.add(run);
  }

  /**
   * One line (rate-limited) and the ERROR. Refusals for a busy server use code 0, not 1 or 2:
   * U-Boot gives up on "file not found" and "access violation" but starts again on any other code.
   */
  private refuse(rinfo: dgram.RemoteInfo, req: RequestPacket, refusal: TftpRefusal): void {
    this.counts.refused++;
    const what = req.op === Opcode.WRQ ? 'WRQ' : 'RRQ';
    this.warn(rinfo.address, `tftp: ${rinfo.address}:${rinfo.port} ${what} '${shown(req.filename)}' refused: ${refusal.message}`);
    this.reply(rinfo, refusal.code, refusal.message);
  }

  private reply(rinfo: dgram.RemoteInfo, code: number, text: string): void {
    try {
      this.socket?.send(packError(code, text), rinfo.port, rinfo.address, () => undefined);
    } catch (err) {
      this.o.log(`tftp: ${rinfo.address}:${rinfo.port}: could not answer: ${(err as Error).message}`);
    }
  }

  private async serve(req: RequestPacket, rinfo: dgram.RemoteInfo, client: string, slot: Slot): Promise<void> {
    const startedAt = performance.now();
    const { source, n } = await this.openSource(req, client, slot);
    let sockets: TransferSockets;
    try {
      sockets = await transferSockets(this.o.host, rinfo);
    } catch (err) {
      await source.close();
      throw err;
    }
    const transfer = new ReadTransfer({
      ...sockets, source, client, startedAt, file: req.filename,
      blksize: n.blksize, windowsize: n.windowsize, timeoutMs: n.timeoutMs, retries: this.o.retries,
      maxMs: this.o.maxTransferMs, oack: n.oack && packOack(n.oack),
      log: this.o.log, warn: (address, line) => this.warn(address, line),
    });
    this.active.set(client, transfer);
    this.hook('onStart', () => this.o.onStart?.(req.filename, client));
    this.o.log(`tftp: ${client} RRQ '${shown(req.filename)}' ${req.mode} ${source.size} B blksize ${n.blksize} window ${n.windowsize}`);
    transfer.start();
    if (this.closing) transfer.abort('TFTP server shutting down');
    const stats = await transfer.finished;
    this.record(stats);
    this.o.log(`tftp: ${client} '${shown(stats.file)}' ${stats.ok ? 'done' : `FAILED (${stats.error})`} ${stats.bytes} B in ${stats.ms} ms`);
    this.hook('onTransfer', () => this.o.onTransfer?.(stats));
  }

  /** The file to send and the options to send it with, fitted into the memory left (planMemory). */
  private async openSource(req: RequestPacket, client: string, slot: Slot): Promise<{ source: BlockSource; n: Negotiated }> {
    if (req.mode !== 'octet' && req.mode !== 'netascii') {
      throw new TftpRefusal(ErrorCode.ILLEGAL_OPERATION, `Illegal TFTP operation: transfer mode '${shown(req.mode)}' is not supported (use octet)`);
    }
    const file = await openUnderRoot(this.root, req.filename);
    try {
      const size = req.mode === 'netascii' ? await this.netasciiSize(file, req.filename, slot) : file.size;
      const asked = negotiate(req.options, { size, timeoutMs: this.o.timeoutMs, maxTimeoutS: this.o.maxClientTimeoutS });
      const plan = planMemory(asked, size, slot.available());
      if (!plan || !slot.reserve(plan.bytes)) throw this.outOfMemory();
      const n = plan.negotiated;
      if (n !== asked) this.o.log(`tftp: ${client}: blksize ${asked.blksize}/window ${asked.windowsize} lowered to ${n.blksize}/${n.windowsize}: the memory for transfers is in use`);
      const source = req.mode === 'octet'
        ? fileSource(file.fd, size, req.filename, plan.chunkBytes)
        : netasciiSource(file.fd, file.size, size, req.filename, plan.chunkBytes);
      return { source, n };
    } catch (err) {
      await file.fd.close();
      throw err;
    }
  }

  /**
   * The netascii length, counted through a buffer held from the same budget. 64 KiB: the count
   * costs a thread-pool round trip per piece (~0.1 s for 64 MiB), and a fresh MiB per request
   * would be churn for the allocator when many ask at once.
   */
  private async netasciiSize(file: { fd: FileHandle; size: number }, name: string, slot: Slot): Promise<number> {
    const bytes = Math.min(file.size, 64 << 10);
    if (!slot.reserve(bytes)) throw this.outOfMemory();
    try {
      return await netasciiLength(file.fd, file.size, name, Buffer.allocUnsafe(bytes));
    } finally {
      slot.free(bytes);
    }
  }

  private outOfMemory(): TftpRefusal {
    const mib = Math.round((this.o.maxBufferBytes / 1048576) * 10) / 10;
    return new TftpRefusal(ErrorCode.UNDEFINED, `Server busy: the ${mib} MiB it holds for transfers are in use; try again later`);
  }

  private record(stats: TransferStats): void {
    this.counts[stats.ok ? 'done' : 'failed']++;
    this.transfers.push(stats);
    if (this.transfers.length > this.o.recentTransfers) this.transfers.splice(0, this.transfers.length - this.o.recentTransfers);
  }

  /** A throwing hook is the caller's bug; it must not break the transfer or the server. */
  private hook(name: string, call: () => void): void {
    try {
      call();
    } catch (err) {
      this.o.log(`tftp: ${name} hook threw: ${(err as Error).message}`);
    }
  }
}

/** Limits must be whole numbers a timer can hold; anything else is a mistake of the caller's. */
function checkLimits(o: Settings): void {
  const at = (name: Exclude<keyof Defaulted, 'host'>, least: number, most = Number.MAX_SAFE_INTEGER) => {
    const value = o[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < least || value > most) {
      throw new HilError(`TFTP server option ${name}: expected a whole number from ${least} to ${most}, got ${String(value)}`, { code: 'TFTP_OPTIONS' });
    }
  };
  at('port', 0, 65535);
  at('timeoutMs', 1, MAX_TIMER_MS);
  at('retries', 0, 1000);
  at('maxTransfers', 1);
  at('maxTransfersPerClient', 1);
  at('maxBufferBytes', 1);
  at('maxTransferMs', 1, MAX_TIMER_MS);
  at('maxClientTimeoutS', 1, 255);
  at('warnLinesPerClient', 0);
  at('warnLinesTotal', 0);
  at('recentTransfers', 0);
}

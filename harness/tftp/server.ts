import dgram from 'node:dgram';
import { realpathSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { HilError } from '../errors.ts';
import { bind, bindError } from './bind.ts';
import { negotiate } from './options.ts';
import { ErrorCode, Opcode, packError, packOack, parsePacket, type RequestPacket, TftpPacketError } from './packet.ts';
import { openUnderRoot, TftpRefusal } from './resolve.ts';
import { bufferSource, fileSource, toNetascii, type BlockSource } from './source.ts';
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
  onTransfer?: (stats: TransferStats) => void;
  onStart?: (file: string, client: string) => void;
  log?: (line: string) => void;
}

/** A read-only TFTP server (RFC 1350, 2347, 2348, 2349, 7440); each transfer has its own socket. */
export class TftpServer {
  /** Every finished transfer, in the order they ended. */
  readonly transfers: TransferStats[] = [];
  private readonly o: Required<Omit<TftpServerOptions, 'onTransfer' | 'onStart'>> & TftpServerOptions;
  private socket?: dgram.Socket;
  private root = '';
  /** Keyed by client address:port, so a retransmitted RRQ does not start a second transfer. */
  private readonly active = new Map<string, ReadTransfer | 'opening'>();
  private readonly pending = new Set<Promise<unknown>>();
  private closing = false;

  constructor(opts: TftpServerOptions) {
    this.o = {
      ...opts,
      host: opts.host ?? '127.0.0.1',
      port: opts.port ?? 69,
      timeoutMs: opts.timeoutMs ?? 1000,
      retries: opts.retries ?? 5,
      log: opts.log ?? (() => {}),
    };
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
  }

  private onRequest(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    const client = `${rinfo.address}:${rinfo.port}`;
    // Port 0 cannot be answered (dgram throws on it, synchronously): one such datagram from the LAN
    // must not take the server, and the run holding the board's power, down with it.
    if (rinfo.port === 0) return void this.o.log(`tftp: ${client}: dropped a datagram from source port 0`);
    const reply = (code: number, text: string) => {
      try {
        this.socket?.send(packError(code, text), rinfo.port, rinfo.address, () => undefined);
      } catch (err) {
        this.o.log(`tftp: ${client}: could not answer: ${(err as Error).message}`);
      }
    };
    let packet;
    try {
      packet = parsePacket(msg);
    } catch (err) {
      if (!(err instanceof TftpPacketError)) throw err;
      this.o.log(`tftp: ${client}: malformed request: ${err.message}`);
      if (msg.length < 2 || msg.readUInt16BE(0) !== Opcode.ERROR) reply(ErrorCode.ILLEGAL_OPERATION, `Illegal TFTP operation: ${err.message}`);
      return;
    }
    if (packet.op === Opcode.WRQ) return void reply(ErrorCode.ACCESS_VIOLATION, 'Access violation: this TFTP server is read-only');
    if (packet.op !== Opcode.RRQ) {
      if (packet.op !== Opcode.ERROR) reply(ErrorCode.ILLEGAL_OPERATION, `Illegal TFTP operation: opcode ${packet.op} sent to the request port`);
      return;
    }
    if (this.active.has(client)) return; // a retransmitted RRQ: the running transfer resends by itself
    this.active.set(client, 'opening');
    const run = this.serve(packet, rinfo, client)
      .catch((err) => {
        const refusal = err instanceof TftpRefusal ? err : new TftpRefusal(ErrorCode.UNDEFINED, `Server error: ${(err as Error).message}`);
        this.o.log(`tftp: ${client} '${packet.filename}' refused: ${refusal.message}`);
        reply(refusal.code, refusal.message);
      })
      .finally(() => {
        this.active.delete(client);
        this.pending.delete(run);
      });
    this.pending.add(run);
  }

  private async serve(req: RequestPacket, rinfo: dgram.RemoteInfo, client: string): Promise<void> {
    const startedAt = performance.now();
    if (req.mode !== 'octet' && req.mode !== 'netascii') {
      throw new TftpRefusal(ErrorCode.ILLEGAL_OPERATION, `Illegal TFTP operation: transfer mode '${req.mode}' is not supported (use octet)`);
    }
    const source = await this.openSource(req);
    const n = negotiate(req.options, source.size, this.o.timeoutMs);
    const socket = dgram.createSocket(isIPv6(rinfo.address) ? 'udp6' : 'udp4');
    try {
      await bind(socket, 0, this.o.host);
      await new Promise<void>((resolve) => socket.connect(rinfo.port, rinfo.address, resolve));
    } catch (err) {
      await source.close();
      throw err;
    }
    socket.on('error', (err) => this.o.log(`tftp: ${client}: ${err.message}`));
    const transfer = new ReadTransfer({
      socket, source, client, startedAt, log: this.o.log, file: req.filename,
      blksize: n.blksize, windowsize: n.windowsize, timeoutMs: n.timeoutMs, retries: this.o.retries,
      oack: n.oack && packOack(n.oack),
    });
    this.active.set(client, transfer);
    this.hook('onStart', () => this.o.onStart?.(req.filename, client));
    this.o.log(`tftp: ${client} RRQ '${req.filename}' ${req.mode} ${source.size} B blksize ${n.blksize} window ${n.windowsize}`);
    transfer.start();
    if (this.closing) transfer.abort('TFTP server shutting down');
    const stats = await transfer.finished;
    this.transfers.push(stats);
    this.o.log(`tftp: ${client} '${stats.file}' ${stats.ok ? 'done' : `FAILED (${stats.error})`} ${stats.bytes} B in ${stats.ms} ms`);
    this.hook('onTransfer', () => this.o.onTransfer?.(stats));
  }

  /** A throwing hook is the caller's bug; it must not break the transfer or the server. */
  private hook(name: string, call: () => void): void {
    try {
      call();
    } catch (err) {
      this.o.log(`tftp: ${name} hook threw: ${(err as Error).message}`);
    }
  }

  private async openSource(req: RequestPacket): Promise<BlockSource> {
    const { fd, size } = await openUnderRoot(this.root, req.filename);
    if (req.mode === 'octet') return fileSource(fd, size, req.filename);
    try {
      return bufferSource(toNetascii(await fd.readFile()));
    } finally {
      await fd.close();
    }
  }
}

import dgram from 'node:dgram';

/** One-shot faults, each applied to the first matching packet only. Block numbers are as on the wire. */
export interface ProxyFaults {
  /** Drop the first DATA packet with this block number. */
  dropData?: number;
  /** Drop the first ACK with this block number. */
  dropAck?: number;
  /** Forward the first ACK with this block number twice. */
  duplicateAck?: number;
}

interface Session {
  client: dgram.RemoteInfo;
  /** Talks to the server, from one port per client like the client itself. */
  upstream: dgram.Socket;
  /** Talks to the client from its own port, mirroring the server's per-transfer TID. */
  downstream?: dgram.Socket;
  serverTid?: number;
}

/**
 * A UDP relay on loopback between TFTP clients and a server, able to drop or duplicate chosen
 * packets. The server answers each RRQ from a new port (its TID), so the relay opens a matching
 * port toward the client and sends the client's later packets to the server's TID.
 */
export class LossyProxy {
  /** DATA packets forwarded to clients, and ACKs forwarded to the server. */
  readonly counts = { data: 0, acks: 0, droppedData: 0, droppedAcks: 0 };
  /** Milliseconds from dropping the DATA block until it was forwarded again. */
  recoveryMs?: number;
  private droppedAt?: number;
  private recoveryBlock?: number;
  private readonly front = dgram.createSocket('udp4');
  private readonly sessions = new Map<string, Session>();
  private readonly faults: ProxyFaults;

  constructor(
    private readonly server: { address: string; port: number },
    faults: ProxyFaults = {},
  ) {
    this.faults = { ...faults };
  }

  async listen(): Promise<number> {
    this.front.on('error', () => {});
    this.front.on('message', (msg, rinfo) => this.fromClient(msg, rinfo));
    await new Promise<void>((resolve) => this.front.bind(0, '127.0.0.1', resolve));
    return this.front.address().port;
  }

  async close(): Promise<void> {
    const sockets = [this.front, ...[...this.sessions.values()].flatMap((s) => [s.upstream, s.downstream ?? []].flat())];
    await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    this.sessions.clear();
  }

  private session(client: dgram.RemoteInfo): Session {
    const key = `${client.address}:${client.port}`;
    let s = this.sessions.get(key);
    if (!s) {
      const session: Session = { client, upstream: dgram.createSocket('udp4') };
      session.upstream.on('error', () => {});
      session.upstream.on('message', (msg, rinfo) => this.fromServer(session, msg, rinfo));
      session.upstream.bind(0, '127.0.0.1');
      this.sessions.set(key, (s = session));
    }
    return s;
  }

  private fromClient(msg: Buffer, rinfo: dgram.RemoteInfo, session = this.session(rinfo)): void {
    const port = session.serverTid ?? this.server.port;
    if (opcode(msg) === 4) {
      const block = msg.readUInt16BE(2);
      if (block === this.faults.dropAck) {
        this.faults.dropAck = undefined;
        this.counts.droppedAcks++;
        return;
      }
      if (block === this.faults.duplicateAck) {
        this.faults.duplicateAck = undefined;
        this.counts.acks++;
        session.upstream.send(msg, port, this.server.address);
      }
      this.counts.acks++;
    }
    session.upstream.send(msg, port, this.server.address);
  }

  private fromServer(session: Session, msg: Buffer, rinfo: dgram.RemoteInfo): void {
    if (opcode(msg) === 3) {
      const block = msg.readUInt16BE(2);
      if (block === this.faults.dropData) {
        this.faults.dropData = undefined;
        this.counts.droppedData++;
        this.droppedAt = performance.now();
        this.recoveryBlock = block;
        return;
      }
      if (block === this.recoveryBlock && this.droppedAt !== undefined) {
        this.recoveryMs = performance.now() - this.droppedAt;
        this.recoveryBlock = undefined;
      }
      this.counts.data++;
    }
    // Answers from the request port (errors to a request) come back from the proxy's request port.
    if (rinfo.port === this.server.port) return void this.front.send(msg, session.client.port, session.client.address);
    if (!session.downstream) {
      session.serverTid = rinfo.port;
      const down = (session.downstream = dgram.createSocket('udp4'));
      down.on('error', () => {});
      down.on('message', (m, r) => this.fromClient(m, r, session));
      down.bind(0, '127.0.0.1'); // sends made while binding are queued by dgram, in order
    }
    session.downstream.send(msg, session.client.port, session.client.address);
  }
}

const opcode = (msg: Buffer) => (msg.length >= 4 ? msg.readUInt16BE(0) : -1);

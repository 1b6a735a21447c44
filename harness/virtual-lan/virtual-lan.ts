import dgram from 'node:dgram';
import net from 'node:net';
import { HilError } from '../errors.ts';
import * as f from './frames.ts';
import { FrameBatcher, FrameReader } from './stream-framing.ts';

export interface VirtualLanOptions {
  /** The lab host's address on the LAN: what U-Boot knows as serverip. */
  hostIp: string;
  /** Where the lab host's UDP services really listen (e.g. our TFTP server). Default 127.0.0.1. */
  forwardHost?: string;
  /** Idle guest flows are forgotten after this long. Default 60 s. */
  flowIdleMs?: number;
  log?: (line: string) => void;
  /** Fault injection: given each frame's number (from 1) on its way to the board, true loses it. */
  loseFrame?: (n: number) => boolean;
}

/** A locally administered MAC for the lab host. */
const HOST_MAC = Buffer.from([0x02, 0x68, 0x69, 0x6c, 0x00, 0x02]);

interface Flow {
  socket: dgram.Socket;
  guestIp: string;
  guestPort: number;
  lastUsed: number;
}

/**
 * The virtual board's lab network: QEMU's NIC connects to this end over loopback TCP
 * (`-netdev socket,connect=`, length-prefixed Ethernet frames), and this end plays the lab host.
 * It answers ARP and ping for `hostIp` and forwards UDP for it to real sockets on this machine,
 * one host socket per guest flow, so the TFTP server sees an ordinary client and its per-transfer
 * port (TID) works as on a real LAN.
 * (QEMU's user networking cannot do this: it keeps port 69 of its host address for its own TFTP server.)
 * A stream rather than one UDP datagram per frame: the frames of a TFTP window reach QEMU in one
 * write, so QEMU wakes once per window instead of once per frame (measured by bench/boot.ts).
 */
export class VirtualLan {
  private server?: net.Server;
  /** QEMU's connection; a power cycle replaces it. */
  private link?: net.Socket;
  private readonly outbox = new FrameBatcher((records) => {
    if (this.link?.writable) this.link.write(records);
  });
  private guestMac?: Buffer;
  private readonly flows = new Map<string, Flow>();
  private sweeper?: NodeJS.Timeout;
  private port = 0;
  /** Frames sent to the board, and of those, lost on purpose (loseFrame). */
  readonly counts = { toBoard: 0, lost: 0 };

  constructor(private readonly options: VirtualLanOptions) {}

  /** QEMU options for a NIC on this LAN. */
  /** The QEMU netdev of the board's NIC: a socket to this LAN. */
  netdev(): string {
    if (!this.port) throw new HilError('virtual LAN not started');
    return `socket,connect=127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = net.createServer((socket) => this.attach(socket));
    server.on('error', (err) => this.options.log?.(`virtual LAN: ${err.message}`));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
    this.sweeper = setInterval(() => this.sweep(), 5000).unref();
  }

  stop(): void {
    clearInterval(this.sweeper);
    for (const flow of this.flows.values()) flow.socket.close();
    this.flows.clear();
    this.link?.destroy();
    this.link = undefined;
    this.server?.close();
    this.server = undefined;
  }

  private attach(socket: net.Socket): void {
    this.link?.destroy();
    this.link = socket;
    this.outbox.clear();
    socket.setNoDelay(true);
    const reader = new FrameReader();
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const frame of reader.push(chunk)) this.receive(frame);
      } catch (err) {
        this.options.log?.(`virtual LAN: dropping QEMU's connection: ${(err as Error).message}`);
        socket.destroy();
      }
    });
    socket.on('error', (err) => this.options.log?.(`virtual LAN: ${err.message}`));
    socket.on('close', () => {
      if (this.link === socket) this.link = undefined;
    });
  }

  private receive(frame: Buffer): void {
    const eth = f.parseEthernet(frame);
    if (!eth) return;
    if (eth.type === f.ETHERTYPE_ARP) {
      const arp = f.parseArp(eth.payload);
      if (arp?.op === 1 && arp.targetIp === this.options.hostIp) {
        this.send(eth.src, f.ETHERTYPE_ARP, f.packArpReply(HOST_MAC, this.options.hostIp, arp.senderMac, arp.senderIp));
      }
      return;
    }
    if (eth.type !== f.ETHERTYPE_IPV4) return;
    const ip = f.parseIpv4(eth.payload);
    if (!ip || ip.dst !== this.options.hostIp) return;
    this.guestMac = Buffer.from(eth.src);
    if (ip.protocol === f.IPPROTO_ICMP) {
      const reply = f.icmpEchoReply(ip.payload);
      if (reply) this.send(eth.src, f.ETHERTYPE_IPV4, f.packIpv4(f.IPPROTO_ICMP, ip.dst, ip.src, reply));
    } else if (ip.protocol === f.IPPROTO_UDP) {
      const udp = f.parseUdp(ip.payload);
      if (udp) this.flow(ip.src, udp.srcPort).socket.send(udp.payload, udp.dstPort, this.options.forwardHost ?? '127.0.0.1');
    }
  }

  /** The host socket that stands for one guest (address, port). */
  private flow(guestIp: string, guestPort: number): Flow {
    const key = `${guestIp}:${guestPort}`;
    let flow = this.flows.get(key);
    if (!flow) {
      const socket = dgram.createSocket('udp4');
      const created: Flow = { socket, guestIp, guestPort, lastUsed: 0 };
      socket.on('message', (payload, rinfo) => this.fromHost(created, payload, rinfo.port));
      socket.on('error', (err) => this.options.log?.(`virtual LAN flow ${key}: ${err.message}`));
      socket.bind(0, '127.0.0.1');
      this.flows.set(key, (flow = created));
    }
    flow.lastUsed = performance.now();
    return flow;
  }

  private fromHost(flow: Flow, payload: Buffer, fromPort: number): void {
    flow.lastUsed = performance.now();
    if (!this.guestMac) return;
    if (payload.length > f.MAX_UDP_PAYLOAD) {
      this.options.log?.(`virtual LAN: dropped a ${payload.length}-byte datagram (over the ${f.ETHERNET_MTU}-byte MTU; no fragmentation)`);
      return;
    }
    const udp = f.packUdp(fromPort, flow.guestPort, payload);
    this.send(this.guestMac, f.ETHERTYPE_IPV4, f.packIpv4(f.IPPROTO_UDP, this.options.hostIp, flow.guestIp, udp));
  }

  private send(to: Buffer, type: number, payload: Buffer): void {
    if (!this.link) return;
    if (this.options.loseFrame?.(++this.counts.toBoard)) {
      this.counts.lost++;
      return;
    }
    this.outbox.send(f.packEthernet(to, HOST_MAC, type, payload));
  }

  private sweep(): void {
    const idle = this.options.flowIdleMs ?? 60000;
    for (const [key, flow] of this.flows) {
      if (performance.now() - flow.lastUsed > idle) {
        flow.socket.close();
        this.flows.delete(key);
      }
    }
  }
}

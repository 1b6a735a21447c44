/**
 * The few Ethernet, ARP, IPv4, UDP and ICMP packets the virtual LAN needs, packed and parsed.
 * IPv4 without options or fragments; UDP checksums are sent as 0 (allowed for IPv4, RFC 768).
 */
export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const IPPROTO_ICMP = 1;
export const IPPROTO_UDP = 17;
const ETH_HEADER = 14;
const IP_HEADER = 20;

export type Mac = Buffer;

export interface EthernetFrame {
  dst: Mac;
  src: Mac;
  type: number;
  payload: Buffer;
}

export function parseEthernet(frame: Buffer): EthernetFrame | undefined {
  if (frame.length < ETH_HEADER) return undefined;
  return { dst: frame.subarray(0, 6), src: frame.subarray(6, 12), type: frame.readUInt16BE(12), payload: frame.subarray(ETH_HEADER) };
}

export function packEthernet(dst: Mac, src: Mac, type: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(ETH_HEADER);
  dst.copy(header, 0);
  src.copy(header, 6);
  header.writeUInt16BE(type, 12);
  return Buffer.concat([header, payload]);
}

/**
 * ARP for IPv4 over Ethernet (RFC 826):
 *  htype(2)=1 ptype(2)=0x0800 hlen(1)=6 plen(1)=4 op(2) sha(6) spa(4) tha(6) tpa(4)
 */
export interface ArpPacket {
  op: number;
  senderMac: Mac;
  senderIp: string;
  targetIp: string;
}

export function parseArp(p: Buffer): ArpPacket | undefined {
  if (p.length < 28 || p.readUInt16BE(0) !== 1 || p.readUInt16BE(2) !== ETHERTYPE_IPV4) return undefined;
  return { op: p.readUInt16BE(6), senderMac: p.subarray(8, 14), senderIp: ipToString(p, 14), targetIp: ipToString(p, 24) };
}

export function packArpReply(ourMac: Mac, ourIp: string, toMac: Mac, toIp: string): Buffer {
  const p = Buffer.alloc(28);
  p.writeUInt16BE(1, 0);
  p.writeUInt16BE(ETHERTYPE_IPV4, 2);
  p[4] = 6;
  p[5] = 4;
  p.writeUInt16BE(2, 6);
  ourMac.copy(p, 8);
  ipToBuffer(ourIp).copy(p, 14);
  toMac.copy(p, 18);
  ipToBuffer(toIp).copy(p, 24);
  return p;
}

export interface Ipv4Packet {
  protocol: number;
  src: string;
  dst: string;
  payload: Buffer;
}

/** Parses an unfragmented IPv4 packet; fragments and bad headers give undefined. */
export function parseIpv4(p: Buffer): Ipv4Packet | undefined {
  if (p.length < IP_HEADER || p[0] >> 4 !== 4) return undefined;
  const headerLength = (p[0] & 0x0f) * 4;
  const total = p.readUInt16BE(2);
  const fragmented = (p.readUInt16BE(6) & 0x3fff) !== 0;
  if (headerLength < IP_HEADER || total > p.length || total < headerLength || fragmented) return undefined;
  return { protocol: p[9], src: ipToString(p, 12), dst: ipToString(p, 16), payload: p.subarray(headerLength, total) };
}

let identification = 0;
export function packIpv4(protocol: number, src: string, dst: string, payload: Buffer): Buffer {
  const h = Buffer.alloc(IP_HEADER);
  h[0] = 0x45;
  h.writeUInt16BE(IP_HEADER + payload.length, 2);
  h.writeUInt16BE((identification = (identification + 1) & 0xffff), 4);
  h.writeUInt16BE(0x4000, 6); // don't fragment
  h[8] = 64;
  h[9] = protocol;
  ipToBuffer(src).copy(h, 12);
  ipToBuffer(dst).copy(h, 16);
  h.writeUInt16BE(internetChecksum(h), 10);
  return Buffer.concat([h, payload]);
}

export interface UdpDatagram {
  srcPort: number;
  dstPort: number;
  payload: Buffer;
}

export function parseUdp(p: Buffer): UdpDatagram | undefined {
  if (p.length < 8) return undefined;
  const length = p.readUInt16BE(4);
  if (length < 8 || length > p.length) return undefined;
  return { srcPort: p.readUInt16BE(0), dstPort: p.readUInt16BE(2), payload: p.subarray(8, length) };
}

export function packUdp(srcPort: number, dstPort: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16BE(srcPort, 0);
  h.writeUInt16BE(dstPort, 2);
  h.writeUInt16BE(8 + payload.length, 4);
  return Buffer.concat([h, payload]);
}

/** An ICMP echo request turned into its reply (type 8 → 0), or undefined for anything else. */
export function icmpEchoReply(p: Buffer): Buffer | undefined {
  if (p.length < 8 || p[0] !== 8) return undefined;
  const reply = Buffer.from(p);
  reply[0] = 0;
  reply.writeUInt16BE(0, 2);
  reply.writeUInt16BE(internetChecksum(reply), 2);
  return reply;
}

/** RFC 1071 ones' complement sum. */
export function internetChecksum(data: Buffer): number {
  let sum = 0;
  for (let i = 0; i + 1 < data.length; i += 2) sum += data.readUInt16BE(i);
  if (data.length % 2) sum += data[data.length - 1] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

export function ipToString(b: Buffer, at: number): string {
  return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
}

export function ipToBuffer(ip: string): Buffer {
  return Buffer.from(ip.split('.').map(Number));
}

export const ETHERNET_MTU = 1500;
export const MAX_UDP_PAYLOAD = ETHERNET_MTU - IP_HEADER - 8;

import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import * as f from '../../harness/virtual-lan/frames.ts';
import { VirtualLan } from '../../harness/virtual-lan/virtual-lan.ts';
import { FakeNic } from './fake-nic.ts';

const HOST_IP = '10.0.2.2';
const GUEST_IP = '10.0.2.15';
const GUEST_MAC = Buffer.from([0x52, 0x54, 0x00, 0x12, 0x34, 0x56]);
const BROADCAST = Buffer.alloc(6, 0xff);

function arpRequest(targetIp: string): Buffer {
  const p = f.packArpReply(GUEST_MAC, GUEST_IP, Buffer.alloc(6), targetIp);
  p.writeUInt16BE(1, 6); // op: request
  return f.packEthernet(BROADCAST, GUEST_MAC, f.ETHERTYPE_ARP, p);
}

function udpFrame(dstPort: number, payload: Buffer, srcPort = 2000): Buffer {
  const ip = f.packIpv4(f.IPPROTO_UDP, GUEST_IP, HOST_IP, f.packUdp(srcPort, dstPort, payload));
  return f.packEthernet(BROADCAST, GUEST_MAC, f.ETHERTYPE_IPV4, ip);
}

/** The UDP datagram in a frame the LAN sent to the guest, if it is one. */
function udpOf(frame: Buffer): { ip: f.Ipv4Packet; udp: f.UdpDatagram } | undefined {
  const eth = f.parseEthernet(frame);
  const ip = eth?.type === f.ETHERTYPE_IPV4 ? f.parseIpv4(eth.payload) : undefined;
  return ip?.protocol === f.IPPROTO_UDP ? { ip, udp: f.parseUdp(ip.payload)! } : undefined;
}

/** A loopback UDP server that answers each datagram with `count` numbered replies at once. */
async function burstServer(count: number): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  s.on('message', (msg, rinfo) => {
    for (let i = 0; i < count; i++) s.send(Buffer.concat([msg, Buffer.from(` ${i}`)]), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  return s;
}

describe('virtual LAN over QEMU stream sockets', () => {
  let lan: VirtualLan;
  let nic: FakeNic | undefined;
  const servers: dgram.Socket[] = [];

  beforeEach(async () => {
    lan = new VirtualLan({ hostIp: HOST_IP });
    await lan.start();
  });
  afterEach(() => {
    nic?.close();
    lan.stop();
    for (const s of servers.splice(0)) s.close();
  });

  it('tells QEMU to connect to its loopback port', () => {
    assert.match(lan.netdev(), /^socket,connect=127\.0\.0\.1:\d+$/);
  });

  it('answers ARP for the lab host address, and not for others', async () => {
    nic = await FakeNic.connect(lan.netdev());
    nic.send(arpRequest('10.0.2.99'), arpRequest(HOST_IP));
    const reply = await nic.next((fr) => f.parseEthernet(fr)?.type === f.ETHERTYPE_ARP);
    const arp = f.parseArp(f.parseEthernet(reply)!.payload)!;
    assert.equal(arp.op, 2);
    assert.equal(arp.senderIp, HOST_IP);
    assert.equal(arp.targetIp, GUEST_IP);
    await assert.rejects(nic.next((fr) => f.parseEthernet(fr)?.type === f.ETHERTYPE_ARP, 300), /no matching frame/);
  });

  it('forwards the guest UDP to a real loopback socket and brings every reply of a burst back in order', async () => {
    const server = await burstServer(8);
    servers.push(server);
    const guest = (nic = await FakeNic.connect(lan.netdev()));
    guest.send(udpFrame(server.address().port, Buffer.from('block')));
    const got: string[] = [];
    for (let i = 0; i < 8; i++) {
      const reply = udpOf(await guest.next((fr) => udpOf(fr) !== undefined))!;
      assert.equal(reply.ip.src, HOST_IP);
      assert.equal(reply.ip.dst, GUEST_IP);
      assert.equal(reply.udp.srcPort, server.address().port);
      assert.equal(reply.udp.dstPort, 2000);
      got.push(reply.udp.payload.toString());
    }
    assert.deepEqual(got, Array.from({ length: 8 }, (_, i) => `block ${i}`));
  });

  it('serves the QEMU of the next power cycle on its new connection', async () => {
    const server = await burstServer(1);
    servers.push(server);
    const first = await FakeNic.connect(lan.netdev());
    first.close();
    nic = await FakeNic.connect(lan.netdev());
    nic.send(udpFrame(server.address().port, Buffer.from('again')));
    const reply = udpOf(await nic.next((fr) => udpOf(fr) !== undefined))!;
    assert.equal(reply.udp.payload.toString(), 'again 0');
  });

  it('drops a connection that does not speak the framing, and keeps serving', async () => {
    const bad = await FakeNic.connect(lan.netdev());
    bad.writeRaw(Buffer.from('GET / HTTP/1.1\r\n\r\n'));
    await bad.closed;
    nic = await FakeNic.connect(lan.netdev());
    nic.send(arpRequest(HOST_IP));
    await nic.next((fr) => f.parseEthernet(fr)?.type === f.ETHERTYPE_ARP);
  });
});

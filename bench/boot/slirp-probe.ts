/**
 * What QEMU's built-in TFTP server negotiates with U-Boot: one bare boot up to the first tftpb,
 * with QEMU's filter-dump writing the NIC's frames to a pcap; the RRQ and OACK options and the
 * DATA size are read back from it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bareBoot } from './bare-side.ts';

export interface TftpNegotiation {
  requested: Record<string, string>;
  /** undefined: the server sent no OACK (no option accepted). */
  accepted?: Record<string, string>;
  /** Payload of the first full DATA packet. */
  dataBytes?: number;
  /** Most DATA packets the server sent between two ACKs. */
  maxInFlight: number;
}

export async function probeSlirpTftp(o: { tftpDir: string; commands: readonly string[]; workDir: string }): Promise<TftpNegotiation> {
  const pcap = join(o.workDir, 'slirp-tftp.pcap');
  const firstTftp = o.commands.findIndex((c) => c.startsWith('tftp'));
  await bareBoot({
    tftpDir: o.tftpDir,
    commands: o.commands,
    domains: [],
    stopAfter: firstTftp + 1,
    extraArgs: ['-object', `filter-dump,id=dump0,netdev=n0,file=${pcap},maxlen=96`],
    timeoutMs: 60000,
  });
  return readNegotiation(await readFile(pcap));
}

/** Reads TFTP packets (IPv4/UDP over Ethernet, possibly cut at the capture length) out of a pcap. */
export function readNegotiation(pcap: Buffer): TftpNegotiation {
  const result: TftpNegotiation = { requested: {}, maxInFlight: 0 };
  let inFlight = 0;
  for (let at = 24; at + 16 <= pcap.length; ) {
    const captured = pcap.readUInt32LE(at + 8);
    const original = pcap.readUInt32LE(at + 12);
    const frame = pcap.subarray(at + 16, at + 16 + captured);
    at += 16 + captured;
    if (frame.length < 34 || frame.readUInt16BE(12) !== 0x0800 || frame[23] !== 17) continue;
    const udp = 14 + (frame[14] & 0x0f) * 4;
    const tftp = frame.subarray(udp + 8);
    if (tftp.length < 2) continue;
    const op = tftp.readUInt16BE(0);
    if (op === 1 && !Object.keys(result.requested).length) result.requested = options(tftp.subarray(2), 2);
    else if (op === 6) result.accepted ??= options(tftp.subarray(2), 0);
    else if (op === 3) {
      result.dataBytes ??= original - udp - 8 - 4;
      result.maxInFlight = Math.max(result.maxInFlight, ++inFlight);
    } else if (op === 4) inFlight = 0;
  }
  return result;
}

/** NUL-separated name/value pairs, after `skip` leading strings (filename and mode in an RRQ). */
function options(body: Buffer, skip: number): Record<string, string> {
  const parts = body.toString('latin1').split('\0').slice(skip);
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < parts.length; i += 2) if (parts[i]) out[parts[i].toLowerCase()] = parts[i + 1];
  return out;
}

/**
 * TFTP packets (RFC 1350, OACK from RFC 2347): opcodes, error codes, pack and parse.
 * All integers are 16-bit big-endian; strings are NUL-terminated.
 */

export const Opcode = { RRQ: 1, WRQ: 2, DATA: 3, ACK: 4, ERROR: 5, OACK: 6 } as const;

export const ErrorCode = {
  UNDEFINED: 0,
  FILE_NOT_FOUND: 1,
  ACCESS_VIOLATION: 2,
  DISK_FULL: 3,
  ILLEGAL_OPERATION: 4,
  UNKNOWN_TID: 5,
  FILE_EXISTS: 6,
  NO_SUCH_USER: 7,
  OPTION_REFUSED: 8,
} as const;

export type RequestPacket = {
  op: typeof Opcode.RRQ | typeof Opcode.WRQ;
  filename: string;
  /** Lower-cased: 'octet', 'netascii' or whatever the peer sent. */
  mode: string;
  /** Option names lower-cased (RFC 2347: case-insensitive), in the order sent. */
  options: Map<string, string>;
};
export type DataPacket = { op: typeof Opcode.DATA; block: number; data: Buffer };
export type AckPacket = { op: typeof Opcode.ACK; block: number };
export type ErrorPacket = { op: typeof Opcode.ERROR; code: number; message: string };
export type OackPacket = { op: typeof Opcode.OACK; options: Map<string, string> };
export type Packet = RequestPacket | DataPacket | AckPacket | ErrorPacket | OackPacket;

/** A datagram that is not a well-formed TFTP packet; the message says what is wrong. */
export class TftpPacketError extends Error {}

/** Splits NUL-terminated strings; a missing final NUL is an error (RFC 1350 requires it). */
function cStrings(buf: Buffer, from: number): string[] {
  if (buf.length > from && buf[buf.length - 1] !== 0) throw new TftpPacketError('last string is not NUL-terminated');
  const out: string[] = [];
  for (let start = from; start < buf.length; ) {
    const end = buf.indexOf(0, start);
    out.push(buf.toString('utf8', start, end));
    start = end + 1;
  }
  return out;
}

/** Option pairs; an unpaired trailing string (some ROMs pad requests) is dropped. */
function optionMap(parts: string[]): Map<string, string> {
  const options = new Map<string, string>();
  for (let i = 0; i + 1 < parts.length; i += 2) {
    if (parts[i] !== '') options.set(parts[i].toLowerCase(), parts[i + 1]);
  }
  return options;
}

/** Decodes one datagram; throws TftpPacketError for short, unknown or malformed packets. */
export function parsePacket(buf: Buffer): Packet {
  if (buf.length < 2) throw new TftpPacketError(`packet of ${buf.length} byte(s) is too short for an opcode`);
  const op = buf.readUInt16BE(0);
  switch (op) {
    //  2 bytes     string    1 byte     string   1 byte   [ optN 0 valueN 0 ]...
    //  | 01/02 |  Filename  |   0  |    Mode    |   0  |
    case Opcode.RRQ:
    case Opcode.WRQ: {
      const parts = cStrings(buf, 2);
      if (parts.length < 2) throw new TftpPacketError('request lacks a filename or a mode');
      if (parts[0] === '') throw new TftpPacketError('request has an empty filename');
      return { op, filename: parts[0], mode: parts[1].toLowerCase(), options: optionMap(parts.slice(2)) };
    }
    //  2 bytes    2 bytes     n bytes (0..blksize)
    //  | 03    |   Block #  |   Data     |
    case Opcode.DATA:
      if (buf.length < 4) throw new TftpPacketError('DATA packet shorter than 4 bytes');
      return { op, block: buf.readUInt16BE(2), data: buf.subarray(4) };
    //  2 bytes    2 bytes
    //  | 04    |   Block #  |
    case Opcode.ACK:
      if (buf.length < 4) throw new TftpPacketError('ACK packet shorter than 4 bytes');
      return { op, block: buf.readUInt16BE(2) };
    //  2 bytes  2 bytes        string    1 byte
    //  | 05    |  ErrorCode |   ErrMsg   |   0  |
    case Opcode.ERROR: {
      if (buf.length < 4) throw new TftpPacketError('ERROR packet shorter than 4 bytes');
      const end = buf.indexOf(0, 4);
      return { op, code: buf.readUInt16BE(2), message: buf.toString('utf8', 4, end < 0 ? buf.length : end) };
    }
    //  2 bytes   string  1 byte  string  1 byte ...
    //  | 06   |  opt1  |   0  | value1 |   0  | ...
    case Opcode.OACK:
      return { op, options: optionMap(cStrings(buf, 2)) };
    default:
      throw new TftpPacketError(`unknown opcode ${op}`);
  }
}

function withStrings(op: number, strings: string[]): Buffer {
  const body = Buffer.from(strings.map((s) => s + '\0').join(''), 'utf8');
  const buf = Buffer.allocUnsafe(2 + body.length);
  buf.writeUInt16BE(op, 0);
  body.copy(buf, 2);
  return buf;
}

export function packRequest(
  op: RequestPacket['op'],
  filename: string,
  mode = 'octet',
  options: Record<string, string | number> = {},
): Buffer {
  return withStrings(op, [filename, mode, ...Object.entries(options).flatMap(([k, v]) => [k, String(v)])]);
}

/** Writes a DATA header into `buf` at `at`; the payload follows it in the same buffer. */
export function writeDataHeader(buf: Buffer, at: number, block: number): void {
  buf.writeUInt16BE(Opcode.DATA, at);
  buf.writeUInt16BE(block & 0xffff, at + 2);
}

export function packData(block: number, data: Buffer): Buffer {
  const buf = Buffer.allocUnsafe(4 + data.length);
  writeDataHeader(buf, 0, block);
  data.copy(buf, 4);
  return buf;
}

export function packAck(block: number): Buffer {
  const buf = Buffer.allocUnsafe(4);
  buf.writeUInt16BE(Opcode.ACK, 0);
  buf.writeUInt16BE(block & 0xffff, 2);
  return buf;
}

export function packError(code: number, message: string): Buffer {
  const text = Buffer.from(message + '\0', 'utf8');
  const buf = Buffer.allocUnsafe(4 + text.length);
  buf.writeUInt16BE(Opcode.ERROR, 0);
  buf.writeUInt16BE(code, 2);
  text.copy(buf, 4);
  return buf;
}

export function packOack(options: Record<string, string | number>): Buffer {
  return withStrings(Opcode.OACK, Object.entries(options).flatMap(([k, v]) => [k, String(v)]));
}

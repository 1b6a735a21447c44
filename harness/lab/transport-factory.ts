import { z } from 'zod';
import { SerialTransport, serialOptions } from '../console/serial-transport.ts';
import { TcpTransport, tcpOptions } from '../console/tcp-transport.ts';
import type { ConsoleTransport } from '../console/transport.ts';
import type { BoardProfile } from './board-profile.ts';

/** A console transport type: its options as written under `console:` (without `transport`), and a factory. */
export interface TransportType<S extends z.ZodType = z.ZodType> {
  schema: S;
  create(options: z.output<S>, profile: BoardProfile): ConsoleTransport;
}

const transportType = <S extends z.ZodType>(type: TransportType<S>) => type as unknown as TransportType;

export const consoleTransports: Readonly<Record<string, TransportType>> = {
  /** A local serial device; rate and flow control default to the profile's, not the transport's own. */
  serial: transportType({
    schema: serialOptions.extend({ baudRate: z.number().int().positive().optional(), rtscts: z.boolean().optional() }),
    create: (o, profile) => new SerialTransport({ ...o, baudRate: o.baudRate ?? profile.console.baudRate, rtscts: o.rtscts ?? profile.console.rtscts }),
  }),
  /** A raw TCP serial server (ser2net raw accepter, console server port). */
  tcp: transportType({ schema: tcpOptions, create: (o) => new TcpTransport(o) }),
};

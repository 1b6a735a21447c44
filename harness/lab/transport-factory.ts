import { z } from 'zod';
import { SerialTransport } from '../console/serial-transport.ts';
import { TcpTransport } from '../console/tcp-transport.ts';
import type { ConsoleTransport } from '../console/transport.ts';
import type { BoardProfile } from './board-profile.ts';

/** A console transport type: its options as written under `console:` (without `transport`), and a factory. */
export interface TransportType<T = any> {
  schema: z.ZodType<T>;
  create(options: T, profile: BoardProfile): ConsoleTransport;
}

const ms = z.number().int().positive();

export const consoleTransports: Readonly<Record<string, TransportType>> = {
  /** A local serial device; rate and flow control default to the profile's. */
  serial: {
    schema: z.strictObject({
      path: z.string().min(1),
      baudRate: z.number().int().positive().optional(),
      rtscts: z.boolean().optional(),
      reopen: z.boolean().optional(),
      reopenTimeoutMs: ms.optional(),
    }),
    create: (o, profile) => new SerialTransport({ ...o, baudRate: o.baudRate ?? profile.console.baudRate, rtscts: o.rtscts ?? profile.console.rtscts }),
  },
  /** A raw TCP serial server (ser2net raw accepter, console server port). */
  tcp: {
    schema: z.strictObject({
      host: z.string().min(1),
      port: z.number().int().min(1).max(65535),
      connectTimeoutMs: ms.optional(),
      reconnect: z.boolean().optional(),
      reconnectTimeoutMs: ms.optional(),
    }),
    create: (o) => new TcpTransport(o),
  },
};

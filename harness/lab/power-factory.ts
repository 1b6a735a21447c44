import { z } from 'zod';
import { HilError } from '../errors.ts';
import { CommandPower } from '../power/command-power.ts';
import { GpioPower } from '../power/gpio-power.ts';
import { NumatoPower } from '../power/numato-power.ts';
import { PduDaemonPower } from '../power/pdudaemon-power.ts';
import type { PowerSwitch } from '../power/power-switch.ts';
import { TasmotaPower } from '../power/tasmota-power.ts';

/** What a power driver gets besides its own options. */
export interface PowerContext {
  /** Board the switch belongs to, for error messages. */
  board?: string;
  /** Directory of the lab file: relative paths resolve from it. */
  baseDir: string;
}

/**
 * A power driver type: the schema of its options as written in the lab file under `power:`
 * (without `driver`), and a factory. Secrets are resolved before `create` is called: a lab file's
 * `passwordEnv`/`passwordFile` arrive as `password`.
 */
export interface PowerDriver<T = any> {
  schema: z.ZodType<T>;
  create(options: T & { password?: string }, ctx: PowerContext): PowerSwitch;
}

export type PowerDriverTable = Readonly<Record<string, PowerDriver>>;

const port = z.number().int().min(1).max(65535);
const ms = z.number().int().positive();
const secretRef = { passwordEnv: z.string().min(1).optional(), passwordFile: z.string().min(1).optional() };
const gpioLine = { chip: z.union([z.string().min(1), z.number().int().min(0)]).transform(String), line: z.number().int().min(0), activeLow: z.boolean().optional() };

/** The drivers hil ships. The virtual board's `qemu` driver is added by whoever builds that board. */
export const builtinPowerDrivers: PowerDriverTable = {
  command: {
    schema: z.strictObject({ on: z.string().min(1), off: z.string().min(1), state: z.string().min(1).optional(), timeoutMs: ms.optional() }),
    create: (o, ctx) => new CommandPower({ ...o, cwd: ctx.baseDir, board: ctx.board }),
  },
  pdudaemon: {
    schema: z.strictObject({
      host: z.string().min(1),
      port: port.optional(),
      pdu: z.string().min(1),
      outlet: z.union([z.number().int().min(0), z.string().min(1)]),
      delaySeconds: z.number().min(0).optional(),
      settleMs: z.number().int().min(0).optional(),
      timeoutMs: ms.optional(),
    }),
    create: (o, ctx) => new PduDaemonPower({ ...o, board: ctx.board }),
  },
  tasmota: {
    schema: z.strictObject({ host: z.string().min(1), port: port.optional(), relay: z.number().int().min(1).optional(), user: z.string().min(1).optional(), ...secretRef, timeoutMs: ms.optional() }),
    create: ({ passwordEnv: _e, passwordFile: _f, ...o }, ctx) => new TasmotaPower({ ...o, board: ctx.board }),
  },
  numato: {
    schema: z
      .strictObject({
        path: z.string().min(1),
        relay: z.number().int().min(0),
        channels: z.union([1, 2, 4, 8, 16, 32, 64].map((n) => z.literal(n))).optional(),
        baudRate: z.number().int().positive().optional(),
        timeoutMs: ms.optional(),
      })
      .superRefine((o, ctx) => {
        const channels = o.channels ?? 8;
        if (o.relay >= channels) ctx.addIssue({ code: 'custom', path: ['relay'], message: `relay ${o.relay} does not exist on a ${channels}-channel module (relays are numbered 0 to ${channels - 1}; set channels)` });
      }),
    create: (o, ctx) => new NumatoPower({ ...o, board: ctx.board }),
  },
  gpio: {
    schema: z.strictObject({ ...gpioLine, sense: z.strictObject(gpioLine).optional(), timeoutMs: ms.optional() }),
    create: (o, ctx) => new GpioPower({ ...o, board: ctx.board }),
  },
};

/** The built-in drivers plus `extra`; a name defined twice is an error (at load, not at use). */
export function powerDriverTable(extra: PowerDriverTable = {}): PowerDriverTable {
  const twice = Object.keys(extra).filter((name) => Object.hasOwn(builtinPowerDrivers, name));
  if (twice.length > 0) throw new HilError(`power driver type '${twice.join("', '")}' is defined twice`, { code: 'CONFIG' });
  return { ...builtinPowerDrivers, ...extra };
}

/**
 * A power switch from an already secret-resolved config such as `{ driver: 'tasmota', host, ... }`.
 * The lab file validates configs with line numbers first; here a bad config is a plain error.
 */
export function createPowerSwitch(config: { driver: string } & Record<string, unknown>, ctx: PowerContext, extra: PowerDriverTable = {}): PowerSwitch {
  const table = powerDriverTable(extra);
  const { driver: type, password, ...rest } = config;
  const driver = Object.hasOwn(table, type) ? table[type] : undefined;
  if (!driver) throw new HilError(`unknown power driver '${type}': known drivers are ${Object.keys(table).join(', ')}`, { code: 'CONFIG', board: ctx.board });
  const parsed = driver.schema.safeParse(rest);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`).join('; ');
    throw new HilError(`bad options for power driver '${type}': ${problems}`, { code: 'CONFIG', board: ctx.board });
  }
  return driver.create({ ...parsed.data, ...(typeof password === 'string' ? { password } : {}) }, ctx);
}

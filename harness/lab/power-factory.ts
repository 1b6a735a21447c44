import { z } from 'zod';
import { HilError } from '../errors.ts';
import { CommandPower, commandOptions } from '../power/command-power.ts';
import { driverSettings } from '../config/driver-options.ts';
import { GpioPower, gpioOptions } from '../power/gpio-power.ts';
import { NumatoPower, numatoOptions } from '../power/numato-power.ts';
import { PduDaemonPower, pduDaemonOptions } from '../power/pdudaemon-power.ts';
import type { PowerSwitch } from '../power/power-switch.ts';
import { TasmotaPower, tasmotaOptions } from '../power/tasmota-power.ts';

/** What a power driver gets besides its own options. */
export interface PowerContext {
  /** Board the switch belongs to, for error messages. */
  board?: string;
  /** Directory of the lab file: relative paths resolve from it. */
  baseDir: string;
}

/**
 * A power driver type: the schema of its options as written in the lab file under `power:`
 * (without `driver`), and a factory that gets them checked, with the schema's defaults. Secrets are
 * resolved before `create` is called: a lab file's `passwordEnv`/`passwordFile` arrive as `password`.
 */
export interface PowerDriver<S extends z.ZodType = z.ZodType> {
  schema: S;
  create(options: z.output<S> & { password?: string }, ctx: PowerContext): PowerSwitch;
}

export type PowerDriverTable = Readonly<Record<string, PowerDriver>>;

/** A table entry, its options typed from its schema (the table itself holds drivers of any schema). */
export function powerDriver<S extends z.ZodType>(driver: PowerDriver<S>): PowerDriver {
  return driver as unknown as PowerDriver;
}

const secretRef = { passwordEnv: z.string().min(1).optional(), passwordFile: z.string().min(1).optional() };

/** The drivers hil ships. The virtual board's `qemu` driver is added by whoever builds that board. */
export const builtinPowerDrivers: PowerDriverTable = {
  command: powerDriver({
    // passwordEnv/passwordFile: the commands get the password as $HIL_PASSWORD, and hil masks it.
    schema: commandOptions.omit({ cwd: true }).extend(secretRef),
    create: ({ passwordEnv: _e, passwordFile: _f, ...o }, ctx) => new CommandPower({ ...o, cwd: ctx.baseDir, board: ctx.board }),
  }),
  pdudaemon: powerDriver({ schema: pduDaemonOptions, create: (o, ctx) => new PduDaemonPower({ ...o, board: ctx.board }) }),
  tasmota: powerDriver({
    schema: tasmotaOptions.extend(secretRef),
    create: ({ passwordEnv: _e, passwordFile: _f, ...o }, ctx) => new TasmotaPower({ ...o, board: ctx.board }),
  }),
  numato: powerDriver({ schema: numatoOptions, create: (o, ctx) => new NumatoPower({ ...o, board: ctx.board }) }),
  gpio: powerDriver({ schema: gpioOptions, create: (o, ctx) => new GpioPower({ ...o, board: ctx.board }) }),
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
  const options = driverSettings(`power driver '${type}'`, driver.schema, rest, ctx.board) as Record<string, unknown>;
  return driver.create({ ...options, ...(typeof password === 'string' ? { password } : {}) }, ctx);
}

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { boardProfiles } from '../../boards/index.ts';
import { ConfigError, HilError } from '../errors.ts';
import type { BoardProfile } from './board-profile.ts';
import { powerDriverTable, type PowerDriverTable } from './power-factory.ts';
import { findInlineSecret, INLINE_SECRET_HELP } from './secrets.ts';
import { consoleTransports } from './transport-factory.ts';
import { YamlWhere } from './yaml-where.ts';

export { createBoardInstance } from './board-factory.ts';

/** One board of the lab file, validated (secrets still as references). */
export interface BoardSpec {
  name: string;
  profile: string;
  power: { driver: string } & Record<string, unknown>;
  console: { transport: string } & Record<string, unknown>;
  /** Overrides the profile's; a missing serverip means the lab host (host.tftpAddress). */
  network?: z.infer<typeof network>;
  ssh?: { host: string; user: string; port: number; keyFile?: string };
  leaveOn: boolean;
}

export interface LabSpec {
  /** Absolute path of the lab file. */
  file: string;
  host: { tftpAddress: string; tftpPort?: number };
  boards: Record<string, BoardSpec>;
  /** Where each field is written, for errors found after loading. */
  where: YamlWhere;
}

export interface LabOptions {
  /** Power driver types besides the built-in ones (e.g. the virtual board's). */
  powerDrivers?: PowerDriverTable;
  /** Board profiles by name. Default: boards/index.ts. */
  profiles?: Readonly<Record<string, BoardProfile>>;
}

const ipv4 = z.string().regex(/^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/, 'expected an IPv4 address such as 192.168.1.10');
const network = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('dhcp'), serverip: ipv4.optional() }),
  z.strictObject({ mode: z.literal('static'), ipaddr: ipv4, serverip: ipv4.optional(), netmask: ipv4.optional() }),
]);
const boardSchema = z.strictObject({
  profile: z.string().min(1),
  power: z.looseObject({ driver: z.string().min(1) }),
  console: z.looseObject({ transport: z.string().min(1) }),
  network: network.optional(),
  ssh: z.strictObject({ host: z.string().min(1), user: z.string().min(1).default('root'), port: z.number().int().min(1).max(65535).default(22), keyFile: z.string().min(1).optional() }).optional(),
  leaveOn: z.boolean().default(false),
});
const labSchema = z.strictObject({
  host: z.strictObject({ tftpAddress: ipv4, tftpPort: z.number().int().min(1).max(65535).optional() }),
  boards: z.record(z.string(), boardSchema),
});
const BOARD_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The lab file to use: `--lab` if given, else $HIL_LAB. */
export function labFilePath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const path = flag ?? env.HIL_LAB;
  if (!path) throw new HilError('no lab file: pass --lab FILE or set HIL_LAB (see docs/lab.md)', { code: 'CONFIG' });
  return path;
}

/** Reads and validates a lab file; every error names the file, the field, its line and what was expected. */
export function loadLabFile(path: string, options: LabOptions = {}): LabSpec {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, `cannot read the lab file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    throw new ConfigError(file, `not valid YAML: ${e.message.split('\n')[0]}`, { line: lines.linePos(e.pos[0]).line });
  }
  const where = new YamlWhere(file, doc, lines);
  const data: unknown = doc.toJS();
  const secret = findInlineSecret(data);
  if (secret) throw where.error(secret, INLINE_SECRET_HELP);
  const parsed = labSchema.safeParse(data ?? {});
  if (!parsed.success) throw where.fromZod(parsed.error.issues[0]);
  const boards: Record<string, BoardSpec> = {};
  for (const [name, board] of Object.entries(parsed.data.boards)) {
    if (!BOARD_NAME.test(name)) throw where.error(['boards', name], `bad board name '${name}': use letters, digits, '.', '_' and '-'`);
    boards[name] = checkBoard(name, board, where, options);
  }
  return { file, host: parsed.data.host, boards, where };
}

function checkBoard(name: string, board: z.infer<typeof boardSchema>, where: YamlWhere, options: LabOptions): BoardSpec {
  const at = ['boards', name];
  const profiles = options.profiles ?? boardProfiles;
  if (!Object.hasOwn(profiles, board.profile)) {
    throw where.error([...at, 'profile'], `unknown board profile '${board.profile}': known profiles are ${Object.keys(profiles).join(', ')}`);
  }
  const drivers = powerDriverTable(options.powerDrivers);
  const { driver, ...powerOptions } = board.power;
  if (!Object.hasOwn(drivers, driver)) {
    throw where.error([...at, 'power', 'driver'], `unknown power driver '${driver}': known drivers are ${Object.keys(drivers).join(', ')}`);
  }
  const power = drivers[driver].schema.safeParse(powerOptions);
  if (!power.success) throw where.fromZod(power.error.issues[0], [...at, 'power']);
  const { transport, ...consoleOptions } = board.console;
  if (!Object.hasOwn(consoleTransports, transport)) {
    throw where.error([...at, 'console', 'transport'], `unknown console transport '${transport}': known transports are ${Object.keys(consoleTransports).join(', ')}`);
  }
  const consoleParsed = consoleTransports[transport].schema.safeParse(consoleOptions);
  if (!consoleParsed.success) throw where.fromZod(consoleParsed.error.issues[0], [...at, 'console']);
  return {
    name,
    profile: board.profile,
    power: { driver, ...(power.data as Record<string, unknown>) },
    console: { transport, ...(consoleParsed.data as Record<string, unknown>) },
    network: board.network,
    ssh: board.ssh,
    leaveOn: board.leaveOn,
  };
}

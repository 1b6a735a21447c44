import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { boardProfiles } from '../../boards/index.ts';
import { ConfigProblems } from '../config/config-problems.ts';
import { readYaml, type YamlSource } from '../config/yaml-source.ts';
import { ConfigError, HilError } from '../errors.ts';
import type { BoardProfile } from './board-profile.ts';
import { limitValuesSchema, type LimitValues } from './limits.ts';
import { powerDriverTable, type PowerDriverTable } from './power-factory.ts';
import { findInlineSecret, INLINE_SECRET_HELP } from './secrets.ts';
import { consoleTransports } from './transport-factory.ts';

export { createBoardInstance, labBoardPlanFacts } from './board-factory.ts';

/** One board of the lab file, validated (secrets still as references). */
export interface BoardSpec {
  name: string;
  profile: string;
  power: { driver: string } & Record<string, unknown>;
  console: { transport: string } & Record<string, unknown>;
  /** Overrides the profile's; a missing serverip means the lab host (host.tftpAddress). */
  network?: z.infer<typeof network>;
  limits?: LimitValues;
  ssh?: { host: string; user: string; port: number; keyFile?: string };
  leaveOn: boolean;
}

export interface LabSpec {
  /** Absolute path of the lab file. */
  file: string;
  host: { tftpAddress: string; tftpPort?: number };
  boards: Record<string, BoardSpec>;
  /** The file as read: where each field is written, for errors found after loading. */
  source: YamlSource;
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
  /** Time limits for this board, over its profile's (names and defaults: harness/lab/limits.ts). */
  limits: limitValuesSchema.optional(),
  ssh: z.strictObject({ host: z.string().min(1), user: z.string().min(1).default('root'), port: z.number().int().min(1).max(65535).default(22), keyFile: z.string().min(1).optional() }).optional(),
  leaveOn: z.boolean().default(false),
});
const labSchema = z.strictObject({
  host: z.strictObject({ tftpAddress: ipv4, tftpPort: z.number().int().min(1).max(65535).optional() }),
  boards: z.record(z.string(), boardSchema),
});
/** Board names. It also keeps out __proto__: assigned as a key (`boards[name] = …`), it sets the object's prototype instead. */
const BOARD_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The lab file to use: `--lab` if given, else $HIL_LAB. */
export function labFilePath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const path = flag ?? env.HIL_LAB;
  if (!path) throw new HilError('no lab file: pass --lab FILE or set HIL_LAB (see docs/lab.md)', { code: 'CONFIG' });
  return path;
}

/**
 * Reads and validates a lab file. Every problem is reported at once, in file order, each naming the
 * field, its line and what was expected; a typo'd key gets a "did you mean".
 */
export function loadLabFile(path: string, options: LabOptions = {}): LabSpec {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, `cannot read the lab file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const source = readYaml(text, file);
  const problems = new ConfigProblems(source);
  const secret = findInlineSecret(source.data);
  if (secret) problems.add(secret, INLINE_SECRET_HELP);
  const parsed = labSchema.safeParse(source.data, { reportInput: true });
  if (!parsed.success) problems.addIssues(parsed.error.issues, labSchema);
  const rawBoards = (source.data as { boards?: unknown }).boards;
  const checked: Record<string, BoardOptions> = {};
  if (rawBoards && typeof rawBoards === 'object' && !Array.isArray(rawBoards)) {
    for (const [name, board] of Object.entries(rawBoards)) {
      if (!BOARD_NAME.test(name)) problems.add(['boards', name], `bad board name '${name}': a name starts with a letter or a digit, then has only letters, digits, '.', '_' and '-'`);
      checked[name] = checkBoard(['boards', name], board, problems, options);
    }
  }
  problems.throwIfAny();
  const lab = parsed.data!;
  const boards: Record<string, BoardSpec> = {};
  for (const [name, board] of Object.entries(lab.boards)) {
    boards[name] = { name, ...board, ...checked[name] };
  }
  return { file, host: lab.host, boards, source };
}

/** A board's power and console options, each checked against its own driver's schema (defaults filled in). */
type BoardOptions = Pick<BoardSpec, 'power' | 'console'>;

/** The checks of one board that depend on its profile, power driver and console transport. */
function checkBoard(at: string[], board: unknown, problems: ConfigProblems, options: LabOptions): BoardOptions {
  const { profile, power, console } = asRecord(board);
  const profiles = options.profiles ?? boardProfiles;
  if (typeof profile === 'string' && !Object.hasOwn(profiles, profile)) {
    problems.add([...at, 'profile'], `unknown board profile '${profile}': known profiles are ${Object.keys(profiles).join(', ')}`);
  }
  const { driver, ...powerOptions } = asRecord(power);
  const { transport, ...consoleOptions } = asRecord(console);
  const drivers = powerDriverTable(options.powerDrivers);
  return {
    power: { driver: String(driver), ...checkOptions([...at, 'power'], 'driver', driver, powerOptions, drivers, ['power driver', 'drivers'], problems) },
    console: { transport: String(transport), ...checkOptions([...at, 'console'], 'transport', transport, consoleOptions, consoleTransports, ['console transport', 'transports'], problems) },
  };
}

/** The options of `power:` or `console:`, checked by the schema of the type its `typeKey` names. */
function checkOptions(
  at: string[],
  typeKey: string,
  type: unknown,
  options: Record<string, unknown>,
  table: Readonly<Record<string, { schema: z.ZodType }>>,
  [what, plural]: [string, string],
  problems: ConfigProblems,
): Record<string, unknown> {
  if (typeof type !== 'string') return options; // the lab schema reports it
  if (!Object.hasOwn(table, type)) {
    problems.add([...at, typeKey], `unknown ${what} '${type}': known ${plural} are ${Object.keys(table).join(', ')}`);
    return options;
  }
  const schema = table[type].schema;
  const parsed = schema.safeParse(options, { reportInput: true });
  if (parsed.success) return parsed.data as Record<string, unknown>;
  problems.addIssues(parsed.error.issues, schema, at);
  return options;
}

const asRecord = (value: unknown) => (value && typeof value === 'object' && !Array.isArray(value) ? value : {}) as Record<string, unknown>;


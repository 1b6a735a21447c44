import { dirname } from 'node:path';
import { boardProfiles } from '../../boards/index.ts';
import { errorAt, lineOfPath } from '../config/yaml-source.ts';
import type { BoardInstance } from './board-instance.ts';
import type { BoardProfile } from './board-profile.ts';
import type { LabSpec } from './lab-file.ts';
import { overlayLimits, profileLimits } from './limits.ts';
import { powerDriverTable, type PowerDriverTable } from './power-factory.ts';
import { expandPath, resolvePassword } from './secrets.ts';
import { consoleTransports } from './transport-factory.ts';

export interface BoardInstanceContext {
  /** Power driver types besides the built-in ones. */
  powerDrivers?: PowerDriverTable;
  /** Board profiles by name. Default: boards/index.ts. */
  profiles?: Readonly<Record<string, BoardProfile>>;
  /** Where secrets referenced by passwordEnv come from. Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Run-time state folder (unused by lab boards; accepted for symmetry with the virtual board). */
  stateDir?: string;
}

/**
 * Binds a board of the lab file to its profile, power switch and console transport. Secrets are
 * read here (not at load), so listing boards or locks needs none.
 */
export function createBoardInstance(lab: LabSpec, name: string, ctx: BoardInstanceContext = {}): BoardInstance {
  const spec = Object.hasOwn(lab.boards, name) ? lab.boards[name] : undefined;
  if (!spec) throw errorAt(lab.source, ['boards'], `no board '${name}' in the lab file: it has ${Object.keys(lab.boards).join(', ') || 'none'}`);
  const at = ['boards', name];
  const profiles = ctx.profiles ?? boardProfiles;
  const drivers = powerDriverTable(ctx.powerDrivers);
  const { driver, ...options } = spec.power;
  // Checked at load too; here again in case the lab was loaded with other tables.
  if (!Object.hasOwn(profiles, spec.profile)) throw errorAt(lab.source, [...at, 'profile'], `unknown board profile '${spec.profile}'`);
  if (!Object.hasOwn(drivers, driver)) throw errorAt(lab.source, [...at, 'power', 'driver'], `unknown power driver '${driver}'`);
  const profile = profiles[spec.profile];
  const baseDir = dirname(lab.file);
  const resolved = resolvePassword(options, { source: lab.source, path: [...at, 'power'], baseDir, env: ctx.env ?? process.env });
  const power = drivers[driver].create(resolved, { board: name, baseDir });
  const { transport, ...consoleOptions } = spec.console;
  const console = consoleTransports[transport].create(consoleOptions, profile);
  return {
    name,
    // The profile, its network (U-Boot fetches from the lab host unless the lab says otherwise), its limits.
    ...labBoardPlanFacts(lab, name, profiles),
    power,
    console,
    tftpHost: lab.host.tftpAddress,
    tftpPort: lab.host.tftpPort,
    ssh: spec.ssh && { ...spec.ssh, keyFile: spec.ssh.keyFile && expandPath(spec.ssh.keyFile, baseDir) },
    leaveOn: spec.leaveOn,
  };
}

/** What planning a boot on a lab board needs, without opening it: its profile, network and limits. */
export function labBoardPlanFacts(lab: LabSpec, name: string, profiles: Readonly<Record<string, BoardProfile>> = boardProfiles) {
  const spec = lab.boards[name];
  const profile = profiles[spec.profile];
  const network = spec.network ?? profile.network;
  return {
    profile,
    network: { ...network, serverip: network.serverip ?? lab.host.tftpAddress },
    limits: overlayLimits(profileLimits(profile), spec.limits, (limit) => `lab file ${lab.file}:${lineOfPath(lab.source.lines, ['boards', name, 'limits', limit])}`),
  };
}

import { statSync } from 'node:fs';
import { boardProfiles } from '../../boards/index.ts';
import { qemuVirtArm64 } from '../../boards/qemu-virt-arm64.ts';
import { virtualBoards } from '../../boards/virtual-boards.ts';
import { ensureArtifacts, ensureImages, resolveArtifact } from '../../images/recipe.ts';
import { HilError } from '../errors.ts';
import type { BoardProfile } from '../lab/board-profile.ts';
import { labBoardPlanFacts, loadLabFile } from '../lab/lab-file.ts';
import { profileLimits, withLimitFlags } from '../lab/limits.ts';
import { checkBoard } from '../lab/open-board.ts';
import { loadSystemFile } from '../plan/system-file.ts';
import { buildBootPlan, renderScript } from '../plan/uboot-commands.ts';
import { DEFAULT_RELEASE } from '../../images/releases.ts';
import { parseCommandArgs, releaseArg } from './args.ts';

const USAGE = 'plan --system FILE [--profile PROFILE | --board NAME [--lab FILE]] [--limit NAME=MS...] [--images debian12|debian13]';

/**
 * Prints the U-Boot script a system file turns into, without touching a board: for a board profile
 * (default the virtual board's), or for a board of the lab file (its profile, network and limits).
 */
export async function planCommand(args: string[]): Promise<number> {
  const { values } = parseCommandArgs(
    'plan',
    args,
    { system: { type: 'string' }, profile: { type: 'string' }, board: { type: 'string' }, lab: { type: 'string' }, limit: { type: 'string', multiple: true }, images: { type: 'string', default: DEFAULT_RELEASE.name } },
    USAGE,
  );
  if (!values.system) throw new HilError(`--system is required\n  usage: hil ${USAGE}`, { code: 'USAGE' });
  if (values.profile && values.board) throw new HilError(`give --profile or --board, not both\n  usage: hil ${USAGE}`, { code: 'USAGE' });
  const { profile, network, limits } = await planTarget(values);
  const images = await ensureImages({ log: () => {}, release: releaseArg(values.images!, USAGE) });
  const dt = profile.deviceTree;
  const resolve = (nameOrPath: string) => {
    // The virtual board's DT is made at run time; plan with a placeholder size.
    if (dt.source === 'file' && nameOrPath === dt.file) return { name: dt.file, path: dt.file, size: 1 << 20 };
    const a = resolveArtifact(images, nameOrPath);
    return { name: a.name, path: a.path, size: statSync(a.path).size };
  };
  const system = loadSystemFile(values.system);
  await ensureArtifacts(images, [system.xen.image], (line) => console.error(line));
  console.log(renderScript(buildBootPlan(system, { board: profile, network, limits: withLimitFlags(limits, values.limit ?? []), resolve })));
  return 0;
}

async function planTarget(values: { profile?: string; board?: string; lab?: string }) {
  if (values.board) {
    await checkBoard(values.board, values.lab);
    const labFile = values.lab ?? process.env.HIL_LAB;
    const lab = labFile ? loadLabFile(labFile) : undefined;
    if (lab && Object.hasOwn(lab.boards, values.board)) return labBoardPlanFacts(lab, values.board);
    // checkBoard let it through: a built-in virtual board.
    return profileFacts(virtualBoards[values.board]);
  }
  const name = values.profile ?? qemuVirtArm64.name;
  if (!Object.hasOwn(boardProfiles, name)) throw new HilError(`unknown board profile '${name}'; known: ${Object.keys(boardProfiles).join(', ')}`, { code: 'USAGE' });
  return profileFacts(boardProfiles[name]);
}

const profileFacts = (profile: BoardProfile) => ({ profile, network: profile.network, limits: profileLimits(profile) });

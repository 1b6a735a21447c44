import { statSync } from 'node:fs';
import { boardProfiles } from '../../boards/index.ts';
import { ensureImages, resolveArtifact } from '../../images/recipe.ts';
import { HilError } from '../errors.ts';
import { loadSystemFile } from '../plan/system-file.ts';
import { buildBootPlan, renderScript } from '../plan/uboot-commands.ts';
import { parseCommandArgs } from './args.ts';

const USAGE = 'plan --system FILE [--board PROFILE]';

/** Prints the U-Boot script a system file turns into on a board, without touching the board. */
export async function planCommand(args: string[]): Promise<number> {
  const { values } = parseCommandArgs('plan', args, { system: { type: 'string' }, board: { type: 'string', default: 'qemu-virt-arm64' } }, USAGE);
  if (!values.system) throw new HilError(`--system is required\n  usage: hil ${USAGE}`, { code: 'USAGE' });
  const profile = boardProfiles[values.board!];
  if (!profile) throw new HilError(`unknown board profile '${values.board}'; known: ${Object.keys(boardProfiles).join(', ')}`);
  const images = await ensureImages({ log: () => {} });
  const dt = profile.deviceTree;
  const resolve = (nameOrPath: string) => {
    // The virtual board's DT is made at run time; plan with a placeholder size.
    if (dt.source === 'file' && nameOrPath === dt.file) return { name: dt.file, path: dt.file, size: 1 << 20 };
    const a = resolveArtifact(images, nameOrPath);
    return { name: a.name, path: a.path, size: statSync(a.path).size };
  };
  console.log(renderScript(buildBootPlan(loadSystemFile(values.system), { board: profile, resolve })));
  return 0;
}

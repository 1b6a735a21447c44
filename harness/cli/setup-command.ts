import { ensureImages } from '../../images/recipe.ts';
import { ensureZynqmpFirmware } from '../../images/zynqmp/firmware.ts';
import { ensureHostPackages } from '../setup/host-setup.ts';
import { DEFAULT_RELEASE } from '../../images/releases.ts';
import { parseCommandArgs, releaseArg } from './args.ts';
import { progressLog } from './progress.ts';

/** Installs what is missing (host packages when root; boot images and the virtual ZCU102's firmware always); cheap when all is there. */
export async function setupCommand(args: string[]): Promise<number> {
  const usage = 'setup [--force] [--images debian12|debian13]';
  const { values } = parseCommandArgs('setup', args, { force: { type: 'boolean', default: false }, images: { type: 'string', default: DEFAULT_RELEASE.name } }, usage);
  const release = releaseArg(values.images!, usage);
  const log = progressLog();
  await ensureHostPackages(log);
  const images = await ensureImages({ log, force: values.force, release });
  for (const a of Object.values(images.artifacts)) log(`${a.name.padEnd(16)} ${(a.size / 1048576).toFixed(1).padStart(6)} MiB  ${a.path}`);
  const firmware = await ensureZynqmpFirmware({ log, force: values.force });
  log(`qemu-zcu102 firmware: U-Boot ${firmware.ubootVersion} ${firmware.uboot}, EL3 stand-in ${firmware.el3}, DT ${firmware.deviceTree}`);
  return 0;
}

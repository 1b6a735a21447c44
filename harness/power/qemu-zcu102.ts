import { copyFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { zcu102Twin } from '../../boards/qemu-zcu102.ts';
import { HilError } from '../errors.ts';
import type { QemuMachine } from './qemu-machine.ts';

/** The three files the twin boots from (images/zynqmp builds them). */
export interface ZynqmpFirmwareFiles {
  /** The stand-in EL3 firmware, a raw binary. */
  el3: string;
  /** Debian's U-Boot for ZynqMP, as an ELF (QEMU's loader places its segments). */
  uboot: string;
  /** The ZCU102 device tree with the twin's changes, for U-Boot and for Xen. */
  deviceTree: string;
}

/**
 * QEMU's xlnx-zcu102: the ZynqMP SoC model with EL3 and EL2 on, 4 GiB, no display. QEMU's generic
 * loader puts the firmware where the boot ROM, FSBL and TF-A would have left things on a real
 * board: the EL3 stand-in in OCM (CPU 0 starts there), the DT where U-Boot's CONFIG_OF_BOARD reads
 * it, U-Boot at its link address.
 */
export function zcu102Machine(files: ZynqmpFirmwareFiles): QemuMachine {
  const hex = (n: number) => `0x${n.toString(16)}`;
  return {
    description: 'QEMU xlnx-zcu102',
    // The SoC's DisplayPort has an audio device, which otherwise looks for ALSA and PulseAudio.
    env: { QEMU_AUDIO_DRV: 'none' },
    args: () => [
      '-machine', 'xlnx-zcu102,virtualization=on,secure=on',
      '-m', `${zcu102Twin.memoryMiB}M`,
      '-display', 'none',
      '-monitor', 'none',
      '-device', `loader,file=${files.el3},addr=${hex(zcu102Twin.el3LoadAddress)},cpu-num=0`,
      '-device', `loader,file=${files.deviceTree},addr=${hex(zcu102Twin.deviceTreeLoadAddress)},force-raw=on`,
      // An ELF places its own segments; anything else (the no-uboot fault's blank firmware) goes where U-Boot would.
      '-device', files.uboot.endsWith('.elf') ? `loader,file=${files.uboot}` : `loader,file=${files.uboot},addr=${hex(zcu102Twin.ubootTextBase)},force-raw=on`,
    ],
    // QEMU fills the SoC's four GEMs in the order of the -nic options; the ZCU102 wires GEM3 only.
    labNicArgs: (spec) => [
      ...Array.from({ length: zcu102Twin.gemIndex }, () => ['-nic', 'user,model=cadence_gem,restrict=on']).flat(),
      '-nic', spec ? `${spec},model=cadence_gem` : 'none',
    ],
    check: () => {
      for (const what of ['el3', 'uboot', 'deviceTree'] as const) {
        const path = files[what];
        if (!existsSync(path)) {
          throw new HilError(`qemu-zcu102: its ${what} image is missing at ${path}: run 'npx hil setup' to build the ZynqMP firmware`, { code: 'MISSING_TOOL' });
        }
      }
    },
    writeDeviceTree: (path) => copyFile(files.deviceTree, path),
  };
}

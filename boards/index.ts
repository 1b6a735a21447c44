import type { BoardProfile } from '../harness/lab/board-profile.ts';
import { qemuVirtArm64, qemuVirtArm64Gicv2 } from './qemu-virt-arm64.ts';
import { qemuZcu102 } from './qemu-zcu102.ts';
import { rpi4 } from './rpi4.ts';
import { zcu102 } from './zcu102.ts';

/** Every board profile hil knows, by name (the `profile:` of a lab file's board). */
export const boardProfiles: Readonly<Record<string, BoardProfile>> = Object.fromEntries(
  [qemuVirtArm64, qemuVirtArm64Gicv2, qemuZcu102, zcu102, rpi4].map((p) => [p.name, p]),
);

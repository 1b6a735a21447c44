import type { BoardProfile } from '../harness/lab/board-profile.ts';
import { qemuVirtArm64, qemuVirtArm64Gicv2 } from './qemu-virt-arm64.ts';
import { qemuZcu102 } from './qemu-zcu102.ts';

/** The virtual boards hil has built in, by name: a board named so needs no lab file. */
export const virtualBoards: Readonly<Record<string, BoardProfile>> = Object.fromEntries([qemuVirtArm64, qemuVirtArm64Gicv2, qemuZcu102].map((p) => [p.name, p]));

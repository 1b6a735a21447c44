import { domuInit } from './init-scripts.ts';
import { baseEntries, moduleEntries, writeInitramfs } from './initramfs.ts';
import type { ModuleIndex } from './modules.ts';
import { DOMU_MODULES } from './packages.ts';

export interface InitramfsInputs {
  /** Where busybox-static was unpacked (holds bin/busybox). */
  busyboxRoot: string;
  /** Root holding lib/modules/<release> of the kernel the image boots with. */
  modulesRoot: string;
  index: ModuleIndex;
  /** The .cpio.gz file to write. */
  out: string;
}

/** The domU initramfs: busybox, /init (see `domuInit`), xen-netfront and its dependencies. */
export async function buildDomuInitramfs(i: InitramfsInputs): Promise<void> {
  await writeInitramfs(
    [...(await baseEntries(i.busyboxRoot, domuInit())), ...(await moduleEntries(i.modulesRoot, i.index, DOMU_MODULES))],
    i.out,
  );
}

import { fileURLToPath } from 'node:url';

/** A Mocha suite that tests a board, and the system it boots by default. */
export interface SuiteDefinition {
  name: string;
  description: string;
  /** Mocha files, absolute paths. */
  files: string[];
  /** The system file booted for this suite unless the run names one. */
  system: string;
  /** Left out of a run that names no suite, with the reason (it needs what the default images lack). */
  notByDefault?: string;
}

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export const suites: readonly SuiteDefinition[] = [
  {
    name: 'boot',
    description: 'Xen boots every configured domU in parallel from the device tree',
    files: [here('./boot/boot.test.ts')],
    system: here('./systems/two-domus.yaml'),
  },
  {
    name: 'console',
    description: "Each domU's console through Xen's conswitch: identity, long commands, exit status, no mixing",
    files: [here('./console/console.test.ts'), here('./console/conswitch-key.test.ts')],
    system: here('./systems/two-domus.yaml'),
  },
  {
    name: 'pv-drivers',
    description: 'PV drivers for dom0less domUs: init-dom0less, Xenstore names, xl network-attach, documented limitations, boot time vs xl create',
    files: ['./pv-drivers/init-dom0less.test.ts', './pv-drivers/network.test.ts', './pv-drivers/limitations.test.ts', './console/conswitch-key.test.ts', './pv-drivers/boot-time.test.ts', './pv-drivers/shutdown.test.ts'].map(here),
    system: here('./systems/pv.yaml'),
  },
  {
    name: 'scheduling',
    description: "Xen's NULL scheduler (sched=null) gives each vCPU, the boot-time domUs' included, a physical CPU of its own",
    files: [here('./scheduling/null-scheduler.test.ts')],
    system: here('./systems/null-scheduler.yaml'),
    notByDefault: "it boots xen-null, a Xen rebuilt from Debian's source with the NULL scheduler, which Debian's lacks (built on first use)",
  },
  {
    name: 'expected-failures',
    description: 'Systems the document says cannot work, booted on purpose: each stops with the failure its file declares',
    files: [here('./expected-failures/expected-failure.test.ts')],
    system: here('./systems/enhanced-without-dom0.yaml'),
  },
  {
    name: 'old-kernels',
    description: "An old kernel (Debian 11's Linux 5.10) as an enhanced domU goes on without Xenstore, where new kernels wait for init-dom0less",
    files: [here('./pv-drivers/old-kernel.test.ts')],
    system: here('./systems/old-kernel.yaml'),
  },
  {
    name: 'module-sizes',
    description: "A module's reg size that is not its file's (a ramdisk cut short): the domU does not come up, and the failure names it and the module",
    files: [here('./expected-failures/expected-failure.test.ts')],
    system: here('./systems/ramdisk-too-short.yaml'),
  },
];

export function findSuite(name: string): SuiteDefinition | undefined {
  return suites.find((s) => s.name === name);
}

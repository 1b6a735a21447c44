import type { BoardProfile } from '../lab/board-profile.ts';
import { profileLimits, type Limits } from '../lab/limits.ts';
import { READINESS_PARAM } from '../xen/readiness.ts';
import type { ScriptBoot } from './script-boot.ts';
import { fdtStep, launchStep, loadStep, networkSteps, type BootStep, type PlannedFile } from './boot-steps.ts';
import { xenChosenCommands, type DtModule } from './device-tree-edits.ts';
import { loadedFootprint } from './image-footprint.ts';
import { hex, layoutFiles, LOAD_ALIGNMENT, type Placement } from './layout.ts';
import { LoadTable, type Resolver } from './load-table.ts';
import { checkCommandLengths, checkSystemForBoard, fileError, notEnoughMemory } from './plan-checks.ts';
import type { SystemSpec } from './system-file.ts';
import { formatSizeKb } from './system-schema.ts';

export type { ResolvedFile, Resolver } from './load-table.ts';
export type { BootStep, PlannedFile } from './boot-steps.ts';
export { stageFiles } from './stage-files.ts';
export interface PlannedDom0 { vcpus: number; memoryKb: number; bootargs: string }
export interface PlannedDomain {
  name: string;
  /** Its node in the device tree, e.g. /chosen/domU-alpha. */
  node: string;
  vcpus: number;
  memoryKb: number;
  enhanced: boolean;
  vpl011: boolean;
  /** Final command line, ending with hil.domain=NAME. */
  bootargs: string;
  /** Its kernel, ramdisk and passthrough DT as its DT node gives them to Xen: where, and the exact size. */
  modules: Array<{ kind: DtModule['kind']; address: number; size: number }>;
}

/** What U-Boot must do to boot one system on one board. */
export interface BootPlan {
  /** Files to fetch over TFTP, in load order. */
  files: PlannedFile[];
  xenBootargs: string;
  dom0?: PlannedDom0;
  /** In system-file order. */
  domains: PlannedDomain[];
  /** Every U-Boot command from the prompt on, in order: network set-up, loads, DT edits; the last starts Xen. */
  steps: BootStep[];
  /**
   * The letter of Xen's console switch (Ctrl plus it, three times). The system file's `conswitch` may
   * add an 'x' (Xen's own syntax: do not give dom0 the input at the end of boot); that is not part of the key.
   */
  conswitchKey: string;
  dtbAddress: number;
  xenAddress: number;
  /** Set when the run boots in script mode (harness/plan/script-boot.ts): how the steps are run. */
  script?: ScriptBoot;
}

export interface BootPlanOptions {
  board: BoardProfile;
  /** How this board reaches the lab host. Default: the profile's (a lab file may give another). */
  network?: BoardProfile['network'];
  /** Artifact name or file path → the file; throws when it does not know it. */
  resolve: Resolver;
  /** The board's time limits. Default: hil's, with the profile's on top. */
  limits?: Limits;
}

/** Room left in the DTB for what the plan adds (`fdt resize`): ~0.5 KiB per domU plus its bootargs. */
export const DT_GROWTH = 0x10000;
/** Where a DT held by U-Boot is copied (`fdt move`) so it can grow without touching U-Boot's own memory. */
export const UBOOT_DT_SLOT = LOAD_ALIGNMENT;
const UBOOT_DT_KEY = '(device tree held by U-Boot)';

interface FileUse { kind: DtModule['kind']; key: string }

/** Turns a system into U-Boot's work: where each file goes, the device-tree edits for Xen, and the boot command. */
export function buildBootPlan(system: SystemSpec, opts: BootPlanOptions): BootPlan {
  const { board } = opts;
  checkSystemForBoard(system, board);
  const table = new LoadTable(opts.resolve, fileError(system, board));
  const uses = requestFiles(system, board, table);
  let at: Map<string, Placement>;
  try {
    at = new Map(layoutFiles(table.requests, board.loadWindow).map((p) => [p.key, p]));
  } catch (err) {
    throw notEnoughMemory(system, board, err);
  }
  const module = (use: FileUse | undefined, bootargs?: string, bootargsField?: string, sizeDelta?: Partial<Record<DtModule['kind'], number>>): DtModule[] => {
    if (!use) return [];
    const { address, size } = at.get(use.key)!;
    return [{ kind: use.kind, address, size: size + (sizeDelta?.[use.kind] ?? 0), ...(use.kind === 'kernel' && bootargs ? { bootargs, bootargsField } : {}) }];
  };
  const domuModules = (i: number, bootargs?: string) =>
    uses.domus[i].flatMap((u) => module(u, bootargs, bootargs === undefined ? undefined : `domus[${i}].bootargs`, system.domus[i].regSizeDelta));
  const dtbAddress = at.get(uses.dt)!.address;
  const xenAddress = at.get(uses.xen)!.address;
  const xenBootargs = xenCommandLine(system, board);
  const domains = system.domus.map((d, i) => ({
    ...plannedDomain(d),
    modules: domuModules(i).map(({ kind, address, size }) => ({ kind, address, size })),
  }));
  const dom0 = system.dom0 && { vcpus: system.dom0.vcpus, memoryKb: system.dom0.memoryKb, bootargs: dom0CommandLine(system.dom0, board) };
  const files = [...table.files].map(([key, f]) => ({ tftpName: f.tftpName, path: f.path, address: at.get(key)!.address, size: f.size }));
  const dt = board.deviceTree;
  const dtEdits = [
    ...(dt.source === 'uboot'
      ? [{ text: `fdt addr \${${dt.addressVariable}}` }, { text: `fdt move \${${dt.addressVariable}} ${hex(dtbAddress)} ${hex(UBOOT_DT_SLOT)}` }]
      : []),
    { text: `fdt addr ${hex(dtbAddress)}` },
    { text: `fdt resize ${hex(DT_GROWTH)}` },
    ...xenChosenCommands({
      addressCells: board.loadWindow.end > 2 ** 32 ? 2 : 1,
      xenBootargs,
      dom0Modules: uses.dom0.flatMap((u) => module(u, dom0?.bootargs, 'dom0.bootargs')),
      domains: domains.map((d, i) => ({ ...d, modules: domuModules(i, d.bootargs) })),
    }),
    // Boot with the DT where the plan put it, room to grow included: without this U-Boot copies it
    // to an address its allocator picks (top of RAM on the virtual board), blind to Xen's modules.
    { text: 'setenv fdt_high 0xffffffffffffffff' },
  ];
  const limits = opts.limits ?? profileLimits(board);
  const steps = [
    ...networkSteps(opts.network ?? board.network, limits),
    ...files.map((f) => loadStep(f, limits)),
    ...dtEdits.map((c) => fdtStep(c, limits)),
    launchStep(xenAddress, dtbAddress, limits),
  ];
  checkCommandLengths(system, board, steps);
  return { files, xenBootargs, dom0, domains, steps, conswitchKey: system.xen.conswitch[0], dtbAddress, xenAddress };
}

/** The plan's U-Boot commands, in order. */
export const planCommands = (plan: BootPlan): string[] => plan.steps.map((s) => s.command);

/** The whole boot as a U-Boot script, typed at the prompt as it is; a header says what goes where. */
export function renderScript(plan: BootPlan): string {
  const who = [...plan.domains.map((d) => d.name), ...(plan.dom0 ? ['dom0'] : [])].join(', ');
  const header = [
    `# hil boot plan: Xen with ${who}; console switch: Ctrl-${plan.conswitchKey.toUpperCase()} three times`,
    ...plan.files.map((f) => `#   ${hex(f.address)}  ${f.tftpName}  ${f.size} bytes  ${f.path}`),
  ];
  return [...header, ...planCommands(plan), ''].join('\n');
}

/** Asks the table for every file, in load order: device tree, Xen, dom0's, then each domU's. */
function requestFiles(system: SystemSpec, board: BoardProfile, table: LoadTable) {
  const dt = board.deviceTree;
  // The DTB grows by DT_GROWTH, and `fdt resize` rounds its end up to a 4 KiB page.
  const dtKey = dt.source === 'file' ? table.add('board:deviceTree.file', dt.file, (f) => f.size + DT_GROWTH + 0x1000) : UBOOT_DT_KEY;
  if (dt.source === 'uboot') table.requests.push({ key: UBOOT_DT_KEY, label: 'device tree copied from U-Boot', size: UBOOT_DT_SLOT });
  // Xen runs where it is loaded at first, bss included: reserve its whole image_size.
  const xen = table.add('xen.image', system.xen.image, (f) => loadedFootprint(f.path, f.size));
  const use = (field: string, name: string | undefined, kind: DtModule['kind'], alone = false): FileUse | undefined =>
    name === undefined ? undefined : { kind, key: table.add(field, name, undefined, alone) };
  const d0 = system.dom0;
  // dom0's kernel is never shared with a domU: Xen 4.20 merges boot modules at one address before it
  // looks for dom0's, and then finds none ("Xen dom0less mode detected"; an enhanced domU then
  // panics it: "Xenstore support requires dom0"). Seen with Debian's 4.20.4; 4.17 took the shared one.
  const dom0 = d0 ? [use('dom0.kernel', d0.kernel, 'kernel', true), use('dom0.ramdisk', d0.ramdisk, 'ramdisk')] : [];
  const domus = system.domus.map((d, i) => [
    use(`domus[${i}].kernel`, d.kernel, 'kernel'),
    use(`domus[${i}].ramdisk`, d.ramdisk, 'ramdisk'),
    use(`domus[${i}].passthrough`, d.passthrough, 'device-tree'),
  ]);
  return { dt: dtKey, xen, dom0, domus };
}

function plannedDomain(d: SystemSpec['domus'][number]): Omit<PlannedDomain, 'modules'> {
  const bootargs = [d.bootargs.trim(), `${READINESS_PARAM}=${d.name}`].filter(Boolean).join(' ');
  return { name: d.name, node: `/chosen/domU-${d.name}`, vcpus: d.vcpus, memoryKb: d.memoryKb, enhanced: d.enhanced, vpl011: d.vpl011, bootargs };
}

/** dom0's kernel command line: what the board needs (its lab NIC), then the system's own arguments. */
function dom0CommandLine(dom0: NonNullable<SystemSpec['dom0']>, board: BoardProfile): string {
  return [board.dom0Bootargs, dom0.bootargs].map((s) => (s ?? '').trim()).filter(Boolean).join(' ');
}

/** Xen's command line: board console, dom0 sizing, console switch key, then the system's own arguments. */
function xenCommandLine(system: SystemSpec, board: BoardProfile): string {
  const dom0 = system.dom0 && `dom0_mem=${formatSizeKb(system.dom0.memoryKb)} dom0_max_vcpus=${system.dom0.vcpus}`;
  const conswitch = system.xen.conswitch !== 'a' && `conswitch=${system.xen.conswitch}`;
  return [board.xen.consoleArgs, dom0, conswitch, system.xen.bootargs].map((s) => (s || '').trim()).filter(Boolean).join(' ');
}

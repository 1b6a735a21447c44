import { hex } from './layout.ts';
import { propertyWord, quoteWord } from './uboot-quote.ts';

/** One U-Boot command; `field` names the system-file field whose text it carries, for errors. */
export interface Command {
  text: string;
  field?: string;
}

/** A boot module as Xen's booting.txt describes it: where it is loaded, its exact size, its kind. */
export interface DtModule {
  kind: 'kernel' | 'ramdisk' | 'device-tree';
  address: number;
  size: number;
  /** Only kernels carry a command line. */
  bootargs?: string;
  bootargsField?: string;
}

/** The domU node's properties, as Xen 4.17 reads them. */
export interface DtDomain {
  node: string;
  memoryKb: number;
  vcpus: number;
  vpl011: boolean;
  enhanced: boolean;
  modules: DtModule[];
}

const COMPATIBLE: Record<DtModule['kind'], string> = {
  kernel: 'multiboot,kernel',
  ramdisk: 'multiboot,ramdisk',
  'device-tree': 'multiboot,device-tree',
};

/** Splits a 64-bit value into two 32-bit cells (high, low). */
export const cells64 = (n: number): [number, number] => [Math.floor(n / 2 ** 32), n % 2 ** 32];

/** Builds the `fdt ...` commands that describe Xen's boot to it under /chosen. */
export class DtEdits {
  readonly commands: Command[] = [];

  /** `addressCells`: 1 when every module lies below 4 GiB, else 2. Sizes always take one cell. */
  constructor(private readonly addressCells: 1 | 2) {}

  mknod(parent: string, name: string): string {
    this.commands.push({ text: `fdt mknod ${parent} ${name}` });
    return `${parent}/${name}`;
  }

  strings(path: string, prop: string, values: string[], field?: string): void {
    this.commands.push({ text: `fdt set ${path} ${propertyWord(prop)} ${values.map(quoteWord).join(' ')}`, field });
  }

  cells(path: string, prop: string, values: number[]): void {
    this.commands.push({ text: `fdt set ${path} ${propertyWord(prop)} <${values.map(hex).join(' ')}>` });
  }

  empty(path: string, prop: string): void {
    this.commands.push({ text: `fdt set ${path} ${prop}` });
  }

  /** #address-cells / #size-cells of a node whose children have reg properties. */
  regCells(path: string): void {
    this.cells(path, '#address-cells', [this.addressCells]);
    this.cells(path, '#size-cells', [1]);
  }

  /** module@ADDR under `parent`: compatible, reg (address, exact size), bootargs for kernels. */
  module(parent: string, m: DtModule): void {
    const node = this.mknod(parent, `module@${m.address.toString(16)}`);
    this.strings(node, 'compatible', [COMPATIBLE[m.kind], 'multiboot,module']);
    const address = this.addressCells === 2 ? cells64(m.address) : [m.address];
    this.cells(node, 'reg', [...address, m.size]);
    if (m.bootargs !== undefined) this.strings(node, 'bootargs', [m.bootargs], m.bootargsField);
  }

  /** A dom0less domU: a "xen,domain" node under /chosen with its modules. */
  domain(d: DtDomain): void {
    const [parent, name] = [d.node.slice(0, d.node.lastIndexOf('/')), d.node.slice(d.node.lastIndexOf('/') + 1)];
    this.mknod(parent, name);
    this.strings(d.node, 'compatible', ['xen,domain']);
    this.regCells(d.node);
    this.cells(d.node, 'memory', cells64(d.memoryKb));
    this.cells(d.node, 'cpus', [d.vcpus]);
    if (d.vpl011) this.empty(d.node, 'vpl011');
    if (d.enhanced) this.strings(d.node, 'xen,enhanced', ['enabled']);
    for (const m of d.modules) this.module(d.node, m);
  }
}

/** Everything Xen reads from /chosen for a dom0less boot. */
export interface XenChosen {
  addressCells: 1 | 2;
  xenBootargs: string;
  /** dom0's kernel (with dom0's command line) and ramdisk, as /chosen/module@ADDR nodes. */
  dom0Modules: DtModule[];
  domains: DtDomain[];
}

/** The fdt commands that write /chosen for Xen: cells, Xen's command line, dom0's modules, then each domU. */
export function xenChosenCommands(c: XenChosen): Command[] {
  const edits = new DtEdits(c.addressCells);
  edits.regCells('/chosen');
  edits.strings('/chosen', 'xen,xen-bootargs', [c.xenBootargs], 'xen.bootargs');
  for (const m of c.dom0Modules) edits.module('/chosen', m);
  // fdt mknod puts a new node before its siblings: creating the last domU first leaves them in file order.
  for (const d of [...c.domains].reverse()) edits.domain(d);
  return edits.commands;
}

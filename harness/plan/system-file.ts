import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { ConfigError } from '../errors.ts';
import { ConfigProblems } from '../config/config-problems.ts';
import { lineOf, readYaml } from '../config/yaml-source.ts';
import { systemSchema } from './system-schema.ts';

/** Xen and its own command line. */
export interface XenSpec {
  /** Artifact name or file of the hypervisor. Default "xen". */
  image: string;
  /** Extra Xen command line; the board's console arguments come first. Default "". */
  bootargs: string;
  /** Xen's conswitch= key. Default "a" (then left off the command line). */
  conswitch: string;
}

export interface Dom0Spec {
  kernel: string;
  ramdisk?: string;
  bootargs: string;
  /** Becomes dom0_mem=. */
  memoryKb: number;
  /** Becomes dom0_max_vcpus=. */
  vcpus: number;
}

export interface DomUSpec {
  /** [a-z0-9-]+, unique; the harness appends hil.domain=<name> to its bootargs. */
  name: string;
  kernel: string;
  ramdisk?: string;
  bootargs: string;
  memoryKb: number;
  vcpus: number;
  /** Virtual PL011 console (ttyAMA0). Default true. */
  vpl011: boolean;
  /** xen,enhanced (PV drivers); needs a dom0. Default false. */
  enhanced: boolean;
  /** Partial device tree for device passthrough (multiboot,device-tree module). */
  passthrough?: string;
  /** Bytes added to a module's true size in its `reg` (breaking the exact-size rule on purpose). */
  regSizeDelta?: { kernel?: number; ramdisk?: number };
}

/** A validated system file. */
export interface SystemSpec {
  /** From `name:`, else the file's base name. */
  name: string;
  /** The file it came from, for error messages. */
  file: string;
  xen: XenSpec;
  dom0?: Dom0Spec;
  domus: DomUSpec[];
  /** Set for a system that must fail to boot: what the failure prints. */
  expect?: { failure: string };
  /** Line of each field ("domus[1].kernel" → 12), so later checks can point into the file. */
  lines: Record<string, number>;
}

/** Reads and validates a system file; every problem is a ConfigError naming file, field and line. */
export function loadSystemFile(path: string): SystemSpec {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(path, `cannot read system file: ${(err as Error).message}`);
  }
  return parseSystem(text, path);
}

/** Validates system-file text; `fileName` is used for messages and the default name. */
export function parseSystem(text: string, fileName: string): SystemSpec {
  const source = readYaml(text, fileName);
  const parsed = systemSchema.safeParse(source.data, { reportInput: true });
  if (!parsed.success) {
    const problems = new ConfigProblems(source);
    problems.addIssues(parsed.error.issues, systemSchema);
    throw problems.toError();
  }
  const sys = parsed.data;
  return {
    name: sys.name ?? basename(fileName, extname(fileName)),
    file: fileName,
    xen: { image: sys.xen?.image ?? 'xen', bootargs: sys.xen?.bootargs ?? '', conswitch: sys.xen?.conswitch ?? 'a' },
    dom0: sys.dom0 && withKb(sys.dom0),
    domus: sys.domus.map(withKb),
    expect: sys.expect,
    lines: source.lines,
  };
}

const withKb = <T extends { memory: number }>({ memory, ...rest }: T) => ({ ...rest, memoryKb: memory });

/** A ConfigError about `field` of a loaded system, at the field's line (or its parent's when absent). */
export function fieldError(system: SystemSpec, field: string, problem: string, cause?: unknown): ConfigError {
  return new ConfigError(system.file, problem, { field, line: lineOf(system.lines, field), cause });
}

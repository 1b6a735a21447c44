import { ConfigError, HilError } from '../errors.ts';
import type { BoardProfile } from '../lab/board-profile.ts';
import type { BootStep } from './boot-steps.ts';
import { fieldError, type SystemSpec } from './system-file.ts';
import { formatSizeKb } from './system-schema.ts';
import { unquotableReason } from './uboot-quote.ts';

/** Longest command U-Boot 2023.01 (Debian qemu_arm64) reads: a 513-character line is cut and breaks. */
export const DEFAULT_MAX_COMMAND_LENGTH = 512;
/** A GICv2 virtual CPU interface serves at most 8 vCPUs per domain. */
const GICV2_MAX_VCPUS = 8;

/** Rejects, before any planning, what the board cannot take: untypeable text, more memory than it has, too many vCPUs for a GICv2. */
export function checkSystemForBoard(system: SystemSpec, board: BoardProfile): void {
  checkTexts(system, board);
  checkMemory(system, board);
  checkVcpus(system, board);
}

function checkTexts(system: SystemSpec, board: BoardProfile): void {
  const texts: Array<[string, string]> = [
    ['xen.bootargs', system.xen.bootargs],
    ['dom0.bootargs', system.dom0?.bootargs ?? ''],
    ...system.domus.map((d, i): [string, string] => [`domus[${i}].bootargs`, d.bootargs]),
  ];
  for (const [field, text] of texts) {
    const reason = unquotableReason(text);
    if (reason) throw fieldError(system, field, reason);
  }
  const reason = unquotableReason(board.xen.consoleArgs);
  if (reason) throw new HilError(`board profile ${board.name}: xen.consoleArgs ${reason}`, { code: 'CONFIG' });
}

/**
 * All domains' memory must fit in the board's RAM; the error is at the first domain past it. Only
 * what surely cannot fit is refused: Xen, its heap and the boot files take some RAM too, but how
 * much depends on Xen's build and the files, and Xen itself says so if it cannot build a domain.
 * A system that must fail (`expect`) may ask for too much.
 */
function checkMemory(system: SystemSpec, board: BoardProfile): void {
  if (system.expect) return;
  const domains = [
    ...(system.dom0 ? [{ name: 'dom0', field: 'dom0.memory', kb: system.dom0.memoryKb }] : []),
    ...system.domus.map((d, i) => ({ name: d.name, field: `domus[${i}].memory`, kb: d.memoryKb })),
  ];
  const ramKb = board.ramMiB * 1024;
  let total = 0;
  const first = domains.find((d) => (total += d.kb) > ramKb);
  if (!first) return;
  const needs = domains.reduce((sum, d) => sum + d.kb, 0);
  const each = domains.map((d) => `${d.name} ${formatSizeKb(d.kb)}`).join(', ');
  throw fieldError(system, first.field, `the domains need ${formatSizeKb(needs)} of memory (${each}), more than the ${formatSizeKb(ramKb)} of RAM ${board.name} has`);
}

function checkVcpus(system: SystemSpec, board: BoardProfile): void {
  if (board.xen.gicVersion !== 2) return;
  system.domus.forEach((d, i) => {
    if (d.vcpus <= GICV2_MAX_VCPUS) return;
    throw fieldError(system, `domus[${i}].vcpus`, `is ${d.vcpus}, but ${board.name} has a GICv2: at most ${GICV2_MAX_VCPUS} vCPUs per domain`);
  });
}

/** Every command must fit U-Boot's line buffer; an overlong one names the field whose text made it long. */
export function checkCommandLengths(system: SystemSpec, board: BoardProfile, steps: readonly BootStep[]): void {
  const max = board.uboot.maxCommandLength ?? DEFAULT_MAX_COMMAND_LENGTH;
  for (const { command, field } of steps) {
    if (command.length <= max) continue;
    const problem = `makes a U-Boot command of ${command.length} characters; U-Boot on ${board.name} reads at most ${max}: shorten it`;
    if (field) throw fieldError(system, field, problem);
    throw new HilError(`boot plan: a command is ${command.length} characters, U-Boot on ${board.name} reads at most ${max}: ${command.slice(0, 80)}...`, {
      code: 'CONFIG',
    });
  }
}

/** The error for a file the system or the board names: at the system field, or in the board profile. */
export function fileError(system: SystemSpec, board: BoardProfile) {
  return (field: string, problem: string, cause?: unknown): Error =>
    field.startsWith('board:')
      ? new HilError(`board profile ${board.name}: ${field.slice(6)} ${problem}`, { code: 'CONFIG', cause })
      : fieldError(system, field, problem, cause);
}

/** A layout that does not fit becomes an error about the system file, keeping the layout's detail. */
export function notEnoughMemory(system: SystemSpec, board: BoardProfile, err: unknown): unknown {
  if (!(err instanceof HilError) || err.code !== 'NO_MEMORY') return err;
  return new ConfigError(system.file, `${err.message}\n  on board ${board.name}: use smaller images or fewer distinct files`, { cause: err });
}

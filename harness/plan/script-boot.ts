import type { BoardProfile } from '../lab/board-profile.ts';
import { within, type Limits } from '../lab/limits.ts';
import { scriptImage } from '../uboot/script-image.ts';
import { NETWORK_STAGE, type BootStep } from './boot-steps.ts';
import { hex } from './layout.ts';
import type { BootPlan } from './uboot-commands.ts';

/**
 * The boot plan as one U-Boot script (what ImageBuilder and Xen's CI do): the network set-up is
 * typed, then the script is fetched and `source`d, so the loads and device-tree edits cost no
 * console round trip each. Each step announces its end (`hil-ok N`) or its failure (`hil-failed N`,
 * and no later step runs), so every step keeps its stage, time limit and failure attribution.
 */
export interface ScriptBoot {
  /** Typed at the prompt: the network set-up, then the script's fetch. */
  typed: BootStep[];
  /** `source ADDR`, typed last; the script runs from there. */
  source: string;
  /** The steps in the script, in order (the launch last); step i is announced as i + 1. */
  scripted: BootStep[];
  file: { tftpName: string; address: number; image: Buffer };
}

export const SCRIPT_NAME = 'hil-boot.scr';
/** Room for the script at the top of the load window: ~100 bytes per step. */
const SCRIPT_SLOT = 0x100000;

/** The marker that ends step `n` of the script (1-based), and what it said. */
export const stepMarker = (n: number): RegExp => new RegExp(`hil-(ok|failed) ${n}\\r?\\n`);

/** The script form of `plan`, or undefined when the load window has no room left for it at its top. */
export function scriptBoot(plan: BootPlan, board: BoardProfile, limits: Limits): ScriptBoot | undefined {
  const address = board.loadWindow.end - SCRIPT_SLOT;
  const used = Math.max(...plan.files.map((f) => f.address + f.size), plan.dtbAddress, plan.xenAddress);
  if (address < used) return undefined;
  const typed = plan.steps.filter((s) => s.stage === NETWORK_STAGE);
  const scripted = plan.steps.filter((s) => s.stage !== NETWORK_STAGE);
  // `exit` inside an if does not end a sourced script in U-Boot's hush: a flag guards every step instead.
  const guarded = (body: string) => `if test "$hil_ok" = 1; then ${body}; fi`;
  const lines = scripted.map((s, i) =>
    guarded(s.launch ? `${s.command}; echo hil-failed ${i + 1}` : `if ${s.command}; then echo hil-ok ${i + 1}; else echo hil-failed ${i + 1}; setenv hil_ok 0; fi`),
  );
  const image = scriptImage(['setenv hil_ok 1', ...lines, 'setenv hil_ok', ''].join('\n'));
  const fetch: BootStep = { command: `tftpb ${hex(address)} ${SCRIPT_NAME}`, stage: `uboot: tftp ${SCRIPT_NAME}`, ...within(limits.tftpBaseMs) };
  return { typed: [...typed, fetch], source: `source ${hex(address)}`, scripted, file: { tftpName: SCRIPT_NAME, address, image } };
}

import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BoardProfile } from '../../harness/lab/board-profile.ts';
import type { Resolver } from '../../harness/plan/uboot-commands.ts';

/** QEMU virt (2 GiB from 0x40000000) as the plan sees it; the window is the one measured safe with U-Boot 2023.01. */
export function qemuBoard(overrides: Partial<BoardProfile> = {}): BoardProfile {
  return {
    name: 'test-qemu-virt',
    description: 'QEMU virt for plan tests',
    uboot: { prompt: '=> ', autobootPattern: /Hit any key to stop autoboot/, interruptKey: ' ' },
    console: { baudRate: 115200 },
    ramMiB: 2048,
    loadWindow: { start: 0x40200000, end: 0xbc000000 },
    deviceTree: { source: 'file', file: 'virt.dtb' },
    xen: { consoleArgs: 'console=dtuart dtuart=/pl011@9000000', gicVersion: 3 },
    network: { mode: 'static', ipaddr: '10.0.2.15', serverip: '10.0.2.2' },
    limits: { ubootPromptMs: 15000, tftpMsPerMiB: 1000, xenBannerMs: 20000, xenInitMs: 60000, domuReadyMs: 90000 },
    ...overrides,
  };
}

/** A scratch folder removed by `cleanup()`. */
export function scratch(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'hil-plan-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A file of `size` bytes whose content depends on its name (so two files never look alike). */
export function makeFile(dir: string, name: string, size: number): string {
  const path = join(dir, name);
  const data = Buffer.alloc(size);
  for (let i = 0; i < size; i += 4096) data.write(`${name}@${i}`, i, 'latin1');
  writeFileSync(path, data);
  return path;
}

/** A file that starts with an arm64 Image header claiming `imageSize` bytes once loaded (bss included). */
export function makeArm64Image(dir: string, name: string, size: number, imageSize: number): string {
  const path = join(dir, name);
  const data = Buffer.alloc(size);
  data.writeBigUInt64LE(BigInt(imageSize), 16);
  data.writeBigUInt64LE(0xan, 24); // flags: 4K pages, place anywhere (as Xen 4.17 sets them)
  data.write('ARM\x64', 0x38, 'latin1');
  writeFileSync(path, data);
  return path;
}

/** Resolves artifact names through `files` (name → path); anything else is unknown, as the real resolver says. */
export function resolverFor(files: Record<string, string>): Resolver {
  return (nameOrPath) => {
    const path = files[nameOrPath];
    if (!path) throw new Error(`'${nameOrPath}' is neither an artifact name (known: ${Object.keys(files).join(', ')}) nor a file`);
    return { name: nameOrPath, path, size: statSync(path).size };
  };
}

/** The usual artifact set: a small Xen Image (bss past its file), a kernel, two initramfs and a DTB. */
export function standardFiles(dir: string, dtbPath?: string): Record<string, string> {
  return {
    xen: makeArm64Image(dir, 'xen.img', 983048, 0x1360c8),
    linux: makeFile(dir, 'Image', 3_000_000),
    'domu-initramfs': makeFile(dir, 'domu.cpio.gz', 1_234_567),
    'dom0-initramfs': makeFile(dir, 'dom0.cpio.gz', 2_345_678),
    'virt.dtb': dtbPath ?? makeFile(dir, 'virt.dtb', 1_048_576),
  };
}

export const TWO_DOMUS = `name: two-domus
xen:
  bootargs: "sched=credit2"
domus:
  - name: alpha
    kernel: linux
    ramdisk: domu-initramfs
    bootargs: "console=ttyAMA0"
    memory: 256M
    vcpus: 1
  - name: beta
    kernel: linux
    ramdisk: domu-initramfs
    bootargs: "console=ttyAMA0 quiet"
    memory: 128M
    vcpus: 2
    vpl011: false
`;

/**
 * A "billion laughs" YAML file: nine anchors, each a list of nine aliases of the one before, so the
 * last stands for 9^9 values. yaml stops it at the second alias of line 4 (its maxAliasCount, 100).
 */
export const ALIAS_BOMB = ['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdefghi'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`), ''].join('\n');

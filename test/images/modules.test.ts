import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { indexModules, type ModuleIndex, moduleClosure, modulesDep, readModinfo, writeModulesDep } from '../../images/modules.ts';

/** A minimal little-endian ELF64 with a .modinfo section holding `info` (what modpost writes). */
function moduleElf(info: string[]): Buffer {
  const modinfo = Buffer.from(info.map((s) => s + '\0').join(''));
  const shstrtab = Buffer.from('\0.modinfo\0.shstrtab\0');
  const shoff = Math.ceil((64 + modinfo.length + shstrtab.length) / 8) * 8;
  const elf = Buffer.alloc(shoff + 3 * 64);
  elf.writeUInt32BE(0x7f454c46, 0);
  elf[4] = 2; // ELFCLASS64
  elf[5] = 1; // little-endian
  elf.writeBigUInt64LE(BigInt(shoff), 0x28);
  elf.writeUInt16LE(64, 0x3a);
  elf.writeUInt16LE(3, 0x3c);
  elf.writeUInt16LE(2, 0x3e);
  modinfo.copy(elf, 64);
  shstrtab.copy(elf, 64 + modinfo.length);
  const section = (i: number, name: number, offset: number, size: number) => {
    elf.writeUInt32LE(name, shoff + i * 64);
    elf.writeBigUInt64LE(BigInt(offset), shoff + i * 64 + 24);
    elf.writeBigUInt64LE(BigInt(size), shoff + i * 64 + 32);
  };
  section(1, 1, 64, modinfo.length);
  section(2, 10, 64 + modinfo.length, shstrtab.length);
  return elf;
}

const index: ModuleIndex = {
  release: 'r1',
  paths: new Map([
    ['bridge', 'kernel/net/bridge/bridge.ko'],
    ['stp', 'kernel/net/802/stp.ko'],
    ['llc', 'kernel/net/llc/llc.ko'],
    ['xen_netfront', 'kernel/drivers/net/xen-netfront.ko'],
  ]),
  depends: new Map([
    ['bridge', ['stp', 'llc']],
    ['stp', ['llc']],
    ['llc', []],
    ['xen_netfront', []],
  ]),
  builtin: new Set(['virtio_pci']),
};

describe('images/modules', () => {
  it('reads key=value pairs from an ELF .modinfo section', () => {
    const info = readModinfo(moduleElf(['license=GPL', 'depends=stp,llc', 'name=bridge']));
    assert.equal(info.get('depends'), 'stp,llc');
    assert.equal(info.get('name'), 'bridge');
  });

  it('rejects a file that is not ELF64 little-endian', () => {
    assert.throws(() => readModinfo(Buffer.alloc(128)), /not an ELF64/);
  });

  it('orders a closure so that loading it backwards loads dependencies first', () => {
    assert.deepEqual(moduleClosure(index, ['bridge']), ['bridge', 'stp', 'llc']);
    assert.deepEqual(moduleClosure(index, ['xen-netfront']), ['xen_netfront'], 'dashes and underscores are one name');
  });

  it('needs nothing for a module built into the kernel (modules.builtin)', () => {
    assert.deepEqual(moduleClosure(index, ['virtio-pci', 'bridge']), ['bridge', 'stp', 'llc']);
  });

  it('names a missing module and who needs it', () => {
    const broken: ModuleIndex = { ...index, depends: new Map([...index.depends, ['stp', ['llc', 'ghost']]]) };
    assert.throws(() => moduleClosure(broken, ['bridge']), /no module 'ghost' \(needed by stp\)/);
    assert.throws(() => moduleClosure(index, ['nope']), /kernel r1 has no module 'nope'/);
  });

  it('writes modules.dep lines with the full dependency list', () => {
    const text = modulesDep(index, ['bridge', 'llc']);
    assert.equal(text, 'kernel/net/bridge/bridge.ko: kernel/net/802/stp.ko kernel/net/llc/llc.ko\nkernel/net/llc/llc.ko:\n');
  });

  it('indexes a modules tree from the files and writes its modules.dep', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'hil-mod-'));
    try {
      const base = path.join(root, 'lib/modules/r2/kernel/net');
      await mkdir(path.join(base, 'bridge'), { recursive: true });
      await writeFile(path.join(base, 'bridge/bridge.ko'), moduleElf(['depends=stp']));
      await writeFile(path.join(base, 'stp.ko'), moduleElf(['depends=']));
      await writeFile(path.join(base, 'notes.txt'), 'not a module');
      const idx = await indexModules(root, 'r2');
      assert.deepEqual([...idx.paths.keys()].sort(), ['bridge', 'stp']);
      await writeModulesDep(root, idx);
      const dep = await readFile(path.join(root, 'lib/modules/r2/modules.dep'), 'utf8');
      assert.equal(dep, 'kernel/net/bridge/bridge.ko: kernel/net/stp.ko\nkernel/net/stp.ko:\n');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

import assert from 'node:assert/strict';
import { qemuVirtArm64 } from '../../boards/qemu-virt-arm64.ts';
import { Console } from '../../harness/console/console.ts';
import { ConsoleFailureError, ConsoleTimeoutError, ExecutionError } from '../../harness/errors.ts';
import { UBootDriver } from '../../harness/uboot/uboot-driver.ts';
import { FakeUBoot } from '../support/fake-uboot.ts';

describe('U-Boot driver', function () {
  const commands = {
    version: { output: 'U-Boot 2023.01 (fake)', status: 0 },
    'fdt addr 0x44000000': { output: '', status: 0 },
    'itest 1 == 2': { output: '', status: 1 },
    'tftpb 0x42000000 xen': { output: "Using virtio-net#32 device\nTFTP from server 10.0.2.2\nRetry count exceeded; starting again", status: 1 },
  };
  let board: FakeUBoot;
  let uboot: UBootDriver;
  beforeEach(async function () {
    board = new FakeUBoot(commands);
    uboot = new UBootDriver(new Console(board, { board: 'fake' }), qemuVirtArm64.uboot);
    setTimeout(() => board.powerOn(), 5);
    await uboot.stopAutoboot(2000);
  });

  it('stops autoboot with the profile key', function () {
    assert.equal(board.written[0].toString(), qemuVirtArm64.uboot.interruptKey);
  });

  it('returns a command output and status 0', async function () {
    const r = await uboot.run('version');
    assert.equal(r.exitCode, 0);
    assert.equal(r.output, 'U-Boot 2023.01 (fake)');
  });

  it('a command that exits non-zero names its stage, for the report', async function () {
    const err = await uboot.run('itest 1 == 2', { stage: 'uboot: device tree' }).catch((e) => e);
    assert.ok(err instanceof ExecutionError, String(err));
    assert.equal(err.stage, 'uboot: device tree');
  });

  it('throws ExecutionError with the status of a failing command', async function () {
    const err = await uboot.run('itest 1 == 2').catch((e) => e);
    assert.ok(err instanceof ExecutionError);
    assert.equal(err.exitCode, 1);
    const r = await uboot.run('itest 1 == 2', { allowFailure: true });
    assert.equal(r.exitCode, 1);
  });

  it('fails fast on a U-Boot error message', async function () {
    const err = await uboot.run('tftpb 0x42000000 xen', { timeoutMs: 5000, stage: 'uboot: tftp xen' }).catch((e) => e);
    assert.ok(err instanceof ConsoleFailureError);
    assert.match(err.message, /stage 'uboot: tftp xen'.*Retry count exceeded/);
  });

  it('fails fast on an unknown command', async function () {
    await assert.rejects(uboot.run('bogus'), /Unknown command 'bogus'/);
  });

  it('times out with the last console lines when U-Boot never answers', async function () {
    const silent = new FakeUBoot({});
    const driver = new UBootDriver(new Console(silent, { board: 'fake' }), qemuVirtArm64.uboot);
    silent.emit('DRAM: 2 GiB\r\n');
    const err = await driver.stopAutoboot(300).catch((e) => e);
    assert.ok(err instanceof ConsoleTimeoutError);
    assert.match(err.message, /uboot: stop autoboot/);
    assert.match(err.message, /DRAM: 2 GiB/);
  });
});

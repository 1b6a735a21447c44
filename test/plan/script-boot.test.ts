import assert from 'node:assert/strict';
import { DEFAULT_LIMITS } from '../../harness/lab/limits.ts';
import { NETWORK_STAGE } from '../../harness/plan/boot-steps.ts';
import { SCRIPT_NAME, scriptBoot, stepMarker } from '../../harness/plan/script-boot.ts';
import { parseSystem } from '../../harness/plan/system-file.ts';
import { buildBootPlan } from '../../harness/plan/uboot-commands.ts';
import { scriptImage } from '../../harness/uboot/script-image.ts';
import { crc32 } from '../../harness/util/crc32.ts';
import { qemuBoard, resolverFor, scratch, standardFiles, TWO_DOMUS } from './fixtures.ts';

describe('plan: the boot as one U-Boot script (script mode)', function () {
  let cleanup: () => void;
  let files: Record<string, string>;
  beforeEach(function () {
    let dir: string;
    ({ dir, cleanup } = scratch());
    files = standardFiles(dir);
  });
  afterEach(() => cleanup());

  it("makes a legacy script image U-Boot's source accepts: magic, both CRCs, type script, one part", function () {
    const image = scriptImage('echo hi\n');
    assert.equal(image.readUInt32BE(0), 0x27051956);
    const header = Buffer.from(image.subarray(0, 64));
    header.writeUInt32BE(0, 4);
    assert.equal(image.readUInt32BE(4), crc32(header), 'header CRC, over the header with the field at 0');
    const body = image.subarray(64);
    assert.equal(image.readUInt32BE(12), body.length);
    assert.equal(image.readUInt32BE(24), crc32(body), 'data CRC');
    assert.deepEqual([image[28], image[29], image[30], image[31]], [5, 22, 6, 0], 'os linux, arch arm64, type script, no compression');
    assert.deepEqual([body.readUInt32BE(0), body.readUInt32BE(4), body.subarray(8).toString()], [8, 0, 'echo hi\n']);
  });

  it('types the network set-up and the script fetch, and scripts every other step, each guarded and announced', function () {
    const board = qemuBoard();
    const plan = buildBootPlan(parseSystem(TWO_DOMUS, 'sys.yaml'), { board, resolve: resolverFor(files) });
    const s = scriptBoot(plan, board, DEFAULT_LIMITS)!;
    const network = plan.steps.filter((x) => x.stage === NETWORK_STAGE);
    assert.deepEqual(s.typed.map((x) => x.command), [...network.map((x) => x.command), `tftpb 0xbbf00000 ${SCRIPT_NAME}`]);
    assert.equal(s.source, 'source 0xbbf00000');
    assert.deepEqual(s.scripted, plan.steps.filter((x) => x.stage !== NETWORK_STAGE));
    const lines = s.file.image.subarray(72).toString('latin1').trimEnd().split('\n');
    assert.equal(lines[0], 'setenv hil_ok 1');
    assert.equal(lines[1], `if test "$hil_ok" = 1; then if ${s.scripted[0].command}; then echo hil-ok 1; else echo hil-failed 1; setenv hil_ok 0; fi; fi`);
    assert.equal(lines.at(-2), `if test "$hil_ok" = 1; then ${s.scripted.at(-1)!.command}; echo hil-failed ${s.scripted.length}; fi`, 'the launch last');
    assert.ok(stepMarker(1).test('hil-ok 1\r\n') && !stepMarker(1).test('hil-ok 12\r\n'));
  });

  it('leaves the plan typed when the top of the load window is taken', function () {
    const board = qemuBoard({ loadWindow: { start: 0x40200000, end: 0x44000000 } });
    const plan = buildBootPlan(parseSystem(TWO_DOMUS, 'sys.yaml'), { board, resolve: resolverFor(files) });
    const top = Math.max(...plan.files.map((f) => f.address + f.size));
    assert.equal(scriptBoot(plan, { ...board, loadWindow: { ...board.loadWindow, end: top + 0x1000 } }, DEFAULT_LIMITS), undefined);
  });
});

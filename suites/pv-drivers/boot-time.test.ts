import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { MARK } from '../../harness/report/marks.ts';
import { watchOutput } from '../../harness/ssh/streams.ts';
import { readinessLine } from '../../harness/xen/readiness.ts';
import { ensureImages, resolveArtifact } from '../../images/recipe.ts';
import { shq } from '../../images/init-scripts.ts';
import { dom0, ensureDom0less, pvBoard, type PvBoard } from './pv-board.ts';

const XL_GUEST = 'xl-guest';
const DIR = '/tmp/hil';
/** From `xl create` to the guest's readiness line: a lone domU booting under emulation. */
const XL_CREATE_TO_READY_MS = 150000;
const START_MARK = 'hil: xl create starts';

/**
 * "Domains started by Xen at boot are started right away in parallel": the same kernel and initramfs
 * created later with xl from dom0 are ready later. The xl guest's console is dom0's xenconsoled
 * (only dom0less domUs print through Xen's serial console), so its lines are read with `xl create -c`.
 */
describe('pv-drivers: boot time of a dom0less domU vs the same domU created with xl', function () {
  let b: PvBoard;
  let spec: { kernel: string; ramdisk: string; memoryMiB: number; name: string };

  before(async function () {
    this.timeout(0);
    b = await pvBoard();
    await ensureDom0less(b); // never while xl creates a guest (the document says so)
    const d = b.ctx.system.domus.find((x) => x.name === (b.enhanced[0] ?? b.plain[0]).name)!;
    if (!d.ramdisk) throw new Error(`${d.name} has no ramdisk: the xl guest needs the same kernel and initramfs`);
    spec = { kernel: d.kernel, ramdisk: d.ramdisk, memoryMiB: d.memoryKb / 1024, name: d.name };
  });

  it('copies the dom0less domU’s kernel and initramfs into dom0, byte for byte', async function () {
    this.timeout(180000);
    const images = await ensureImages();
    await dom0(b.ssh, `mkdir -p ${DIR}`);
    const started = performance.now();
    let bytes = 0;
    for (const [name, file] of [['kernel', spec.kernel], ['ramdisk', spec.ramdisk]]) {
      const artifact = resolveArtifact(images, file);
      const data = readFileSync(artifact.path);
      bytes += data.length;
      // gzip'd on the way: the link to dom0 is the slow part (dropbear's ciphers under emulation).
      const r = await b.ssh.run(`gunzip -c > ${DIR}/${name} && sha256sum ${DIR}/${name}`, { stdin: gzipSync(data, { level: 1 }), timeoutMs: 170000 });
      assert.equal(r.exitCode, 0, r.stderr);
      assert.equal(r.stdout.split(' ')[0], artifact.sha256, `${name} in dom0 is not ${artifact.path}`);
    }
    const ms = performance.now() - started;
    b.ctx.figures['copy kernel + initramfs into dom0 over SSH (ms)'] = Math.round(ms);
    b.ctx.figures['copy into dom0 over SSH, gzip on the way (MiB/s of files)'] = Number((bytes / 1048576 / (ms / 1000)).toFixed(2));
  });

  it('the dom0less domU was ready before the same domU created with xl from dom0', async function () {
    this.timeout(XL_CREATE_TO_READY_MS + 30000);
    const { session, figures } = b.ctx;
    const config = [
      `name = "${XL_GUEST}"`,
      `kernel = "${DIR}/kernel"`,
      `ramdisk = "${DIR}/ramdisk"`,
      `extra = "console=hvc0 hil.domain=${XL_GUEST}"`,
      `memory = ${spec.memoryMiB}`,
      'vcpus = 1',
    ].join('\n');
    await b.ssh.run(`cat > ${DIR}/${XL_GUEST}.cfg`, { stdin: `${config}\n` });
    const watch = await watchOutput(b.ssh, `echo ${shq(START_MARK)}; exec xl create -c ${DIR}/${XL_GUEST}.cfg`, {
      until: [new RegExp(START_MARK), new RegExp(readinessLine(XL_GUEST))],
      timeoutMs: XL_CREATE_TO_READY_MS,
      pty: true,
    });
    const [createdMs, xlReadyMs] = watch.seenAt.map((t) => Math.round(session.sincePowerOn(t)));
    const dom0less = session.xen.byName(spec.name)!;
    const initDone = session.clock.find(MARK.xenInitDone)!.ms;
    const dom0Ready = session.clock.find(MARK.dom0Ready)!.ms;
    const createToReady = xlReadyMs - createdMs;
    figures[`dom0less ${spec.name}: ready after power-on (ms)`] = dom0less.readyMs!;
    figures[`dom0less ${spec.name}: ready after Xen init done (ms)`] = dom0less.readyMs! - initDone;
    figures[`xl-created ${XL_GUEST}: xl create to ready (ms)`] = createToReady;
    figures[`xl-created ${XL_GUEST}: ready after power-on (ms)`] = xlReadyMs;
    figures[`xl-created ${XL_GUEST}: earliest possible ready, dom0 ready + xl create to ready (ms)`] = dom0Ready + createToReady;
    // xl runs after the dom0less checks, so its absolute ready time proves nothing; the fair comparison is
    // with the earliest an xl-created domU could be ready: dom0 up, then its own create-to-ready time.
    assert.ok(
      dom0less.readyMs! < dom0Ready + createToReady,
      `dom0less ready at ${dom0less.readyMs} ms; an xl-created domU cannot be ready before dom0 (${dom0Ready} ms) + ${createToReady} ms`,
    );
  });

  after(async function () {
    this.timeout(30000);
    await b?.ssh.run(`xl destroy ${XL_GUEST}`, { timeoutMs: 20000 }).catch(() => undefined);
  });
});

import assert from 'node:assert/strict';
import { parseVcpuList, type XlVcpu } from '../../harness/dom0/xl-output.ts';
import { requireDom0Ssh, suiteContext } from '../../harness/run/context.ts';
import type { SshClient } from '../../harness/ssh/ssh-client.ts';
import { sleep } from '../../harness/util/deadline.ts';

/** How long apart the two looks at the vCPU placement are, with the domU kept busy in between. */
const WATCH_MS = 5000;

/**
 * The document: "the NULL scheduler can be selected by passing sched=null to the Xen command line. The
 * NULL scheduler automatically assigns and pins vCPUs to pCPUs, but the vCPU-pCPU assignments cannot be
 * configured."
 */
describe('scheduling: sched=null pins each vCPU to a physical CPU of its own', function () {
  let ssh: SshClient;
  const vcpus = async (): Promise<XlVcpu[]> => {
    const r = await ssh.run('xl vcpu-list');
    assert.equal(r.exitCode, 0, r.stderr);
    return parseVcpuList(r.stdout);
  };

  before(async function () {
    this.timeout(0); // every stage of the boot has its own timeout
    const ctx = suiteContext();
    assert.match(ctx.system.xen.bootargs, /\bsched=null\b/, `${ctx.system.file} does not select the NULL scheduler`);
    await ctx.strategy.transition('booted');
    ssh = requireDom0Ssh(ctx);
    // Without the NULL scheduler the checks below could pass by luck, so nothing runs without it.
    const info = await ssh.run('xl info');
    const missing = /Could not find scheduler: null[^\r\n]*/.exec(ctx.session.bootTranscript());
    assert.match(info.stdout, /^xen_scheduler\s*: null$/m, `Xen does not run the NULL scheduler${missing ? `: it said "${missing[0]}" (this Xen is built without CONFIG_SCHED_NULL)` : ''}`);
  });

  it('every vCPU of every domain, the boot-time domU included, sits on a physical CPU no other vCPU has', async function () {
    const { plan } = suiteContext();
    const list = await vcpus();
    const expected = (plan.dom0?.vcpus ?? 0) + plan.domains.reduce((n, d) => n + d.vcpus, 0);
    assert.equal(list.length, expected, `vCPUs in xl vcpu-list: ${JSON.stringify(list)}`);
    const cpus = list.map((v) => v.cpu);
    assert.ok(cpus.every((c) => c !== undefined), `a vCPU has no physical CPU: ${JSON.stringify(list)}`);
    assert.equal(new Set(cpus).size, cpus.length, `two vCPUs share a physical CPU: ${JSON.stringify(list)}`);
  });

  it('the placement stays as it is while the domU works and dom0 looks', async function () {
    this.timeout(WATCH_MS + 30000);
    const { session, plan } = suiteContext();
    const place = (list: XlVcpu[]) => list.map((v) => `${v.domid}.${v.vcpu}@${v.cpu}`).sort();
    const first = place(await vcpus());
    const domU = session.domains.domain(plan.domains[0].name);
    await domU.run(`timeout ${WATCH_MS / 1000} sh -c 'while :; do :; done'; true`, { timeoutMs: WATCH_MS + 10000 });
    await sleep(500);
    assert.deepEqual(place(await vcpus()), first, 'vCPU placement (domid.vcpu@cpu) before and after');
  });
});

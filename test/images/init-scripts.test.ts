import assert from 'node:assert/strict';
import { execa } from 'execa';
import { DOM0_READY_LINE, READINESS_PARAM, READINESS_RE, readinessLine } from '../../harness/xen/readiness.ts';
import { dom0Init, domuInit, PARAM_FUNCTION, readinessPrintf, shq } from '../../images/init-scripts.ts';
import { DOM0_MODULES } from '../../images/packages.ts';

/** Runs a snippet with the host's /bin/sh (POSIX, like busybox ash for these constructs). */
const sh = async (script: string) => (await execa('sh', ['-c', script])).stdout;

describe('images/init-scripts', () => {
  it('readinessLine and READINESS_RE agree, and the regex captures the name', () => {
    const m = READINESS_RE.exec(`noise ${readinessLine('guest-2')}\r\n`);
    assert.equal(m?.[1], 'guest-2');
    assert.equal(READINESS_RE.exec(readinessLine('other'))?.[1], 'other');
  });

  it('the generated printf prints exactly readinessLine(name), even for awkward names', async () => {
    for (const name of ['test', "it's", '$HOME', 'a*b', '%s%d']) {
      assert.equal(await sh(`name=${shq(name)}\n${readinessPrintf('name')}`), readinessLine(name));
    }
  });

  it('param reads hil.domain= from the command line, with a default when absent', async () => {
    const run = (cmdline: string) => sh(`cmdline=${shq(cmdline)}\n${PARAM_FUNCTION}\nparam ${READINESS_PARAM} unnamed`);
    assert.equal(await run(`console=ttyAMA0 ${READINESS_PARAM}=dom-a quiet`), 'dom-a');
    assert.equal(await run('console=ttyAMA0'), 'unnamed');
    assert.equal(await run(`x${READINESS_PARAM}=wrong ${READINESS_PARAM}=right`), 'right', 'a longer parameter name is not a match');
  });

  it('domU /init is valid sh, prints the readiness line, and keeps a shell on ttyAMA0', async () => {
    const init = domuInit();
    await execa('sh', ['-n', '-c', init]);
    assert.ok(init.startsWith('#!/bin/sh\n'));
    assert.ok(init.includes(`name=$(param ${READINESS_PARAM} unnamed)`));
    assert.ok(init.includes(readinessPrintf('name')));
    assert.match(init, /exec sh -i <\/dev\/ttyAMA0 >\/dev\/ttyAMA0 2>&1/);
    assert.match(init, /mount -t devtmpfs devtmpfs \/dev/);
  });

  it('dom0 /init is valid sh, starts the Xen daemons and dropbear, never runs init-dom0less', async () => {
    const init = dom0Init();
    await execa('sh', ['-n', '-c', init]);
    for (const needed of ['mount -t xenfs xenfs /proc/xen', 'xenstored --pid-file', 'xen-init-dom0', 'xenconsoled --pid-file', 'dropbear -R -p 22', 'type bridge', 'xenbr0', '/dev/hvc0']) {
      assert.ok(init.includes(needed), `missing: ${needed}`);
    }
    for (const m of DOM0_MODULES) assert.ok(init.includes(m), `module ${m} not loaded`);
    assert.ok(init.includes(shq(DOM0_READY_LINE)));
    assert.ok(!init.includes('init-dom0less'));
  });
});

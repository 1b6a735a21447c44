import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { ETH0_PARAM, NETFRONT_RE } from '../../harness/xen/readiness.ts';
import { dom0Init, domuInit, NETFRONT_FUNCTION, NETUP_FUNCTION, PARAM_FUNCTION, shq } from '../../images/init-scripts.ts';
import { xenToolsDir } from '../../images/packages.ts';
import { DEFAULT_RELEASE } from '../../images/releases.ts';
import { requireOrSkip } from '../support/requirements.ts';

/**
 * The network parts of the guests' /init, run by the host's sh with `ip`, `modprobe`, `ping` and
 * `sleep` replaced by scripts that log what they were asked. `netfront` reads /sys: it runs in a
 * private mount namespace with a tmpfs over /sys (root only), so the test can make devices appear.
 */
describe('images/init-scripts: guest networking', function () {
  this.timeout(20000);
  let dir: string;
  let log: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hil-initnet-'));
    log = join(dir, 'calls.log');
    const stub = (name: string, body: string) => {
      writeFileSync(join(dir, name), `#!/bin/sh\necho "${name} $*" >> ${shq(log)}\n${body}\n`);
      chmodSync(join(dir, name), 0o755);
    };
    stub('ip', 'exit 0');
    stub('modprobe', 'mkdir -p /sys/class/net/eth0');
    stub('ping', 'exit ${PING_RC:-0}');
    stub('sleep', 'exec /bin/sleep 0.05');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const calls = () => readFileSync(log, 'utf8').trim().split('\n');
  const run = (script: string, env: Record<string, string> = {}) =>
    execa('sh', ['-c', `say() { echo "hil: $*"; }\n${script}`], { env: { ...env, PATH: `${dir}:${process.env.PATH}` } });

  it('netup gives an interface its address and default route, and does nothing for off', async () => {
    await run(`${NETUP_FUNCTION}\nnetup lo 10.0.2.15/24,10.0.2.2\nnetup lo off`);
    assert.deepEqual(calls(), ['ip link set lo up', 'ip addr add 10.0.2.15/24 dev lo', 'ip route add default via 10.0.2.2']);
  });

  it('netup says so when the interface does not exist, and fails', async () => {
    const r = await run(`${NETUP_FUNCTION}\nnetup eth9 10.0.2.15/24 || echo failed`);
    assert.equal(r.stdout, 'hil: no eth9\nfailed');
  });

  it('dom0 /init sets eth0 and eth1 from hil.eth0= / hil.eth1= (eth1 off unless given) and links the Xen tools', () => {
    const init = dom0Init();
    assert.ok(init.includes(`netup eth0 "$(param ${ETH0_PARAM} 10.0.2.15/24,10.0.2.2)"`));
    assert.ok(init.includes('netup eth1 "$(param hil.eth1 off)"'));
    assert.ok(init.includes(`for t in ${xenToolsDir(DEFAULT_RELEASE)}/*;`), 'init-dom0less reachable on an SSH PATH');
    assert.match(init, /mkdir -p [^\n]*\/var\/lock/, 'xenconsole needs /var/lock');
  });

  it('domU /init starts the PV NIC watcher only when given hil.eth0=ADDR/PREFIX,GW', async () => {
    const init = domuInit();
    await execa('sh', ['-n', '-c', init]);
    assert.ok(init.includes(`eth0=$(param ${ETH0_PARAM} off)`));
    assert.match(init, /\*,\*\) netfront "\$name" "\$eth0" & ;;/);
  });

  describe('netfront (root: private mount namespace)', function () {
    before(function () {
      requireOrSkip(this, process.getuid?.() === 0 ? undefined : 'root (a private mount namespace)');
    });

    const netfront = (pingRc: number, vifAfter = 0.3) =>
      execa(
        'unshare',
        ['-m', 'sh', '-c', `mount -t tmpfs none /sys && (/bin/sleep ${vifAfter}; mkdir -p /sys/bus/xen/devices/vif-0) & exec sh -c "$1"`, 'sh', [
          'cmdline=""',
          PARAM_FUNCTION,
          NETUP_FUNCTION,
          NETFRONT_FUNCTION,
          'netfront pv 192.168.100.2/24,192.168.100.1',
        ].join('\n')],
        { env: { PING_RC: String(pingRc), PATH: `${dir}:${process.env.PATH}` } },
      );

    it('waits for the vif, loads xen-netfront, configures eth0, pings the gateway and prints the result line', async () => {
      const r = await netfront(0);
      const m = NETFRONT_RE.exec(r.stdout);
      assert.deepEqual(m?.slice(1), ['pv', '192.168.100.2/24', '192.168.100.1', 'ok'], r.stdout);
      const made = calls().filter((c) => !c.startsWith('sleep'));
      assert.deepEqual(made, [
        'modprobe xen-netfront',
        'ip link set eth0 up',
        'ip addr add 192.168.100.2/24 dev eth0',
        'ip route add default via 192.168.100.1',
        'ping -c 1 -W 3 192.168.100.1',
      ]);
      assert.ok(calls().filter((c) => c.startsWith('sleep')).length > 0, 'it waited for the vif');
    });

    it('reports failed after five unanswered pings', async () => {
      const r = await netfront(1, 0);
      assert.equal(NETFRONT_RE.exec(r.stdout)?.[4], 'failed', r.stdout);
      assert.equal(calls().filter((c) => c.startsWith('ping')).length, 5);
    });
  });
});

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { ImageSet } from '../../images/recipe.ts';
import { DEFAULT_RELEASE } from '../../images/releases.ts';
import { ConfigError } from '../../harness/errors.ts';
import { parseSystem } from '../../harness/plan/system-file.ts';
import { dom0SshClient, keyedDom0Ramdisk } from '../../harness/run/dom0-access.ts';
import { runBoard } from '../../harness/run/run-board.ts';
import { ensureClientKey } from '../../harness/ssh/client-key.ts';
import { suites } from '../../suites/index.ts';
import { fakeBoard } from './fake-board.ts';

const DOMU = `  - name: pv\n    kernel: linux\n    ramdisk: domu-initramfs\n    memory: 256M\n    vcpus: 1\n    enhanced: true\n`;
const DOM0 = 'dom0:\n  kernel: linux\n  ramdisk: dom0-initramfs\n  memory: 512M\n  vcpus: 1\n';

describe('run: PV systems before boot', function () {
  let dir: string;
  let images: ImageSet;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hil-pvrun-'));
    const base = join(dir, 'dom0.cpio.gz');
    writeFileSync(base, Buffer.from('base archive'));
    images = { release: DEFAULT_RELEASE, dir, manifestPath: '', kernelRelease: '', modulesDir: '', artifacts: { 'dom0-initramfs': { name: 'dom0-initramfs', path: base, size: 12, sha256: '' } } };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a system with an enhanced domU and no dom0 is refused before the board is powered, saying why', async () => {
    const file = join(dir, 'no-dom0.yaml');
    writeFileSync(file, `domus:\n${DOMU}`);
    const { board, power } = fakeBoard();
    const pv = suites.find((s) => s.name === 'pv-drivers')!;
    const err = await runBoard({ board, suites: [pv], systemFile: file, reportDir: join(dir, 'report'), images, log: () => {} }).then(
      () => assert.fail('the run went ahead'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ConfigError, String(err));
    assert.match(err.message, /no-dom0\.yaml:\d+, field 'domus\[0\]\.enhanced': enhanced .* needs a dom0: Xen 4\.17 panics at boot/);
    assert.deepEqual(power.calls, [], 'power was never switched');
  });

  it('stages a copy of our dom0 image that lets the run’s key in, and leaves a ramdisk given as a file alone', async () => {
    const key = ensureClientKey({ dir: join(dir, 'key') });
    const { board } = fakeBoard({ ssh: { host: '127.0.0.1', port: 2222, user: 'root', keyFile: key.privateKeyFile } });
    const keyed = await keyedDom0Ramdisk(board, parseSystem(`${DOM0}domus:\n${DOMU}`, 'pv.yaml'), images);
    const path = keyed.get('dom0-initramfs')!;
    assert.ok(path && path.startsWith(join(dir, 'keyed')), `staged at ${path}`);
    const data = readFileSync(path);
    assert.equal(data.subarray(0, 12).toString(), 'base archive', 'the base image comes first');
    assert.ok(gunzipSync(data.subarray(12)).toString('latin1').includes(key.publicKey), 'then an archive with the public key');
    assert.ok(!data.toString('latin1').includes('PRIVATE KEY') && !gunzipSync(data.subarray(12)).toString('latin1').includes('PRIVATE KEY'));
    const own = parseSystem(`${DOM0.replace('dom0-initramfs', join(dir, 'dom0.cpio.gz'))}domus: []\n`, 'own.yaml');
    assert.equal((await keyedDom0Ramdisk(board, own, images)).size, 0, 'a file path is the user’s own image');
  });

  it('no SSH client without a dom0 or without SSH access; with both, host keys pinned per run and system', () => {
    const withSsh = fakeBoard({ ssh: { host: '127.0.0.1', port: 2222, user: 'root', keyFile: '/nonexistent/key' } }).board;
    const pvSystem = parseSystem(`${DOM0}domus:\n${DOMU}`, 'pv.yaml');
    const noDom0 = parseSystem(`domus:\n${DOMU.replace('    enhanced: true\n', '')}`, 'plain.yaml');
    assert.equal(dom0SshClient(fakeBoard().board, pvSystem, dir), undefined);
    assert.equal(dom0SshClient(withSsh, noDom0, dir), undefined);
    const ssh = dom0SshClient(withSsh, pvSystem, dir)!;
    assert.deepEqual(ssh.target, { board: 'fake-1', host: '127.0.0.1', port: 2222, user: 'root' });
    assert.equal(ssh.options.knownHosts.file, join(dir, 'ssh', 'known_hosts-pv'));
    assert.equal(existsSync(ssh.options.knownHosts.file), false, 'nothing pinned before a connection');
  });
});

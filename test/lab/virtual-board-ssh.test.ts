import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVirtualBoard } from '../../harness/lab/virtual-board.ts';
import { userNetworkArgs } from '../../harness/power/qemu-machine.ts';

describe('lab: the virtual board’s SSH path to dom0', function () {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'hil-vbssh-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('forwards a free port of 127.0.0.1 to port 22 of the board by default', async () => {
    const board = await createVirtualBoard({ stateDir: dir });
    try {
      assert.equal(board.ssh?.host, '127.0.0.1');
      assert.equal(board.ssh?.user, 'root');
      const port = board.ssh!.port;
      assert.ok(port > 1024 && port !== 22, `port ${port}`);
      const probe = createServer();
      await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(port, '127.0.0.1', resolve));
      probe.close();
    } finally {
      await board.dispose?.();
    }
  });

  it('no second NIC and no SSH when told hostForwards: []', async () => {
    const board = await createVirtualBoard({ stateDir: dir, hostForwards: [] });
    try {
      assert.equal(board.ssh, undefined);
    } finally {
      await board.dispose?.();
    }
  });

  it('the forward becomes a user-network NIC of its own', () => {
    assert.deepEqual(userNetworkArgs(['tcp:127.0.0.1:2222-:22']), ['-netdev', 'user,id=user,hostfwd=tcp:127.0.0.1:2222-:22', '-device', 'virtio-net-pci,netdev=user,romfile=']);
    assert.deepEqual(userNetworkArgs([]), []);
  });
});

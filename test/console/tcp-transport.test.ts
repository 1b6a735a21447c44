import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SerialPort } from 'serialport';
import { HilError } from '../../harness/errors.ts';
import { TcpTransport } from '../../harness/console/tcp-transport.ts';
import { closedPort } from '../power/peers/http-peer.ts';
import { PtyPair } from './pty-pair.ts';
import { allBytes, closeEnd, collect, Collector, openEnd, waitUntil } from './serial-helpers.ts';
import { Ser2net, SER2NET } from './ser2net-peer.ts';
import { requireOrSkip } from '../support/requirements.ts';

describe('tcp transport through a real ser2net (raw mode) in front of a pty', function () {
  let dir: string;
  let cable: PtyPair;
  let server: Ser2net;
  let board: SerialPort;
  let transport: TcpTransport;

  before(function () {
    requireOrSkip(this, existsSync(SER2NET) ? undefined : `${SER2NET} (ser2net; harness/setup/host-packages.txt installs it)`);
  });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hil-tcp-'));
    cable = new PtyPair(join(dir, 'uart'), join(dir, 'board'));
    await cable.plug();
    server = new Ser2net(dir, cable.a);
    await server.start();
    board = await openEnd(cable.b);
  });
  afterEach(async () => {
    await transport?.close();
    await closeEnd(board);
    await server.stop();
    await cable.unplug();
    rmSync(dir, { recursive: true, force: true });
  });

  it('all 256 byte values pass unchanged both ways, Ctrl-A (0x01) and telnet IAC (0xFF) included', async () => {
    transport = new TcpTransport({ host: '127.0.0.1', port: server.port });
    const got = collect(transport);
    await transport.open();
    const atBoard = new Collector();
    board.on('data', atBoard.push);
    const payload = Buffer.concat([allBytes(4), Buffer.from([0xff, 0xff, 0x01, 0x01, 0x01, 0xff, 0xfb, 0x01])]);

    await transport.write(payload);
    assert.deepEqual(await atBoard.waitFor(payload.length), payload);

    board.write(payload);
    const received = await got.data.waitFor(payload.length);
    await new Promise((r) => setTimeout(r, 100)); // nothing extra (no telnet negotiation) may follow
    assert.deepEqual(got.data.data, payload);
    assert.deepEqual(received.subarray(0, 256), allBytes(1));
  });

  it('edge: ser2net restarts → "disconnected", then reconnected ("reopened") and bytes flow again', async () => {
    transport = new TcpTransport({ host: '127.0.0.1', port: server.port, reconnectTimeoutMs: 3000 });
    const got = collect(transport);
    await transport.open();
    await transport.write('one');
    const atBoard = new Collector();
    board.on('data', atBoard.push);
    await atBoard.waitFor(3);

    await server.stop();
    await waitUntil(() => got.events.includes('disconnected'), 'disconnected');
    await server.start(server.port);
    await waitUntil(() => got.events.includes('reopened'), 'reopened');
    await transport.write('two');
    assert.equal((await atBoard.waitFor(6)).toString(), 'onetwo');
    assert.deepEqual(got.events, ['disconnected', 'reopened']);
  });

  it('edge: another client holds the ser2net port → open fails with ser2net\'s "Port already in use"', async () => {
    const first = new TcpTransport({ host: '127.0.0.1', port: server.port });
    await first.open();
    try {
      transport = new TcpTransport({ host: '127.0.0.1', port: server.port });
      await assert.rejects(transport.open(), /cannot open tcp 127\.0\.0\.1:\d+: the server closed the connection at once: Port already in use/);
    } finally {
      await first.close();
    }
  });

  it('edge: nothing listening → a clear CONSOLE_OPEN error', async () => {
    const port = await closedPort();
    transport = new TcpTransport({ host: '127.0.0.1', port });
    const err = await transport.open().then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof HilError);
    assert.equal(err.code, 'CONSOLE_OPEN');
    assert.match(err.message, new RegExp(`cannot open tcp 127\\.0\\.0\\.1:${port}: connect ECONNREFUSED .*is the serial server running`));
  });
});

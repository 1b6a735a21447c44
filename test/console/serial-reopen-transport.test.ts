import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SerialPort } from 'serialport';
import { SerialTransport } from '../../harness/console/serial-transport.ts';
import { PtyPair } from './pty-pair.ts';
import { allBytes, closeEnd, collect, Collector, openEnd, waitUntil } from './serial-helpers.ts';

/* A USB serial adapter that disappears and comes back: a socat pty link killed and recreated at the same path. */
describe('serial transport: reopening a device that disappears and comes back', () => {
  let dir: string;
  let cable: PtyPair;
  let board: SerialPort | undefined;
  let transport: SerialTransport | undefined;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hil-reopen-'));
    cable = new PtyPair(join(dir, 'ttyUSB0'), join(dir, 'board'));
    await cable.plug();
    board = await openEnd(cable.b);
  });
  afterEach(async () => {
    await transport?.close();
    await closeEnd(board);
    await cable.unplug();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Unplugs the adapter, waits `awayMs`, plugs it back and reopens the board end. */
  async function replug(awayMs: number): Promise<void> {
    await closeEnd(board);
    await cable.unplug();
    await new Promise((r) => setTimeout(r, awayMs));
    await cable.plug();
    board = await openEnd(cable.b);
  }

  it('reopens at the same path, emits "reopened", and loses none of the bytes received before', async () => {
    transport = new SerialTransport({ path: cable.a, reopen: true, reopenTimeoutMs: 3000 });
    const got = collect(transport);
    await transport.open();
    const before = allBytes(64); // 16 KiB
    board!.write(before);
    await got.data.waitFor(before.length);

    await replug(300);
    await waitUntil(() => got.events.includes('reopened'), 'reopened');
    board!.write('after\n');
    await got.data.waitFor(before.length + 6);
    assert.deepEqual(got.data.data, Buffer.concat([before, Buffer.from('after\n')]));
    assert.deepEqual(got.events, ['disconnected', 'reopened']);

    const atBoard = new Collector();
    board!.on('data', atBoard.push);
    await transport.write('to board');
    assert.equal((await atBoard.waitFor(8)).toString(), 'to board');
  });

  it('a write while the device is away waits for it to come back', async () => {
    transport = new SerialTransport({ path: cable.a, reopen: true, reopenTimeoutMs: 3000 });
    const got = collect(transport);
    await transport.open();
    await closeEnd(board);
    await cable.unplug();
    await waitUntil(() => got.events.includes('disconnected'), 'disconnected');
    const pending = transport.write('queued');
    await new Promise((r) => setTimeout(r, 200));
    await cable.plug();
    board = await openEnd(cable.b);
    const atBoard = new Collector();
    board.on('data', atBoard.push);
    await pending;
    assert.equal((await atBoard.waitFor(6)).toString(), 'queued');
  });

  it('edge: the device does not come back in time → "reopen failed", and writes fail clearly', async () => {
    transport = new SerialTransport({ path: cable.a, reopen: true, reopenTimeoutMs: 400 });
    const got = collect(transport);
    await transport.open();
    await closeEnd(board);
    await cable.unplug();
    await waitUntil(() => got.events.some((e) => e.startsWith('reopen failed')), 'reopen failed', 2000);
    assert.match(got.events[1], /^reopen failed: .*ttyUSB0 not back within 400 ms \(last try: .*ttyUSB0 does not exist\)$/);
    await assert.rejects(transport.write('x'), /serial .*ttyUSB0 @115200 is not open/);
  });

  it('edge: by default a pseudo-terminal is not reopened (its far end going away is final)', async () => {
    transport = new SerialTransport({ path: cable.a });
    const got = collect(transport);
    await transport.open();
    await replug(100);
    board!.write('after');
    await new Promise((r) => setTimeout(r, 500));
    assert.ok(!got.events.includes('reopened'), got.events.join());
    assert.equal(got.data.data.length, 0);
  });

  it('edge: close() while waiting for the device stops waiting', async () => {
    transport = new SerialTransport({ path: cable.a, reopen: true, reopenTimeoutMs: 3000 });
    const got = collect(transport);
    await transport.open();
    await closeEnd(board);
    await cable.unplug();
    await waitUntil(() => got.events.includes('disconnected'), 'disconnected');
    await transport.close();
    await cable.plug();
    board = await openEnd(cable.b);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(got.events, ['disconnected']);
  });
});

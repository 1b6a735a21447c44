import assert from 'node:assert/strict';
import { FrameBatcher, FrameReader, frameRecords, MAX_STREAM_FRAME } from '../../harness/virtual-lan/stream-framing.ts';

const frame = (n: number, fill: number) => Buffer.alloc(n, fill);

describe('virtual LAN stream framing', () => {
  it('reads back several frames written in one record buffer', () => {
    const frames = [frame(60, 1), frame(1514, 2), frame(42, 3)];
    const got = new FrameReader().push(frameRecords(frames));
    assert.deepEqual(got, frames);
  });

  it('prefixes each frame with its length, 4 bytes big-endian', () => {
    const out = frameRecords([frame(0x0102, 7)]);
    assert.deepEqual([...out.subarray(0, 4)], [0, 0, 1, 2]);
    assert.equal(out.length, 4 + 0x0102);
  });

  it('keeps a frame cut anywhere, even inside its length prefix, until it is whole', () => {
    const frames = [frame(100, 9), frame(70, 8)];
    const bytes = frameRecords(frames);
    for (const cut of [1, 3, 4, 50, 104, 105, bytes.length - 1]) {
      const reader = new FrameReader();
      const first = reader.push(bytes.subarray(0, cut));
      const rest = reader.push(bytes.subarray(cut));
      assert.deepEqual([...first, ...rest], frames, `cut at ${cut}`);
    }
  });

  it('reads one byte at a time', () => {
    const frames = [frame(20, 4), frame(30, 5)];
    const reader = new FrameReader();
    const got = [...frameRecords(frames)].flatMap((b) => reader.push(Buffer.from([b])));
    assert.deepEqual(got, frames);
  });

  it('passes an empty frame through', () => {
    assert.deepEqual(new FrameReader().push(frameRecords([Buffer.alloc(0)])), [Buffer.alloc(0)]);
  });

  it('rejects a length no QEMU frame can have (not this framing)', () => {
    const bad = Buffer.alloc(8);
    bad.writeUInt32BE(MAX_STREAM_FRAME + 1, 0);
    assert.throws(() => new FrameReader().push(bad), /frame length 69633/);
  });

  it('makes no record for no frames', () => {
    assert.equal(frameRecords([]).length, 0);
  });
});

describe('virtual LAN frame batching', () => {
  it('writes the frames sent in one turn of the event loop as one buffer, in order', async () => {
    const writes: Buffer[] = [];
    const batcher = new FrameBatcher((b) => writes.push(b));
    const frames = Array.from({ length: 8 }, (_, i) => frame(1514, i));
    for (const fr of frames) batcher.send(fr);
    assert.equal(writes.length, 0, 'nothing written before the current turn ends');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(writes.length, 1);
    assert.deepEqual(new FrameReader().push(writes[0]), frames);
  });

  it('starts a new batch for frames sent after a flush', async () => {
    const writes: Buffer[] = [];
    const batcher = new FrameBatcher((b) => writes.push(b));
    batcher.send(frame(60, 1));
    await new Promise((resolve) => setImmediate(resolve));
    batcher.send(frame(60, 2));
    batcher.send(frame(60, 3));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(writes.map((w) => new FrameReader().push(w).length), [1, 2]);
  });

  it('drops queued frames on clear() (their connection is gone)', async () => {
    const writes: Buffer[] = [];
    const batcher = new FrameBatcher((b) => writes.push(b));
    batcher.send(frame(60, 1));
    batcher.clear();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(writes.length, 0);
  });
});

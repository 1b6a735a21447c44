import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TFTP_SERVER_DEFAULTS, type TftpServerOptions } from '../../harness/tftp/server.ts';
import { toNetascii } from '../../harness/tftp/source.ts';
import { pollUntil } from '../../harness/util/deadline.ts';
import { atftpGet, sha256File } from './clients.ts';
import { fuzz, type FuzzResult } from './fuzz.ts';
import { rawFetch } from './raw-fetch.ts';
import { startServerProcess, type MemorySample, type ServerProcess } from './server-process.ts';

export interface FuzzRunOptions {
  seconds: number;
  rate?: number;
  seed?: number;
  /** For the server process; limits default as in TftpServer. */
  server?: Omit<TftpServerOptions, 'root' | 'onTransfer' | 'onStart' | 'log' | 'warn'>;
  /** A first fuzz run that is not measured, see fuzzRun. Default seconds / 6, from 2 to 10. */
  warmUpSeconds?: number;
  /** RSS without a GC every `sampleMs` while the fuzzer runs. Default 5000. */
  sampleMs?: number;
  onSample?: (s: MemorySample & { t: number }) => void;
}

export interface FuzzRun {
  fuzz: FuzzResult;
  /** Just after the server started, after a GC. */
  cold: MemorySample;
  warmUpSeconds: number;
  /** After the warm-up and a GC. */
  before: MemorySample;
  /** Once every transfer the fuzzer started has ended, after a GC. */
  after: MemorySample;
  samples: (MemorySample & { t: number })[];
  /** The real fetches afterwards: a file with atftp, a text in netascii; each checksum compared. */
  fetches: { what: string; ok: boolean; detail: string }[];
  /** Whether the server process was still running at the end. */
  alive: boolean;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * A server in its own process, a fuzz run against it, and then real fetches with checksums: what
 * bench/tftp-fuzz.ts prints and fuzz.test.ts asserts. The root holds a 4 MiB binary, a text, a
 * small and an empty file; a file beside the root is what traversal attempts would reach.
 *
 * "Before" is measured after a shorter fuzz run (and its transfers' end), not at a cold start:
 * glibc raises its mmap threshold when a large block is freed (up to 32 MiB), so after the first
 * 4 MiB window buffers later ones come from its heap, which it keeps for reuse instead of giving
 * pages back. RSS then stays at that level (bounded by maxBufferBytes) without growing further;
 * with MALLOC_MMAP_THRESHOLD_=65536 it returns to the cold figure. A leak grows past the warm-up.
 */
export async function fuzzRun(o: FuzzRunOptions): Promise<FuzzRun> {
  const base = await mkdtemp(path.join(tmpdir(), 'hil-tftp-fuzz-'));
  const root = path.join(base, 'root');
  await mkdir(root);
  const kernel = randomBytes(4 << 20);
  const text = Buffer.from(Array.from({ length: 20000 }, (_, i) => `line ${i}\r\n${'x'.repeat(i % 80)}\n\r`).join(''));
  await writeFile(path.join(root, 'kernel'), kernel);
  await writeFile(path.join(root, 'text.txt'), text);
  await writeFile(path.join(root, 'small'), randomBytes(1000));
  await writeFile(path.join(root, 'empty'), '');
  await writeFile(path.join(base, 'secret'), 'outside the root');
  const server = await startServerProcess({ root, ...o.server });
  try {
    const cold = await server.memory();
    const files = ['kernel', 'text.txt', 'small', 'empty', 'nothere'];
    const warmUp = o.warmUpSeconds ?? Math.min(10, Math.max(2, o.seconds / 6));
    await fuzz({ port: server.port, seconds: warmUp, rate: o.rate, seed: o.seed === undefined ? undefined : o.seed + 1, files });
    await drain(server, o.server);
    const before = await server.memory();
    const samples: FuzzRun['samples'] = [];
    const t0 = performance.now();
    const sampler = setInterval(async () => {
      const s = { ...(await server.memory({ gc: false })), t: (performance.now() - t0) / 1000 };
      samples.push(s);
      o.onSample?.(s);
    }, o.sampleMs ?? 5000);
    let result: FuzzResult;
    try {
      result = await fuzz({ port: server.port, seconds: o.seconds, rate: o.rate, seed: o.seed, files });
    } finally {
      clearInterval(sampler);
    }
    await drain(server, o.server);
    const after = await server.memory();
    const fetches: FuzzRun['fetches'] = [];
    const out = path.join(base, 'kernel.out');
    const got = await atftpGet(server.port, 'kernel', out, { blksize: 1468, windowsize: 8 });
    const gotSha = got.exitCode === 0 ? await sha256File(out) : '';
    fetches.push({ what: 'kernel (4 MiB) with atftp, blksize 1468, window 8', ok: gotSha === sha(kernel), detail: got.exitCode === 0 ? `sha256 ${gotSha.slice(0, 16)}…` : got.output });
    const ascii = await rawFetch(server.port, 'text.txt', { mode: 'netascii', blksize: 1024, windowsize: 4 }).catch((err: Error) => err);
    const asciiOk = !(ascii instanceof Error) && ascii.sha256 === sha(toNetascii(text));
    fetches.push({ what: `text.txt (${text.length} B) in netascii`, ok: asciiOk, detail: ascii instanceof Error ? ascii.message : `sha256 ${ascii.sha256.slice(0, 16)}…` });
    return { fuzz: result, cold, warmUpSeconds: warmUp, before, after, samples, fetches, alive: !server.exited() };
  } finally {
    await server.close().catch(() => undefined);
    await rm(base, { recursive: true, force: true });
  }
}

/**
 * Waits for the transfers the fuzzer started to end. Its sockets are closed, but the kernel
 * rate-limits the ICMP port-unreachable that would end them at once, so some run out their
 * retries, at a client's timeout of up to maxClientTimeoutS each.
 */
async function drain(server: ServerProcess, o: FuzzRunOptions['server'] = {}): Promise<void> {
  const d = TFTP_SERVER_DEFAULTS;
  const ms = Math.max(o.maxClientTimeoutS ?? d.maxClientTimeoutS, (o.timeoutMs ?? d.timeoutMs) / 1000) * 1000 * ((o.retries ?? d.retries) + 1) + 10000;
  const drained = await pollUntil(async () => ((await server.memory({ gc: false })).server.transfers === 0 ? true : undefined), ms, [250]);
  if (!drained) throw new Error(`transfers the fuzzer started were still running ${ms / 1000} s after it stopped`);
}

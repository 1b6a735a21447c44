/**
 * Console throughput: `npx tsx bench/console.ts [MiB] [setups] [chunk]` (default 200 MiB, all setups,
 * 4096-byte chunks). A synthetic dom0less stream (bench/xen-stream.ts) goes chunk by chunk through:
 *   a   the DomainSplitter alone;
 *   m   the Console expect engine alone, waiting for [a pattern that never matches, READINESS_RE];
 *   b   m with the splitter on onText;
 *   f   b with BOOT_ERRORS as failOn;        x   b with the Xen model on onLine;
 *   b+  b with both, as the boot wait has;   c   b with a Screen fed DOM1's content.
 * Prints MiB/s (wall, and per CPU second: the machine may be shared) after a warm-up pass, and the heap
 * growth after a full GC at each quarter of the stream.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Console } from '../harness/console/console.ts';
import { DomainSplitter } from '../harness/xen/domain-splitter.ts';
import { BOOT_ERRORS } from '../harness/console/failure-patterns.ts';
import { Screen } from '../harness/console/screen.ts';
import { READINESS_RE } from '../harness/xen/readiness.ts';
import { XenConsoleModel } from '../harness/xen/xen-console.ts';
import { MemoryTransport } from '../test/support/memory-transport.ts';
import { xenStream } from './xen-stream.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const MiB = 1024 * 1024;
const CHUNK = Number(process.argv[4] ?? 4096);
/** Let promise callbacks (an expect re-arming) and the screen's parser run every this many bytes. */
const YIELD_EVERY = 256 * 1024;

interface Setup {
  /** Takes one received chunk. */
  feed: (chunk: Buffer) => void;
  /** Called every YIELD_EVERY bytes and at the end. */
  settle?: () => Promise<void>;
  /** How many readiness lines the expect engine matched. */
  matched?: () => number;
}

async function run(label: string, total: number, pool: Buffer, setup: Setup): Promise<void> {
  await feed(pool, setup, pool.length); // warm-up: the JIT's first pass is not the steady state
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  const heaps: string[] = [];
  let paused = 0;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  for (let sent = 0; sent < total; ) {
    sent += await feed(pool, setup, total / 4);
    const pause = performance.now();
    gc();
    heaps.push(`${Math.round(sent / MiB)}: ${((process.memoryUsage().heapUsed - heap0) / MiB).toFixed(1)}`);
    paused += performance.now() - pause;
  }
  const cpu = process.cpuUsage(cpu0);
  const seconds = (performance.now() - start - paused) / 1000;
  const cpuSeconds = (cpu.user + cpu.system) / 1e6 - paused / 1000;
  const matched = setup.matched ? `, ${setup.matched()} readiness matches` : '';
  console.log(`${label.padEnd(40)} ${(total / MiB / seconds).toFixed(0).padStart(4)} MiB/s (${(total / MiB / cpuSeconds).toFixed(0)} per CPU second${matched})`);
  console.log(`${''.padEnd(40)} heap growth (MiB) after n MiB: ${heaps.join(', ')}`);
}

/** Feeds `bytes` of the pool (repeating it) chunk by chunk; the pool position carries on between calls. */
let poolAt = 0;
async function feed(pool: Buffer, setup: Setup, bytes: number): Promise<number> {
  let sent = 0;
  while (sent < bytes) {
    const chunk = pool.subarray(poolAt, Math.min(poolAt + CHUNK, pool.length));
    setup.feed(chunk);
    sent += chunk.length;
    poolAt = (poolAt + chunk.length) % pool.length;
    if (sent % YIELD_EVERY < chunk.length) await setup.settle?.();
  }
  await setup.settle?.();
  return sent;
}

function splitterSetup(): Setup {
  const splitter = new DomainSplitter({ holdMs: 0 });
  return { feed: (c) => splitter.push(c.toString('latin1')) };
}

/** The expect engine over an in-memory transport, re-arming a readiness wait each time it matches. */
function consoleSetup(options: { split?: boolean; failOn?: boolean; xenModel?: boolean; screen?: Screen }): Setup {
  const transport = new MemoryTransport();
  const con = new Console(transport, { board: 'bench' });
  // The Xen model reads the line through its own splitter: one split either way.
  const model = options.xenModel ? new XenConsoleModel(() => performance.now(), { holdMs: 0 }) : undefined;
  const splitter = model?.splitter ?? new DomainSplitter({ holdMs: 0 });
  if (options.split !== false) con.onText((t) => splitter.push(t));
  const screen = options.screen;
  if (screen) splitter.onPiece((p) => p.stream === 'DOM1' && screen.write(p.content));
  let matches = 0;
  const arm = (): void => {
    con
      .expect([/this never appears on the console/, READINESS_RE], {
        stage: 'bench',
        timeoutMs: 1e9,
        failOn: options.failOn ? BOOT_ERRORS : [],
      })
      .then(() => {
        matches++;
        arm();
      });
  };
  arm();
  return {
    feed: (c) => transport.emit(c),
    settle: async () => {
      await new Promise((r) => setImmediate(r));
      await screen?.flush();
    },
    matched: () => matches,
  };
}

async function main(): Promise<void> {
  const total = Number(process.argv[2] ?? 200) * MiB;
  const t = performance.now();
  const pool = xenStream(16 * MiB);
  console.log(`stream: ${(pool.length / MiB).toFixed(1)} MiB pool generated in ${((performance.now() - t) / 1000).toFixed(1)} s, repeated to ${total / MiB} MiB, ${CHUNK}-byte chunks`);
  const only = process.argv[3]?.split(',');
  const want = (id: string): boolean => !only || only.includes(id);
  if (want('a')) await run('(a) split', total, pool, splitterSetup());
  if (want('m')) await run('(m) match alone', total, pool, consoleSetup({ split: false }));
  if (want('b')) await run('(b) split + match', total, pool, consoleSetup({}));
  if (want('f')) await run('(f) split + match + failOn', total, pool, consoleSetup({ failOn: true }));
  if (want('x')) await run('(x) split + match + Xen model', total, pool, consoleSetup({ xenModel: true }));
  if (want('b+')) await run('(b+) split + match + failOn + Xen model', total, pool, consoleSetup({ failOn: true, xenModel: true }));
  if (want('c')) {
    const screen = new Screen();
    await run('(c) split + match + DOM1 screen', total, pool, consoleSetup({ screen }));
    console.log(`DOM1 screen's last line: ${JSON.stringify(screen.lastLines(1)[0])}`);
  }
  console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
}

await main();
process.exit(0); // the re-armed waits still have their timers

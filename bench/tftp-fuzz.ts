/**
 * A bounded fuzz run against the harness's TFTP server (issue 11, "must hold"): random and mutated
 * TFTP packets from loopback (test/tftp/fuzz.ts says which) for --seconds, against the server in a
 * process of its own with its default limits. Prints the server's RSS at start, before (after a
 * shorter warm-up fuzz run and a GC: see fuzzRun for why), every few seconds during, after (once the fuzzer's transfers have ended, after
 * a GC) and at its peak, its JS heap and open fds, the datagrams sent by kind, and the server's
 * counts; then fetches a 4 MiB file with atftp and a text in netascii and compares checksums.
 * Exits 1 if the server died, a checksum differs, memory held for transfers was not given back,
 * the JS heap grew by more than 2 MiB, fds were left open, or RSS after is more than --flat-mib
 * above before.
 *
 *   npx tsx bench/tftp-fuzz.ts [--seconds 60] [--rate 5000] [--seed N] [--flat-mib 8]
 *   MALLOC_MMAP_THRESHOLD_=65536 npx tsx bench/tftp-fuzz.ts   # without glibc's heap retention
 */
import { parseArgs } from 'node:util';
import { fuzzRun } from '../test/tftp/fuzz-run.ts';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    rate: { type: 'string', default: '5000' },
    seed: { type: 'string' },
    'flat-mib': { type: 'string', default: '8' },
  },
});
const number = (name: string, text: string | undefined) => {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name}: expected a positive number, got '${text}'`);
  return n;
};
const seconds = number('seconds', args.seconds);
const rate = number('rate', args.rate);
const flatMiB = number('flat-mib', args['flat-mib']);
const seed = args.seed === undefined ? undefined : number('seed', args.seed);
const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;

console.log(`fuzzing for ${seconds} s at ${rate} datagrams/s from loopback`);
const run = await fuzzRun({
  seconds,
  rate,
  seed,
  onSample: (s) => console.log(`  t=${s.t.toFixed(0).padStart(3)} s  RSS ${mib(s.rss)}  heap ${mib(s.heapUsed)}  held for transfers ${mib(s.server.heldBytes)}  transfers ${s.server.transfers}  fds ${s.fds}`),
});
const { fuzz, before, after } = run;
const peak = Math.max(after.peakRss, ...run.samples.map((s) => s.rss));
console.log(`\nseed ${fuzz.seed}; ${fuzz.sent} datagrams sent in ${fuzz.seconds.toFixed(1)} s (${(fuzz.sent / fuzz.seconds).toFixed(0)}/s), ${fuzz.received} received`);
for (const [kind, n] of Object.entries(fuzz.byKind).sort((a, b) => b[1] - a[1])) console.log(`  ${String(n).padStart(8)}  ${kind}`);
const s = after.server;
console.log(`server: ${s.done} transfers done, ${s.failed} failed, ${s.refused} requests refused, ${s.malformed} malformed; at most ${mib(s.peakHeldBytes)} held for transfers`);
console.log(`server log: ${after.lines.warn} warning lines (rate-limited), ${after.lines.log} other lines`);
console.log(`heap used before ${mib(before.heapUsed)}, after ${mib(after.heapUsed)}; open fds at start ${run.cold.fds}, before ${before.fds}, after ${after.fds}`);
console.log(`RSS at start ${mib(run.cold.rss)}; before (after a ${run.warmUpSeconds.toFixed(0)} s warm-up fuzz) ${mib(before.rss)}, after ${mib(after.rss)} (${after.rss >= before.rss ? '+' : ''}${mib(after.rss - before.rss)}), peak ${mib(peak)}`);
for (const f of run.fetches) console.log(`${f.ok ? 'ok    ' : 'FAILED'} ${f.what}: ${f.detail}`);
const rssFlat = after.rss - before.rss <= flatMiB * 1048576;
const heapFlat = after.heapUsed - before.heapUsed <= 2 * 1048576;
const fdsFlat = after.fds <= before.fds;
console.log(`server process ${run.alive ? 'alive' : 'DEAD'}; RSS ${rssFlat ? 'flat' : `NOT flat (more than ${flatMiB} MiB above before)`}; ` +
  `JS heap ${heapFlat ? 'flat' : 'GREW by more than 2 MiB'}; fds ${fdsFlat ? 'flat' : 'GREW'}; held for transfers ${s.heldBytes === 0 ? 'back to 0' : `STILL ${s.heldBytes} B`}`);
if (!rssFlat && heapFlat && fdsFlat && !process.env.MALLOC_MMAP_THRESHOLD_) {
  console.log('(glibc keeps freed heap for reuse once its mmap threshold has risen: see fuzzRun in test/tftp/fuzz-run.ts; ' +
    'MALLOC_MMAP_THRESHOLD_=65536 shows whether anything is really kept)');
}
process.exitCode = run.alive && rssFlat && heapFlat && fdsFlat && s.heldBytes === 0 && run.fetches.every((f) => f.ok) ? 0 : 1;

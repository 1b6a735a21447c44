import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunRecord } from '../../harness/report/record.ts';
import { stripTranscript } from '../../suites/console/transcript-text.ts';
import { hil, qemuRunning } from '../support/hil-cli.ts';
import { useTempDirs } from '../support/temp-dirs.ts';

/** The transcript's own marks: `[   1.234] [hil+] text`. */
const MARK_LINE = /^\[\s*(-?\d+\.\d{3})\] \[hil\+?\] (.*)$/gm;
const STAMPED_LINE = /^\[\s*(-?\d+\.\d{3})\] (?!\[hil)/gm;

interface Faulted {
  record: RunRecord;
  transcript: string;
  /** What the board printed, as the virtual serial cable saw it. */
  witness: string;
  /** Seconds from the board's last byte before the harness acted (its fault mark, or its power-off) to that mark. */
  detectedAfterS: number;
  error: string;
}

/** Runs a suite on the virtual board with a fault, and checks what every fault must leave behind. */
async function runFaulted(reportDir: string, args: string[], fault: RegExp, suite = 'console'): Promise<Faulted> {
  const r = await hil(['run', '--suite', suite, '--wait', '--report-dir', reportDir, ...args]);
  assert.equal(r.code, 1, `hil run must fail with the fault:\n${r.stdout}\n${r.stderr}`);
  assert.ok(existsSync(join(reportDir, 'report.json')), 'report written');
  for (const f of ['junit.xml', 'index.html']) assert.ok(existsSync(join(reportDir, f)), `${f} written`);
  const record = JSON.parse(readFileSync(join(reportDir, 'report.json'), 'utf8')) as RunRecord;
  assert.equal(record.passed, false);
  const error = record.tests.find((t) => t.error)?.error ?? record.failure?.message ?? '';
  assert.match(error, fault, 'the first failure is the fault');
  assert.equal(await qemuRunning(join(reportDir, 'board')), false, 'the board is off');
  const transcript = readFileSync(join(reportDir, 'console/raw.log'), 'latin1');
  const witness = readFileSync(join(reportDir, 'board/serial/board-output.log'), 'latin1');
  return { record, transcript, witness, error, detectedAfterS: detectionDelay(transcript) };
}

function detectionDelay(transcript: string): number {
  const mark = [...transcript.matchAll(MARK_LINE)].find((m) => /^(board fault|power off)/.test(m[2]));
  assert.ok(mark, 'the transcript marks the fault');
  const before = [...transcript.slice(0, mark.index).matchAll(STAMPED_LINE)].pop();
  return Number(mark[1]) - Number(before?.[1] ?? 0);
}

/** Every byte the board printed is in the transcript, in order, and nothing else but the harness's marks. */
function assertComplete(f: Faulted): void {
  assert.equal(stripTranscript(f.transcript), f.witness, 'the transcript holds every byte the board printed');
}

describe('faults injected on the virtual board @e2e', function () {
  this.timeout(240000);
  const temp = useTempDirs();
  const figures: string[] = [];
  after(() => figures.length && console.log(`      time to detection:\n${figures.map((l) => `        ${l}`).join('\n')}`));

  it('QEMU dies while the domUs boot: the boot fails at once in the domU stage, naming both domains @e2e', async function () {
    const f = await runFaulted(temp('hil-fault-qemu-'), ['--fault', 'qemu-dies@Run /init as init process'], /Board fault in stage 'domU boot: waiting for [^']*(alpha|beta)[^']*'.*the board lost power: QEMU exited unasked \(signal SIGKILL\)/);
    assertComplete(f);
    assert.ok(f.detectedAfterS < 1, `detected ${f.detectedAfterS} s after the last byte`);
    figures.push(`qemu-dies: ${f.detectedAfterS.toFixed(3)} s`);
  });

  it('the console goes silent (QEMU stopped): detected after consoleSilenceMs, in the Xen stage @e2e', async function () {
    const f = await runFaulted(temp('hil-fault-silent-'), ['--fault', 'console-silent', '--limit', 'consoleSilenceMs=4000'], /Board fault in stage 'xen: [^']+'.*the console was silent for 4000 ms \(limit consoleSilenceMs, set by --limit\)/);
    assertComplete(f);
    assert.ok(f.detectedAfterS >= 3.9 && f.detectedAfterS < 5, `detected ${f.detectedAfterS} s after the last byte`);
    figures.push(`console-silent: ${f.detectedAfterS.toFixed(3)} s (limit 4 s)`);
  });

  it('U-Boot never reaches its prompt (blank firmware): the U-Boot stage fails within its limit @e2e', async function () {
    const f = await runFaulted(temp('hil-fault-uboot-'), ['--fault', 'no-uboot', '--limit', 'consoleSilenceMs=4000'], /stage 'uboot: stop autoboot'/);
    assert.equal(f.witness, '', 'the board printed nothing');
    assertComplete(f);
    assert.ok(f.detectedAfterS >= 3.9 && f.detectedAfterS < 5, `detected ${f.detectedAfterS} s after power-on`);
    figures.push(`no-uboot: ${f.detectedAfterS.toFixed(3)} s after power-on (limit 4 s)`);
  });

  it('the serial line goes away mid-boot and comes back: the boot fails in its stage; the transcript shows it back; every byte that came through is kept @e2e', async function () {
    const f = await runFaulted(temp('hil-fault-serial-'), ['--fault', 'serial-drop'], /Board fault in stage 'xen: [^']+'.*serial line .* lost while the board ran/);
    assert.ok(f.detectedAfterS < 1, `detected ${f.detectedAfterS} s after the last byte`);
    // What the board printed while the cable was out is lost; the rest is the witness's head and tail.
    const kept = stripTranscript(f.transcript);
    let head = 0;
    while (head < kept.length && kept[head] === f.witness[head]) head++;
    assert.ok(head > 0 && head < f.witness.length, 'some output lost while the cable was out');
    assert.equal(f.witness.slice(f.witness.length - (kept.length - head)), kept.slice(head), 'after the gap, every byte is kept');
    assert.match(f.transcript, /\[hil\+?\] console disconnected[\s\S]*\[hil\+?\] console reopened/, 'the console was reopened once the cable was back');
    figures.push(`serial-drop: ${f.detectedAfterS.toFixed(3)} s`);
  });

  it('a domU panics: the failure names the domain and its panic @e2e', async function () {
    const f = await runFaulted(temp('hil-fault-domu-'), ['--system', 'test/e2e/systems/domu-panic.yaml'], /stage 'domU beta boot'.*Kernel panic - not syncing: VFS: Unable to mount root fs/);
    assertComplete(f);
    assert.ok(f.detectedAfterS < 1, `powered off ${f.detectedAfterS} s after the panic line`);
    figures.push(`domU panic: ${f.detectedAfterS.toFixed(3)} s (pattern seen)`);
  });

  it('Xen panics: the failure names the Xen stage and its panic @e2e', async function () {
    const f = await runFaulted(temp('hil-fault-xen-'), ['--system', 'suites/systems/enhanced-without-dom0.yaml'], /stage 'xen: [^']+'.*Panic on CPU/);
    assertComplete(f);
    assert.ok(f.detectedAfterS < 1, `powered off ${f.detectedAfterS} s after the panic line`);
    figures.push(`Xen panic: ${f.detectedAfterS.toFixed(3)} s (pattern seen)`);
  });

  it('the virtual LAN loses 0.1 % of frames and a chosen one: every fetch still arrives whole (U-Boot CRC-32) and the run passes @e2e', async function () {
    const reportDir = temp('hil-fault-lan-');
    const r = await hil(['run', '--suite', 'console', '--wait', '--report-dir', reportDir, '--fault', 'lan-loss', '--verify-fetches']);
    assert.equal(r.code, 0, `hil run failed:\n${r.stdout}\n${r.stderr}`);
    const record = JSON.parse(readFileSync(join(reportDir, 'report.json'), 'utf8')) as RunRecord;
    const resent = record.tftp.reduce((n, t) => n + (t.retransmits ?? 0), 0);
    assert.ok(resent > 0, 'frames were lost, and resent');
    for (const t of record.tftp) assert.match(r.stderr, new RegExp(`${t.file}: CRC-32 [0-9a-f]{8} verified in U-Boot`));
    figures.push(`lan-loss: ${resent} windows resent, all ${record.tftp.length} fetches whole`);
  });
});

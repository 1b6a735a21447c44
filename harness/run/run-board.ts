import { appendFileSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Mocha from 'mocha';
import type { ImageSet } from '../../images/recipe.ts';
import { ensureArtifacts, resolveArtifact } from '../../images/recipe.ts';
import type { SuiteDefinition } from '../../suites/index.ts';
import { describeError, HilError } from '../errors.ts';
import type { BoardInstance } from '../lab/board-instance.ts';
import { scriptBoot } from '../plan/script-boot.ts';
import { buildBootPlan, stageFiles, type BootPlan } from '../plan/uboot-commands.ts';
import { loadSystemFile, type SystemSpec } from '../plan/system-file.ts';
import { tftpMark } from '../report/marks.ts';
import type { RunRecord, TestRecord } from '../report/record.ts';
import type { SshClient } from '../ssh/ssh-client.ts';
import { TftpServer } from '../tftp/server.ts';
import { BoardSession } from './board-session.ts';
import { BootStrategy } from './boot-strategy.ts';
import { dom0SshClient, keyedDom0Ramdisk } from './dom0-access.ts';
import { setSuiteContext } from './context.ts';
import { makeCollectingReporter } from './mocha-reporter.ts';
import { recordBoot } from './record-boot.ts';

export interface RunBoardOptions {
  board: BoardInstance;
  suites: readonly SuiteDefinition[];
  /** Overrides every suite's default system. */
  systemFile?: string;
  reportDir: string;
  images: ImageSet;
  log: (line: string) => void;
  /** Given each boot's stop function (power off, transcripts closed; safe to call twice): for Ctrl-C. */
  onStopper?: (stop: () => Promise<void>) => void;
  /** Check each fetched file's CRC-32 in U-Boot (`hil run --verify-fetches`); types the plan. */
  verifyFetches?: boolean;
  /** How the plan reaches U-Boot: typed step by step (default), or as one script it fetches and sources. */
  bootMode?: BootMode;
  /** The run's record and stage as it goes (newRun()); a signal may need them before runBoard returns. */
  run?: RunInProgress;
}

export type BootMode = 'typed' | 'script';

/** A run as it goes: its record, filled in as boots end, and the stage the board is in. */
export interface RunInProgress {
  record: RunRecord;
  /** The console wait in progress or last begun, e.g. "xen: create domU 1 of 2"; 'prepare' before any. */
  stage(): string;
}

export function newRun(board: string, suites: readonly SuiteDefinition[], images?: ImageSet): RunInProgress {
  const record: RunRecord = {
    board,
    system: '',
    suites: suites.map((s) => s.name),
    ...(images ? { images: imagesLabel(images) } : {}),
    startedAt: new Date().toISOString(),
    finishedAt: '',
    passed: false,
    tests: [],
    timeline: [],
    tftp: [],
    domains: [],
    figures: {},
  };
  return { record, stage: () => 'prepare' };
}

/** "debian13 (Xen 4.20, Linux 6.12.117+deb13-cloud-arm64)" */
export function imagesLabel(images: ImageSet): string {
  return `${images.release.name} (Xen ${images.release.xen}, Linux ${images.kernelRelease})`;
}

/** The record of a run stopped from outside (a signal, a crash): failed, in the stage it was in. */
export function stoppedRun(run: RunInProgress, why: string): RunRecord {
  const { record } = run;
  record.failure ??= { stage: run.stage(), message: `the run was stopped: ${why}` };
  return finish(record);
}

function finish(record: RunRecord): RunRecord {
  record.finishedAt = new Date().toISOString();
  record.passed = !record.failure && record.tests.length > 0 && record.tests.every((t) => t.state !== 'failed');
  return record;
}

/** Boots the board once per system the suites need, runs the suites against it and returns the run's record. */
export async function runBoard(options: RunBoardOptions): Promise<RunRecord> {
  const run = options.run ?? newRun(options.board.name, options.suites, options.images);
  const { record } = run;
  for (const [systemFile, suites] of groupBySystem(options)) {
    const system = loadSystemFile(systemFile);
    record.system = [record.system, system.name].filter(Boolean).join(', ');
    try {
      await runSystem(options, system, suites, run);
    } catch (err) {
      record.failure ??= { stage: stageOf(err), message: describeError(err) };
    }
  }
  return finish(record);
}

async function runSystem(options: RunBoardOptions, system: SystemSpec, suites: SuiteDefinition[], run: RunInProgress): Promise<void> {
  const { record } = run;
  const opened = await openBoardSession(options, system);
  const { session, plan } = opened;
  let ssh: SshClient | undefined;
  run.stage = () => session.console.stage ?? 'prepare';
  let recorded = false;
  // At the end of the boot, or when a signal stops the run first: powered off, then recorded once.
  const stop = async () => {
    await opened.close();
    if (!recorded) recordBoot(session, record, system.name);
    recorded = true;
  };
  options.onStopper?.(stop);
  try {
    const strategy = new BootStrategy(session, plan);
    const figures: Record<string, number> = {};
    ssh = dom0SshClient(options.board, system, options.reportDir);
    setSuiteContext({ session, strategy, system, plan, figures, ssh });
    // Into the record as each test ends, so a run stopped midway still reports the tests done.
    await runMocha(suites, record.tests);
    Object.assign(record.figures!, figures);
  } finally {
    setSuiteContext(undefined);
    await ssh?.close();
    await stop();
  }
}

export interface OpenBoardSession {
  session: BoardSession;
  plan: BootPlan;
  /** Powers off (unless the board is to stay on), stops the TFTP server, closes the transcripts. */
  close(): Promise<void>;
}

/**
 * Everything a boot of `system` needs, up to power-on: the plan and its files staged in the run's TFTP
 * root, the TFTP server listening, the board's console open with its transcripts.
 */
export async function openBoardSession(options: Omit<RunBoardOptions, 'suites'>, system: SystemSpec): Promise<OpenBoardSession> {
  const tftpRoot = join(options.reportDir, 'tftp');
  mkdirSync(tftpRoot, { recursive: true });
  const plan = await prepareBoot(options, system, tftpRoot);
  const session = new BoardSession(options.board, {
    reportDir: options.reportDir,
    log: options.log,
    conswitchKey: plan.conswitchKey,
    hasDom0: !!plan.dom0,
    verifyFetches: options.verifyFetches,
  });
  const tftp = startTftp(session, tftpRoot, join(options.reportDir, 'tftp.log'));
  let closed: Promise<void> | undefined;
  // Idempotent: the run, Ctrl-C and a failed start may all ask.
  const close = () =>
    (closed ??= (async () => {
      await session.close();
      await tftp.close();
    })());
  try {
    await tftp.listen();
    await session.open();
  } catch (err) {
    await close();
    throw err;
  }
  return { session, plan, close };
}

export async function prepareBoot(options: Omit<RunBoardOptions, 'suites'>, system: SystemSpec, tftpRoot: string): Promise<BootPlan> {
  const { board } = options;
  await ensureArtifacts(options.images, [system.xen.image], (line) => options.log(`${board.name}: ${line}`));
  const extra = await keyedDom0Ramdisk(board, system, options.images);
  const dt = board.profile.deviceTree;
  if (dt.source === 'file' && board.writeDeviceTree) {
    const path = join(options.reportDir, 'board', dt.file);
    mkdirSync(join(options.reportDir, 'board'), { recursive: true });
    await board.writeDeviceTree(path);
    extra.set(dt.file, path);
  }
  const resolve = (nameOrPath: string) => {
    const path = extra.get(nameOrPath);
    if (path) return { name: nameOrPath, path, size: statSync(path).size };
    const artifact = resolveArtifact(options.images, nameOrPath);
    return { name: artifact.name, path: artifact.path, size: artifact.size };
  };
  const plan = buildBootPlan(system, { board: board.profile, network: board.network, limits: board.limits, resolve });
  await stageFiles(plan, tftpRoot);
  if (options.bootMode === 'script' && !options.verifyFetches) {
    plan.script = scriptBoot(plan, board.profile, board.limits);
    if (plan.script) writeFileSync(join(tftpRoot, plan.script.file.tftpName), plan.script.file.image);
    else options.log(`${board.name}: no room for the boot script at the top of the load window; typing the plan instead`);
  }
  return plan;
}

export function startTftp(session: BoardSession, root: string, logFile: string): TftpServer {
  const started = new Map<string, number>();
  return new TftpServer({
    root,
    host: session.board.tftpHost,
    port: session.board.tftpPort ?? 69,
    log: (line) => appendFileSync(logFile, `[${(session.clock.now() / 1000).toFixed(3)}] ${line}\n`),
    onStart: (file, client) => {
      started.set(`${client} ${file}`, session.clock.now());
      session.clock.mark(tftpMark(basename(file)));
    },
    onTransfer: (stats) => {
      const startMs = started.get(`${stats.client} ${stats.file}`) ?? session.clock.now() - stats.ms;
      session.transfers.push({ ...stats, file: basename(stats.file), startMs: Math.round(startMs) });
    },
  });
}

/** Counts the Mocha runs of this process: each imports its suite files afresh (see runMocha). */
let mochaRuns = 0;

async function runMocha(suites: SuiteDefinition[], tests: TestRecord[]): Promise<void> {
  const mocha = new Mocha({ reporter: makeCollectingReporter(tests), timeout: 120000 });
  // A file imported once is not run again by import() (the module cache): a file shared by two
  // suites that boot different systems, or a second run in this process, would define no tests.
  // So each run imports its files under a URL of its own, as Mocha's loader would otherwise.
  const run = ++mochaRuns;
  for (const file of [...new Set(suites.flatMap((s) => s.files))]) {
    mocha.suite.emit('pre-require', globalThis, file, mocha);
    await import(`${pathToFileURL(file).href}?hil-run=${run}`);
    mocha.suite.emit('post-require', globalThis, file, mocha);
  }
  await new Promise<void>((resolve) => mocha.run(() => resolve()));
}

function groupBySystem(options: RunBoardOptions): Map<string, SuiteDefinition[]> {
  const groups = new Map<string, SuiteDefinition[]>();
  for (const suite of options.suites) {
    const file = options.systemFile ?? suite.system;
    groups.set(file, [...(groups.get(file) ?? []), suite]);
  }
  return groups;
}

/** The stage a harness error names; anything else happened while preparing the run. */
function stageOf(err: unknown): string {
  return (err instanceof HilError && err.stage) || 'prepare';
}

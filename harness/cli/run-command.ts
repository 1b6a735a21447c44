import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureImages } from '../../images/recipe.ts';
import { DEFAULT_RELEASE } from '../../images/releases.ts';
import { findSuite, suites as allSuites, type SuiteDefinition } from '../../suites/index.ts';
import { HilError } from '../errors.ts';
import { checkBoard } from '../lab/open-board.ts';
import { loadSystemFile } from '../plan/system-file.ts';
import { renderSummary } from '../report/summary.ts';
import { writeReport } from '../report/write-report.ts';
import { newRun, runBoard, stoppedRun } from '../run/run-board.ts';
import { ensureHostPackages } from '../setup/host-setup.ts';
import { checkFaultFlags, checkLimitFlags } from './board-args.ts';
import { durationArg, parseCommandArgs, releaseArg } from './args.ts';
import { withHeldBoard } from './held-board.ts';
import { progressLog } from './progress.ts';

const USAGE = 'run --board NAME [--system FILE] [--suite NAME...] [--report-dir DIR] [--lab FILE] [--limit NAME=MS...] [--fault KIND[@TEXT]...] [--verify-fetches] [--boot-mode typed|script] [--images debian12|debian13] [--wait [--lock-timeout S]]';
const REPO = fileURLToPath(new URL('../../', import.meta.url));

export async function runCommand(args: string[]): Promise<number> {
  const { values } = parseCommandArgs('run', args, {
    board: { type: 'string', default: 'qemu-virt-arm64' },
    system: { type: 'string' },
    suite: { type: 'string', multiple: true },
    'report-dir': { type: 'string' },
    lab: { type: 'string' },
    wait: { type: 'boolean', default: false },
    'lock-timeout': { type: 'string', default: '3600' },
    limit: { type: 'string', multiple: true },
    fault: { type: 'string', multiple: true },
    'verify-fetches': { type: 'boolean', default: false },
    'boot-mode': { type: 'string', default: 'typed' },
    images: { type: 'string', default: DEFAULT_RELEASE.name },
  }, USAGE);
  const release = releaseArg(values.images!, USAGE);
  const suites = selectSuites(values.suite);
  const boardName = values.board!;
  const reportDir = resolve(values['report-dir'] ?? join(REPO, 'reports', `${stamp()}-${boardName}`));
  // Mistakes in what the user named fail now, not after minutes of setup.
  await checkBoard(boardName, values.lab);
  checkLimitFlags(values.limit);
  checkFaultFlags(values.fault);
  const bootMode = values['boot-mode'];
  if (bootMode !== 'typed' && bootMode !== 'script') throw new HilError(`--boot-mode ${bootMode}: give 'typed' or 'script'\n  usage: hil ${USAGE}`, { code: 'USAGE' });
  const systemFile = values.system && resolve(values.system);
  for (const file of new Set(systemFile ? [systemFile] : suites.map((s) => s.system))) loadSystemFile(file);
  mkdirSync(reportDir, { recursive: true });
  const log = progressLog();
  await ensureHostPackages(log);
  const images = await ensureImages({ log, release });
  const held = {
    values: { ...values, board: boardName },
    usage: USAGE,
    command: 'hil run',
    stateDir: join(reportDir, 'board'),
    log,
    lockTimeoutMs: durationArg('lock-timeout', values['lock-timeout'], 's', USAGE),
  };
  return withHeldBoard(held, async (board, onStop) => {
    log(`run ${suites.map((s) => s.name).join(', ')} on ${boardName}; report in ${reportDir}`);
    if (!values.suite?.length) for (const s of allSuites.filter((x) => x.notByDefault)) log(`left out: ${s.name} (${s.notByDefault}); ask for it with --suite ${s.name}`);
    const run = newRun(board.name, suites, images);
    // Registered first, so it runs last on a signal: after the power-off, with the boot recorded.
    onStop(async (why) => {
      if (!why) return;
      const paths = await writeReport(reportDir, stoppedRun(run, why));
      log(`report of the stopped run: ${paths.html}`);
    });
    const record = await runBoard({ board, suites, systemFile, reportDir, images, log, onStopper: onStop, run, verifyFetches: values['verify-fetches'], bootMode });
    await writeReport(reportDir, record);
    console.log(renderSummary(record, reportDir));
    return record.passed ? 0 : 1;
  });
}

function selectSuites(names: string[] | undefined): SuiteDefinition[] {
  if (!names?.length) return allSuites.filter((s) => !s.notByDefault);
  return names.map((n) => {
    const suite = findSuite(n);
    if (!suite) throw new HilError(`unknown suite '${n}'; known: ${allSuites.map((s) => s.name).join(', ')}`, { code: 'USAGE' });
    return suite;
  });
}

function stamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-').replace(/-\d+Z$/, 'Z');
}

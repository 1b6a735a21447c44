import assert from 'node:assert/strict';
import { ConsoleTimeoutError, HilError } from '../../harness/errors.ts';
import type { BoardInstance } from '../../harness/lab/board-instance.ts';
import { launchStep, networkSteps, type BootStep } from '../../harness/plan/boot-steps.ts';
import { DEFAULT_LIMITS } from '../../harness/lab/limits.ts';
import type { BootPlan } from '../../harness/plan/uboot-commands.ts';
import type { PowerSwitch } from '../../harness/power/power-switch.ts';
import { MARK } from '../../harness/report/marks.ts';
import { BoardSession } from '../../harness/run/board-session.ts';
import { BootStrategy } from '../../harness/run/boot-strategy.ts';
import { FakeUBoot } from '../support/fake-uboot.ts';
import { useTempDirs } from '../support/temp-dirs.ts';
import { fakeBoard } from './fake-board.ts';

const network: BootStep[] = networkSteps({ mode: 'static', ipaddr: '10.0.2.15', serverip: '10.0.2.2' }, DEFAULT_LIMITS);
const launch = launchStep(0x42200000, 0x42000000, DEFAULT_LIMITS);

const XEN_BOOT = [
  'Starting kernel ...',
  '(XEN) Xen version 4.17.7 (Debian 4.17.7+13-g2445b30a44-0+deb12u1) (pkg-xen-devel@lists.alioth.debian.org)',
  '(XEN) *** LOADING DOMU cpus=1 memory=40000KB ***',
  '(XEN) Loading d1 kernel from boot module @ 0000000042400000',
  '(XEN) Freed 348kB init memory.',
  '(XEN) DOM1: hil: domain alpha ready',
].join('\n');

const plan: BootPlan = {
  files: [],
  xenBootargs: '',
  domains: [{ name: 'alpha', node: '/chosen/domU-alpha', vcpus: 1, memoryKb: 262144, enhanced: false, vpl011: true, bootargs: '', modules: [] }],
  steps: [...network, launch],
  conswitchKey: 'a',
  dtbAddress: 0x42000000,
  xenAddress: 0x42200000,
};

/** A power switch whose "on" makes the fake U-Boot print its banner, as a real board's would. */
class BoardPower implements PowerSwitch {
  readonly description = 'fake relay';
  readonly calls: string[] = [];
  constructor(private readonly uboot: FakeUBoot) {}
  async on(): Promise<void> {
    this.calls.push('on');
    setTimeout(() => this.uboot.powerOn(), 5);
  }
  async off(): Promise<void> {
    this.calls.push('off');
  }
}

describe('board strategy: off → U-Boot → Xen → booted, up and down', function () {
  const temp = useTempDirs();
  const sessions: BoardSession[] = [];
  afterEach(async () => {
    for (const s of sessions.splice(0)) await s.close();
  });

  /** A board on the fake U-Boot: `launchOutput` is what the board prints after booti (Xen's boot). */
  async function rig(launchOutput = XEN_BOOT) {
    const table = Object.fromEntries(network.map((s) => [s.command, { output: '', status: 0 }]));
    const uboot = new FakeUBoot({ ...table, [launch.command]: { output: launchOutput, status: 0 } });
    const power = new BoardPower(uboot);
    const { board: base } = fakeBoard({ limits: { ubootPromptMs: 2000, xenBannerMs: 400, xenInitMs: 400, domuReadyMs: 400 } });
    const board: BoardInstance = { ...base, console: uboot, power };
    const session = new BoardSession(board, { reportDir: temp('hil-strategy-') });
    sessions.push(session);
    await session.open();
    return { session, power, strategy: () => new BootStrategy(session, plan) };
  }

  const moves = (s: BootStrategy) => s.steps.map((m) => `${m.from}→${m.to}`);

  it('walks up through every state, recording each move with its duration, and marks the timeline', async function () {
    const { session, power, strategy } = await rig();
    const s = strategy();
    await s.transition('booted');
    assert.equal(s.state, 'booted');
    assert.deepEqual(moves(s), ['off→uboot', 'uboot→xen', 'xen→booted']);
    assert.ok(s.steps.every((m) => Number.isInteger(m.ms) && m.ms >= 0));
    assert.deepEqual(power.calls, ['on']);
    for (const mark of [MARK.autobootStopped, MARK.startingKernel, MARK.domuReady]) assert.ok(session.clock.find(mark), mark);
  });

  it('stops at Xen when asked: every domain created, readiness not awaited', async function () {
    const { strategy } = await rig(XEN_BOOT.replace(/\n.*ready$/, ''));
    const s = strategy();
    await s.transition('xen');
    assert.equal(s.state, 'xen');
    await assert.rejects(s.transition('booted'), (e: unknown) => e instanceof ConsoleTimeoutError && /waiting for alpha/.test(e.stage));
  });

  it('goes back to U-Boot from booted through a power cycle', async function () {
    const { power, strategy } = await rig();
    const s = strategy();
    await s.transition('booted');
    await s.transition('uboot');
    assert.equal(s.state, 'uboot');
    assert.deepEqual(power.calls, ['on', 'off', 'on']);
    assert.deepEqual(moves(s).slice(3), ['booted→off', 'off→uboot']);
  });

  it('powers off from any state, and only once', async function () {
    const { power, strategy } = await rig();
    const s = strategy();
    await s.transition('uboot');
    await s.transition('off');
    await s.transition('off');
    assert.equal(s.state, 'off');
    assert.deepEqual(power.calls, ['on', 'off']);
    assert.deepEqual(moves(s), ['off→uboot', 'uboot→off']);
  });

  it('reaches the U-Boot prompt without a plan, and says a plan is needed to go further', async function () {
    const { session } = await rig();
    const s = new BootStrategy(session);
    await s.transition('uboot');
    await assert.rejects(s.transition('booted'), /reaching 'xen' needs a boot plan/);
  });

  it('after a failure rethrows at once naming it, until a power-off clears it', async function () {
    const { power, strategy } = await rig('Starting kernel ...');
    const s = strategy();
    await assert.rejects(s.transition('booted'), (e: unknown) => e instanceof ConsoleTimeoutError && e.stage === 'xen: banner');
    const started = performance.now();
    const again = await s.transition('booted').then(() => undefined, (e: unknown) => e);
    assert.ok(again instanceof HilError && again.code === 'BROKEN', String(again));
    assert.match(again.message, /broken state after: Timed out/);
    assert.ok(performance.now() - started < 100, 'no second wait');
    await s.transition('off');
    await s.transition('uboot');
    assert.equal(s.state, 'uboot');
    assert.deepEqual(power.calls, ['on', 'off', 'on']);
  });
});

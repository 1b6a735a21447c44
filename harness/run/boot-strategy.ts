import { MARK } from '../report/marks.ts';
import { HilError } from '../errors.ts';
import type { BootPlan } from '../plan/uboot-commands.ts';
import type { BoardSession } from './board-session.ts';
import { loadAndBoot } from './uboot-stage.ts';
import { waitForReadiness, waitForXen } from './xen-stage.ts';

/**
 * Where a board is: `off`; `uboot` (at the U-Boot prompt, autoboot stopped); `xen` (the plan typed
 * and launched, Xen booted and every planned domain created); `booted` (every domU, and dom0 where
 * there is one, printed its readiness line).
 */
export type BoardState = 'off' | 'uboot' | 'xen' | 'booted';
const ORDER: readonly BoardState[] = ['off', 'uboot', 'xen', 'booted'];

/** One move of the strategy, as it happened. */
export interface StrategyStep {
  from: BoardState;
  to: BoardState;
  ms: number;
}

/**
 * Walks a board through its states, up and down. Up, each state is reached from the one before it;
 * down, `off` is a power-off from any state, and any other state below the current one is reached
 * through a power cycle (there is no way back from Xen to U-Boot but a reset). Every move is kept in
 * `steps` with its duration.
 *
 * After a failure the strategy is broken: every later move up rethrows, so one boot failure is
 * reported once, not as a cascade of timeouts. A move to `off` is always allowed and clears it.
 */
export class BootStrategy {
  state: BoardState = 'off';
  readonly steps: StrategyStep[] = [];
  private broken?: Error;

  /** `plan` is needed for `xen` and `booted` only: `hil uboot` walks to the prompt without one. */
  constructor(
    private readonly session: BoardSession,
    private readonly plan?: BootPlan,
  ) {}

  async transition(target: BoardState): Promise<void> {
    if (target === 'off') {
      await this.move('off', () => this.session.powerOff());
      this.broken = undefined;
      return;
    }
    if (this.broken) {
      throw new HilError(`board ${this.session.board.name} is in a broken state after: ${this.broken.message.split('\n')[0]}`, {
        code: 'BROKEN',
        board: this.session.board.name,
        cause: this.broken,
      });
    }
    try {
      if (rank(target) < rank(this.state)) await this.move('off', () => this.session.powerOff());
      while (rank(this.state) < rank(target)) {
        const next = ORDER[rank(this.state) + 1];
        this.session.watchSilence(true);
        await this.move(next, () => this.enter(next));
      }
    } catch (err) {
      this.broken = err instanceof Error ? err : new Error(String(err));
      throw err;
    } finally {
      // Silence is a hang only while the board boots; at a prompt it is the board waiting for us.
      this.session.watchSilence(false);
    }
  }

  private async move(to: BoardState, work: () => Promise<void>): Promise<void> {
    const from = this.state;
    const started = performance.now();
    await work();
    this.state = to;
    if (from === to) return; // a power-off of a board already off
    const ms = Math.round(performance.now() - started);
    this.steps.push({ from, to, ms });
    this.session.log(`${this.session.board.name}: ${from} → ${to} in ${(ms / 1000).toFixed(1)} s`);
  }

  private async enter(state: BoardState): Promise<void> {
    const { session } = this;
    if (state === 'uboot') {
      session.log('power on, waiting for U-Boot');
      await session.powerOn();
      await session.uboot.stopAutoboot(session.limits.ubootPromptMs, () => session.clock.mark(MARK.ubootBanner));
      session.clock.mark(MARK.autobootStopped);
    } else if (state === 'xen') {
      const plan = this.needPlan(state);
      await loadAndBoot(session, plan);
      await waitForXen(session, plan);
    } else if (state === 'booted') {
      await waitForReadiness(session, this.needPlan(state));
    }
  }

  private needPlan(state: BoardState): BootPlan {
    if (!this.plan) throw new HilError(`board ${this.session.board.name}: reaching '${state}' needs a boot plan (a system file)`, { code: 'USAGE' });
    return this.plan;
  }
}

const rank = (state: BoardState): number => ORDER.indexOf(state);

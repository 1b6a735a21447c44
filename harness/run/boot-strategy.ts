import { MARK } from '../report/marks.ts';
import { HilError } from '../errors.ts';
import type { BootPlan } from '../plan/uboot-commands.ts';
import type { BoardSession } from './board-session.ts';
import { loadAndBoot } from './uboot-stage.ts';
import { waitForDomains } from './xen-stage.ts';

export type BoardState = 'off' | 'uboot' | 'booted';
const ORDER: BoardState[] = ['off', 'uboot', 'booted'];

/**
 * Walks a board through its states: off → U-Boot prompt → Xen with every domU ready.
 * Each transition first reaches the state before it. After a failure the strategy stays broken and
 * every later call rethrows, so one boot failure is reported once, not as a cascade of timeouts.
 */
export class BootStrategy {
  state: BoardState = 'off';
  private broken?: Error;

  constructor(
    private readonly session: BoardSession,
    private readonly plan: BootPlan,
  ) {}

  async transition(target: BoardState): Promise<void> {
    if (this.broken) {
      throw new HilError(`board ${this.session.board.name} is in a broken state after: ${this.broken.message.split('\n')[0]}`, {
        code: 'BROKEN',
        board: this.session.board.name,
        cause: this.broken,
      });
    }
    try {
      if (target === 'off') {
        await this.session.powerOff();
        this.state = 'off';
        return;
      }
      while (ORDER.indexOf(this.state) < ORDER.indexOf(target)) await this.step(ORDER[ORDER.indexOf(this.state) + 1]);
    } catch (err) {
      this.broken = err instanceof Error ? err : new Error(String(err));
      throw err;
    }
  }

  private async step(next: BoardState): Promise<void> {
    const { session } = this;
    const budgets = session.board.profile.budgets;
    if (next === 'uboot') {
      session.log('power on, waiting for U-Boot');
      await session.powerOn();
      await session.uboot.stopAutoboot(budgets.ubootPromptMs, () => session.clock.mark(MARK.ubootBanner));
      session.clock.mark(MARK.autobootStopped);
    } else if (next === 'booted') {
      await loadAndBoot(session, this.plan);
      await waitForDomains(session, this.plan);
    }
    this.state = next;
  }
}

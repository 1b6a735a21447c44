import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';

/**
 * Two pseudo-terminals joined by socat, reachable at two fixed link paths: one end plays the
 * device (a USB adapter, a relay module), the other is where the code under test connects.
 * `unplug()` kills socat (the links disappear, like an unplugged USB adapter); `plug()` brings
 * them back at the same paths.
 */
export class PtyPair {
  private socat?: ChildProcess;

  constructor(
    readonly a: string,
    readonly b: string,
  ) {}

  async plug(timeoutMs = 3000): Promise<void> {
    for (const p of [this.a, this.b]) rmSync(p, { force: true });
    const end = (link: string) => `PTY,link=${link},rawer,echo=0`;
    const socat = spawn('socat', [end(this.a), end(this.b)], { stdio: 'ignore' });
    this.socat = socat;
    const start = Date.now();
    while (!(existsSync(this.a) && existsSync(this.b))) {
      if (Date.now() - start > timeoutMs) throw new Error(`socat did not create ${this.a} and ${this.b} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Kills socat and waits until it is gone and its links are removed. */
  async unplug(): Promise<void> {
    const socat = this.socat;
    this.socat = undefined;
    if (socat && socat.exitCode === null && socat.signalCode === null) {
      const gone = new Promise((r) => socat.once('exit', r));
      socat.kill('SIGTERM');
      await gone;
    }
    for (const p of [this.a, this.b]) rmSync(p, { force: true });
  }
}

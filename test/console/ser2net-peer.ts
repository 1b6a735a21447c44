import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { closedPort } from '../power/peers/http-peer.ts';

export const SER2NET = '/usr/sbin/ser2net';

/** A real ser2net 4 (Debian) serving one serial device on a loopback TCP port, raw mode. */
export class Ser2net {
  port = 0;
  stderr = '';
  private child?: ChildProcess;

  constructor(
    private readonly dir: string,
    private readonly device: string,
  ) {}

  async start(port?: number): Promise<number> {
    this.port = port ?? (await closedPort());
    const config = join(this.dir, 'ser2net.yaml');
    writeFileSync(
      config,
      [
        'connection: &con0',
        `  accepter: tcp,127.0.0.1,${this.port}`,
        `  connector: serialdev,${this.device},115200n81,local`,
        '',
      ].join('\n'),
    );
    // -n: stay in the foreground; -u: no UUCP lock files; -P: pid file in our folder.
    const child = spawn(SER2NET, ['-n', '-u', '-c', config, '-P', join(this.dir, 'ser2net.pid')], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.child = child;
    const start = Date.now();
    while (!(await accepts(this.port))) {
      if (child.exitCode !== null || Date.now() - start > 3000) throw new Error(`ser2net did not listen on ${this.port}: ${this.stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.port;
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await gone;
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

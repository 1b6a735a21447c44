import { stopDaemon, untilListening } from '../support/daemon.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
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
    await untilListening(child, this.port, 'ser2net', 3000, () => this.stderr);
    return this.port;
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    await stopDaemon(child);
  }
}

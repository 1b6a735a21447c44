import { readFileSync } from 'node:fs';
import ssh2, { type ClientChannel } from 'ssh2';
import { connectProblem, SshError, type SshTarget } from './ssh-error.ts';
import type { HostKeyVerdict, KnownHosts } from './known-hosts.ts';

export interface SshClientOptions extends SshTarget {
  /** Private key file; read when connecting, never kept in messages or logs. */
  privateKeyFile: string;
  /** Where the host key is pinned on first use, under the board's name. */
  knownHosts: KnownHosts;
  /** Budget for TCP connect + handshake + authentication. Default 20000. */
  connectTimeoutMs?: number;
  /** Default command timeout. Default 60000. */
  commandTimeoutMs?: number;
}

export interface RunOptions {
  /** Default: the client's commandTimeoutMs. */
  timeoutMs?: number;
  /** Bytes sent to the command's standard input, then end of file. */
  stdin?: Buffer | string;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  /** Wall time of the command, channel open included. */
  ms: number;
}

/**
 * One SSH connection to a board's dom0, opened on first use and reopened if it drops. Key
 * authentication only; the host key is pinned on first use and a changed one is refused.
 */
export class SshClient {
  private connection?: Promise<ssh2.Client>;
  private live?: ssh2.Client;

  constructor(readonly options: SshClientOptions) {}

  get target(): SshTarget {
    const { board, host, port, user } = this.options;
    return { board, host, port, user };
  }

  /** Runs `command` through the user's shell; resolves whatever its exit code. */
  async run(command: string, options: RunOptions = {}): Promise<RunResult> {
    const timeoutMs = options.timeoutMs ?? this.options.commandTimeoutMs ?? 60000;
    const started = performance.now();
    const channel = await this.exec(command);
    return new Promise<RunResult>((resolve, reject) => {
      let stdout = '';
      let stderr = '';
      let exitCode: number | undefined;
      const timer = setTimeout(() => {
        channel.close();
        const output = [stdout && `stdout: ${stdout.slice(-2000)}`, stderr && `stderr: ${stderr.slice(-2000)}`].filter(Boolean).join('\n');
        reject(new SshError(this.target, `command '${command}' did not finish within ${timeoutMs} ms${output ? `\n${output}` : ''}`, { code: 'SSH_TIMEOUT' }));
      }, timeoutMs);
      channel.on('data', (d: Buffer) => (stdout += d.toString()));
      channel.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      channel.on('exit', (code: number | null, signal?: string) => (exitCode = code ?? (signal ? 128 : 255)));
      channel.on('close', () => {
        clearTimeout(timer);
        if (exitCode === undefined) reject(new SshError(this.target, `connection lost while running '${command}'`, { code: 'SSH_LOST' }));
        else resolve({ stdout, stderr, exitCode, ms: Math.round(performance.now() - started) });
      });
      if (options.stdin !== undefined) channel.end(options.stdin);
      else channel.end();
    });
  }

  /** Opens a channel running `command` (for streaming use: uploads, long-running watches). */
  async exec(command: string, options: { pty?: boolean } = {}): Promise<ClientChannel> {
    const client = await this.connect();
    return new Promise<ClientChannel>((resolve, reject) => {
      client.exec(command, options.pty ? { pty: { term: 'dumb', cols: 200, rows: 50 } } : {}, (err, channel) => {
        if (err) reject(new SshError(this.target, `cannot start '${command}': ${err.message}`, { cause: err }));
        else resolve(channel);
      });
    });
  }

  async close(): Promise<void> {
    const pending = this.connection;
    this.connection = undefined;
    const client = await pending?.catch(() => undefined);
    client?.end();
  }

  private connect(): Promise<ssh2.Client> {
    this.connection ??= this.open().catch((err) => {
      this.connection = undefined;
      throw err;
    });
    return this.connection;
  }

  private open(): Promise<ssh2.Client> {
    const { knownHosts, board, privateKeyFile } = this.options;
    const timeoutMs = this.options.connectTimeoutMs ?? 20000;
    let refused: HostKeyVerdict | undefined;
    let privateKey: Buffer;
    try {
      privateKey = readFileSync(privateKeyFile);
    } catch (err) {
      return Promise.reject(new SshError(this.target, `cannot read the key ${privateKeyFile}: ${(err as Error).message}`, { code: 'SSH_KEY', cause: err }));
    }
    const client = new ssh2.Client();
    return new Promise<ssh2.Client>((resolve, reject) => {
      const fail = (problem: string, code: string, cause?: unknown) => {
        clearTimeout(timer);
        client.destroy();
        reject(new SshError(this.target, problem, { code, cause }));
      };
      // ssh2's readyTimeout does not cover every way a connect can hang; this does.
      const timer = setTimeout(() => fail(`no SSH session within ${timeoutMs} ms`, 'SSH_TIMEOUT'), timeoutMs + 2000);
      client.on('ready', () => {
        clearTimeout(timer);
        this.live = client;
        client.on('close', () => {
          if (this.live !== client) return;
          this.live = undefined;
          this.connection = undefined;
        });
        resolve(client);
      });
      client.on('error', (err: Error & { code?: string; level?: string }) => {
        if (refused?.kind === 'changed') {
          const why = `host key changed: ${knownHosts.file} pins ${refused.pinned} for ${board}, the server presented ${refused.presented}`;
          return fail(`${why}. If dom0 was given a new host key on purpose, delete the line for ${board} from that file`, 'SSH_HOST_KEY', err);
        }
        const { problem, code } = connectProblem(err, { timeoutMs, keyFile: privateKeyFile });
        fail(problem, code, err);
      });
      client.connect({
        host: this.options.host,
        port: this.options.port,
        username: this.options.user,
        privateKey,
        readyTimeout: timeoutMs,
        hostVerifier: (key: Buffer) => {
          const verdict = knownHosts.check(board, key);
          if (verdict.kind === 'new') knownHosts.pin(board, key);
          refused = verdict.kind === 'changed' ? verdict : undefined;
          return verdict.kind !== 'changed';
        },
      });
    });
  }
}

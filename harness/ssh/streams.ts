import { createReadStream, statSync } from 'node:fs';
import { shq } from '../../images/init-scripts.ts';
import type { SshClient } from './ssh-client.ts';
import { SshError } from './ssh-error.ts';

export interface UploadResult {
  bytes: number;
  ms: number;
}

/** Copies a local file to `remotePath` through `cat` (dropbear has no SFTP server). Checks the size written. */
export async function upload(ssh: SshClient, localPath: string, remotePath: string, options: { timeoutMs?: number } = {}): Promise<UploadResult> {
  const bytes = statSync(localPath).size;
  const timeoutMs = options.timeoutMs ?? 120000;
  const started = performance.now();
  const command = `cat > ${shq(remotePath)} && wc -c < ${shq(remotePath)}`;
  const channel = await ssh.exec(command);
  const output = await new Promise<{ code?: number; stdout: string; stderr: string }>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    let code: number | undefined;
    const timer = setTimeout(() => {
      channel.close();
      reject(new SshError(ssh.target, `upload of ${localPath} to ${remotePath} did not finish within ${timeoutMs} ms`, { code: 'SSH_TIMEOUT' }));
    }, timeoutMs);
    channel.on('data', (d: Buffer) => (stdout += d.toString()));
    channel.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    channel.on('exit', (c: number | null) => (code = c ?? 255));
    channel.on('close', () => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    createReadStream(localPath).on('error', reject).pipe(channel);
  });
  const written = Number(output.stdout.trim());
  if (output.code !== 0 || written !== bytes) {
    throw new SshError(ssh.target, `upload of ${localPath} to ${remotePath} failed (exit ${output.code}, ${written} of ${bytes} bytes): ${output.stderr.trim()}`);
  }
  return { bytes, ms: Math.round(performance.now() - started) };
}

export interface WatchOptions {
  /** Patterns to wait for in the command's output, each seen once, in any order. */
  until: RegExp[];
  timeoutMs: number;
  /** Give the command a terminal (needed by `xl console`). Default false. */
  pty?: boolean;
}

export interface WatchResult {
  /** performance.now() when each pattern of `until` first matched, in the same order. */
  seenAt: number[];
  output: string;
}

/**
 * Runs `command` and reads its output as it comes until every pattern has matched, then closes the
 * channel (the command gets a hangup). For timing what a command prints, e.g. a console's lines.
 */
export async function watchOutput(ssh: SshClient, command: string, options: WatchOptions): Promise<WatchResult> {
  const channel = await ssh.exec(command, { pty: options.pty });
  const patterns = options.until.map((re) => new RegExp(re.source, re.flags.replace(/[gy]/g, '')));
  const seenAt: Array<number | undefined> = options.until.map(() => undefined);
  let output = '';
  return new Promise<WatchResult>((resolve, reject) => {
    const finish = (err?: Error) => {
      clearTimeout(timer);
      channel.removeAllListeners('close');
      channel.close();
      if (err) reject(err);
      else resolve({ seenAt: seenAt as number[], output });
    };
    const missing = () => options.until.filter((_, i) => seenAt[i] === undefined).map(String).join(', ');
    const timer = setTimeout(
      () => finish(new SshError(ssh.target, `'${command}' did not print ${missing()} within ${options.timeoutMs} ms; output ended with:\n${output.slice(-1500)}`, { code: 'SSH_TIMEOUT' })),
      options.timeoutMs,
    );
    const onData = (d: Buffer) => {
      const now = performance.now();
      output += d.toString('latin1');
      patterns.forEach((re, i) => {
        if (seenAt[i] === undefined && re.test(output)) seenAt[i] = now;
      });
      if (seenAt.every((t) => t !== undefined)) finish();
    };
    channel.on('data', onData);
    channel.stderr.on('data', onData);
    channel.on('close', () => finish(new SshError(ssh.target, `'${command}' ended before printing ${missing()}; output:\n${output.slice(-1500)}`)));
  });
}

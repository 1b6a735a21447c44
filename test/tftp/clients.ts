import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { execa } from 'execa';

/** What a real client run left: its exit code, its output, and the TFTP error it reported if any. */
export interface ClientResult {
  exitCode: number;
  output: string;
  /** TFTP error code as the client reports it (tftp-hpa and atftp print it; curl maps it to its exit code). */
  errorCode?: number;
  ms: number;
}

export interface ClientOptions {
  blksize?: number;
  windowsize?: number;
  /** The RFC 2349 `timeout` option, in seconds. */
  timeout?: number;
  tsize?: boolean;
  /** Kill the client after this long. Default 20000. */
  killAfterMs?: number;
}

export type ClientName = 'tftp-hpa' | 'atftp' | 'curl';

async function run(cmd: string, args: string[], killAfterMs = 20000): Promise<Omit<ClientResult, 'errorCode'>> {
  const t0 = performance.now();
  const r = await execa(cmd, args, { reject: false, all: true, timeout: killAfterMs, stdin: 'ignore' });
  return { exitCode: r.exitCode ?? -1, output: r.all ?? '', ms: performance.now() - t0 };
}

/** tftp-hpa: RFC 1350 only (it sends no options: blksize 512, window 1); exits 0 even on errors. */
export async function tftpHpaGet(port: number, file: string, out: string, o: ClientOptions & { mode?: 'binary' | 'ascii' } = {}) {
  const r = await run('tftp', ['127.0.0.1', String(port), '-m', o.mode ?? 'binary', '-c', 'get', file, out], o.killAfterMs);
  const m = /Error code (\d+)/.exec(r.output);
  return { ...r, errorCode: m ? Number(m[1]) : undefined };
}

export async function tftpHpaPut(port: number, local: string, remote: string): Promise<ClientResult> {
  const r = await run('tftp', ['127.0.0.1', String(port), '-m', 'binary', '-c', 'put', local, remote]);
  const m = /Error code (\d+)/.exec(r.output);
  return { ...r, errorCode: m ? Number(m[1]) : undefined };
}

/** atftp 0.8: blksize, timeout, tsize and windowsize (RFC 7440) via --option. */
export async function atftpGet(port: number, file: string, out: string, o: ClientOptions = {}): Promise<ClientResult> {
  const args = ['-g', '-r', file, '-l', out];
  if (o.blksize) args.push('--option', `blksize ${o.blksize}`);
  if (o.windowsize) args.push('--option', `windowsize ${o.windowsize}`);
  if (o.timeout) args.push('--option', `timeout ${o.timeout}`);
  if (o.tsize) args.push('--option', 'tsize enable');
  const r = await run('atftp', [...args, '127.0.0.1', String(port)], o.killAfterMs);
  // atftp prints the server's text, not its code; the code is recovered from our own wording.
  const m = /error received from server <([^>]*)>/.exec(r.output);
  const code = m ? (/^File not found/.test(m[1]) ? 1 : /^Access violation/.test(m[1]) ? 2 : 0) : undefined;
  return { ...r, errorCode: code };
}

/** curl sends blksize (when asked) and tsize; --path-as-is keeps '../' in the name; TFTP errors 1 and 2 become exit codes 68 and 69. */
export async function curlGet(port: number, file: string, out: string, o: ClientOptions = {}): Promise<ClientResult> {
  const args = ['-sS', '--path-as-is', '--max-time', String(Math.ceil((o.killAfterMs ?? 20000) / 1000)), '-o', out];
  if (o.blksize) args.push('--tftp-blksize', String(o.blksize));
  const r = await run('curl', [...args, `tftp://127.0.0.1:${port}/${file}`], o.killAfterMs);
  const code = r.exitCode === 68 ? 1 : r.exitCode === 69 ? 2 : undefined;
  return { ...r, errorCode: code };
}

export function get(client: ClientName, port: number, file: string, out: string, o: ClientOptions = {}): Promise<ClientResult> {
  return { 'tftp-hpa': tftpHpaGet, atftp: atftpGet, curl: curlGet }[client](port, file, out, o);
}

export async function sha256File(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}

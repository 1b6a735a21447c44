import { HilError } from '../errors.ts';

/** Where an SSH session goes: the board it belongs to and the address it is reached at. */
export interface SshTarget {
  /** Board name, for messages and host-key pinning. */
  board: string;
  host: string;
  port: number;
  user: string;
}

export const describeTarget = (t: SshTarget): string => `${t.user}@${t.host}:${t.port}`;

/** An SSH connection or command failed: names the board, the address and what went wrong. */
export class SshError extends HilError {
  readonly address: string;
  constructor(target: SshTarget, problem: string, options: { code?: string; cause?: unknown } = {}) {
    super(`SSH to board ${target.board} (${describeTarget(target)}): ${problem}`, {
      code: options.code ?? 'SSH',
      board: target.board,
      cause: options.cause,
    });
    this.address = describeTarget(target);
  }
}

/** A sentence for what ssh2 or the socket reported while connecting. */
export function connectProblem(err: Error & { code?: string; level?: string }, ctx: { timeoutMs: number; keyFile: string }): { problem: string; code: string } {
  if (err.code === 'ECONNREFUSED') return { problem: 'connection refused (no SSH server listening there: is dom0 up?)', code: 'SSH_REFUSED' };
  if (err.code === 'EHOSTUNREACH' || err.code === 'ENETUNREACH') return { problem: `host unreachable (${err.code})`, code: 'SSH_UNREACHABLE' };
  if (/waiting for handshake/i.test(err.message)) {
    return { problem: `no SSH handshake within ${ctx.timeoutMs} ms (something accepts the connection but does not speak SSH)`, code: 'SSH_TIMEOUT' };
  }
  if (err.level === 'client-authentication') {
    return { problem: `the server refused our key ${ctx.keyFile} (is its public key in the user's authorized_keys?)`, code: 'SSH_AUTH' };
  }
  return { problem: `connection failed: ${err.message}`, code: 'SSH' };
}

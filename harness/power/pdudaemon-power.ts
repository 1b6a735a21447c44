import { sleep } from '../util/deadline.ts';
import { httpGet } from './http-get.ts';
import { powerError, reason, type PowerTarget } from './power-error.ts';
import type { PowerSwitch } from './power-switch.ts';

export interface PduDaemonPowerOptions {
  /** Host running PDUDaemon with its HTTP listener. */
  host: string;
  /** PDUDaemon's HTTP port. Default 16421 (PDUDaemon's default). */
  port?: number;
  /** The PDU's name as written in pdudaemon.conf (`hostname=` in the request). */
  pdu: string;
  /** The outlet on that PDU (`port=` in the request). */
  outlet: number | string;
  /**
   * Seconds PDUDaemon waits before it runs an on/off request. Default 0: PDUDaemon itself defaults
   * to 5 s when the parameter is absent (pdudaemon/listener.py, process_request).
   */
  delaySeconds?: number;
  /**
   * PDUDaemon only queues a request and answers at once; the outlet switches a little later.
   * Wait this long after an accepted request before returning. Default 1000 ms.
   */
  settleMs?: number;
  /** Time limit for one HTTP request. Default 5000 ms. */
  timeoutMs?: number;
  board?: string;
}

/**
 * An outlet switched through PDUDaemon's HTTP API, as LAVA labs use it:
 * GET /power/control/{on,off,reboot}?hostname=PDU&port=OUTLET[&delay=S] (PDUDaemon README,
 * pdudaemon/httplistener.py). HTTP 200 means "accepted"; anything else carries the reason in its body.
 * PDUDaemon cannot report an outlet's state, so this switch has no state().
 */
export class PduDaemonPower implements PowerSwitch {
  readonly description: string;
  private readonly target: PowerTarget;

  constructor(private readonly options: PduDaemonPowerOptions) {
    const where = `${options.host}:${options.port ?? 16421}`;
    this.description = `pdudaemon ${options.pdu} outlet ${options.outlet} via ${where}`;
    this.target = { board: options.board, driver: 'pdudaemon', device: `${options.pdu} outlet ${options.outlet} via ${where}` };
  }

  on(): Promise<void> {
    return this.request('on', this.options.delaySeconds ?? 0);
  }

  off(): Promise<void> {
    return this.request('off', this.options.delaySeconds ?? 0);
  }

  /** Off, then on after `delaySeconds`, both queued in PDUDaemon in one request. */
  reboot(delaySeconds: number): Promise<void> {
    return this.request('reboot', delaySeconds);
  }

  private async request(command: 'on' | 'off' | 'reboot', delay: number): Promise<void> {
    const o = this.options;
    const url = new URL(`http://${o.host}:${o.port ?? 16421}/power/control/${command}`);
    url.searchParams.set('hostname', o.pdu);
    url.searchParams.set('port', String(o.outlet));
    url.searchParams.set('delay', String(delay));
    const timeoutMs = o.timeoutMs ?? 5000;
    let reply;
    try {
      reply = await httpGet(url, timeoutMs);
    } catch (err) {
      throw powerError(this.target, command, `PDUDaemon did not answer: ${reason(err)}`, err);
    }
    if (reply.status !== 200) {
      throw powerError(this.target, command, `PDUDaemon refused the request: HTTP ${reply.status} ${reply.body.trim()}`);
    }
    await sleep(o.settleMs ?? 1000);
  }
}

import { z } from 'zod';
import { sleep } from '../util/deadline.ts';
import { httpGet } from './http-get.ts';
import { powerError, reason, type PowerTarget } from './power-error.ts';
import { driverSettings, hostName, millis, pauseMillis, portNumber } from '../config/driver-options.ts';
import type { PowerSwitch } from './power-switch.ts';

/** A PDUDaemon outlet's options, as code and the lab file's `power:` give them. */
export const pduDaemonOptions = z.strictObject({
  /** Host running PDUDaemon with its HTTP listener. */
  host: hostName,
  /** PDUDaemon's HTTP port; 16421 is PDUDaemon's default. */
  port: portNumber.default(16421),
  /** The PDU's name as written in pdudaemon.conf (`hostname=` in the request). */
  pdu: z.string().min(1),
  /** The outlet on that PDU (`port=` in the request). */
  outlet: z.union([z.number().int().min(0), z.string().min(1)]),
  /**
   * Seconds PDUDaemon waits before it runs an on/off request. 0 here: PDUDaemon itself waits 5 s
   * when the parameter is absent (pdudaemon/listener.py, process_request).
   */
  delaySeconds: z.number().min(0).default(0),
  /** PDUDaemon only queues a request and answers at once; the outlet switches a little later. Wait this long after an accepted one. */
  settleMs: pauseMillis.default(1000),
  /** Time limit for one HTTP request. */
  timeoutMs: millis.default(5000),
});

export type PduDaemonPowerOptions = z.input<typeof pduDaemonOptions> & { board?: string };

/**
 * An outlet switched through PDUDaemon's HTTP API, as LAVA labs use it:
 * GET /power/control/{on,off,reboot}?hostname=PDU&port=OUTLET[&delay=S] (PDUDaemon README,
 * pdudaemon/httplistener.py). HTTP 200 means "accepted"; anything else carries the reason in its body.
 * PDUDaemon cannot report an outlet's state, so this switch has no state().
 */
export class PduDaemonPower implements PowerSwitch {
  readonly description: string;
  private readonly target: PowerTarget;
  private readonly options: z.output<typeof pduDaemonOptions>;

  constructor({ board, ...options }: PduDaemonPowerOptions) {
    const o = (this.options = driverSettings("power driver 'pdudaemon'", pduDaemonOptions, options, board));
    const where = `${o.host}:${o.port}`;
    this.description = `pdudaemon ${o.pdu} outlet ${o.outlet} via ${where}`;
    this.target = { board, driver: 'pdudaemon', device: `${o.pdu} outlet ${o.outlet} via ${where}` };
  }

  on(): Promise<void> {
    return this.request('on', this.options.delaySeconds);
  }

  off(): Promise<void> {
    return this.request('off', this.options.delaySeconds);
  }

  /** Off, then on after `delaySeconds`, both queued in PDUDaemon in one request. */
  reboot(delaySeconds: number): Promise<void> {
    return this.request('reboot', delaySeconds);
  }

  private async request(command: 'on' | 'off' | 'reboot', delay: number): Promise<void> {
    const o = this.options;
    const url = new URL(`http://${o.host}:${o.port}/power/control/${command}`);
    url.searchParams.set('hostname', o.pdu);
    url.searchParams.set('port', String(o.outlet));
    url.searchParams.set('delay', String(delay));
    let reply;
    try {
      reply = await httpGet(url, o.timeoutMs);
    } catch (err) {
      throw powerError(this.target, command, `PDUDaemon did not answer: ${reason(err)}`, err);
    }
    if (reply.status !== 200) {
      throw powerError(this.target, command, `PDUDaemon refused the request: HTTP ${reply.status} ${reply.body.trim()}`);
    }
    await sleep(o.settleMs);
  }
}

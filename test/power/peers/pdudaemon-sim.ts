import { HttpPeer } from './http-peer.ts';

/**
 * A simulated PDUDaemon HTTP listener: GET /power/control/{on,off,reboot}?hostname&port&delay.
 * Like the real daemon it only queues the request (applied after `delay` seconds, default 5) and
 * answers 200 "OK - accepted request" at once; a bad request gets 500 "Invalid request: ...".
 */
export class PduDaemonSim extends HttpPeer {
  /** Outlet state by "pdu/outlet", after queued requests ran. */
  readonly outlets = new Map<string, 'on' | 'off'>();

  constructor(pdus: string[]) {
    super((url, _req, res) => {
      const command = /^\/power\/control\/(on|off|reboot)$/.exec(url.pathname)?.[1] as 'on' | 'off' | 'reboot' | undefined;
      const pdu = url.searchParams.get('hostname');
      const outlet = url.searchParams.get('port');
      const delayS = Number(url.searchParams.get('delay') || 5);
      if (!command || !pdu || !outlet) return void res.writeHead(500).end('Invalid request: could not parse request\n');
      if (!pdus.includes(pdu)) return void res.writeHead(500).end('Invalid request: PDU was not found in config\n');
      const key = `${pdu}/${outlet}`;
      if (command === 'reboot') {
        this.outlets.set(key, 'off');
        setTimeout(() => this.outlets.set(key, 'on'), delayS * 1000);
      } else {
        setTimeout(() => this.outlets.set(key, command), delayS * 1000);
      }
      res.writeHead(200).end('OK - accepted request\n');
    });
  }
}

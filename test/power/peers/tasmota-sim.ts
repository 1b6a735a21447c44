import { HttpPeer } from './http-peer.ts';

export interface TasmotaSimOptions {
  relays: number;
  /** Web password; when set, commands need user=admin&password=... */
  password?: string;
  /** Answer relay 1 with the key "POWER" (single-relay devices). Default false. */
  bareKey?: boolean;
}

/**
 * A simulated Tasmota web command endpoint: GET /cm?[user=&password=&]cmnd=Power<N>[ On|Off].
 * Faults: stuck (relays ignore commands), garbage (answers HTML), echo (a proxy that answers with the
 * request it got: its URL, password included, in an HTML body, in JSON, and in an HTTP 502),
 * echo-everything (an HTTP 502 that echoes the password every way it can: in its status text, in
 * response headers, and in the body, raw, URL-encoded, form-encoded and as a Basic auth header).
 */
export class TasmotaSim extends HttpPeer {
  readonly relays: boolean[];
  fault: 'none' | 'stuck' | 'garbage' | 'echo-html' | 'echo-json' | 'echo-502' | 'echo-everything' = 'none';

  constructor(o: TasmotaSimOptions) {
    super((url, _req, res) => {
      const json = (body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (this.fault === 'garbage') return void res.writeHead(200).end('<html>busy</html>');
      const seen = `${url.pathname}${url.search}`;
      if (this.fault === 'echo-html') return void res.writeHead(200).end(`<html>cannot route ${seen}</html>`);
      if (this.fault === 'echo-json') return json({ Command: 'Unknown', Request: seen });
      if (this.fault === 'echo-502') return void res.writeHead(502).end(`Bad gateway for ${seen}`);
      if (this.fault === 'echo-everything') return void echoEverything(url, res);
      const p = url.searchParams;
      if (o.password !== undefined && (p.get('user') !== 'admin' || p.get('password') !== o.password)) {
        return json({ WARNING: 'Need user=<username>&password=<password>' });
      }
      const m = /^power(\d*)(?: (on|off|1|0))?$/i.exec(p.get('cmnd') ?? '');
      const n = Number(m?.[1] || 1);
      if (!m || n < 1 || n > o.relays) return json({ Command: 'Unknown' });
      if (m[2] && this.fault !== 'stuck') this.relays[n - 1] = /^(on|1)$/i.test(m[2]);
      const key = o.bareKey && n === 1 ? 'POWER' : `POWER${n}`;
      json({ [key]: this.relays[n - 1] ? 'ON' : 'OFF' });
    });
    this.relays = new Array<boolean>(o.relays).fill(false);
  }
}

/** The password of a request, echoed back in every spelling a confused proxy might use. */
function echoEverything(url: URL, res: import('node:http').ServerResponse): void {
  const seen = `${url.pathname}${url.search}`;
  const user = url.searchParams.get('user') ?? '';
  const password = url.searchParams.get('password') ?? '';
  const basic = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const form = new URLSearchParams({ password }).toString();
  res.writeHead(502, `Bad Gateway for ${seen} (password ${password})`, {
    'x-echo-url': seen,
    'x-echo-password': password,
    'www-authenticate': basic,
  });
  res.end(`auth ${basic}; form ${form}; raw ${password}; url ${seen}; json ${JSON.stringify({ password })}`);
}

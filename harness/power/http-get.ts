import { request } from 'node:http';

export interface HttpReply {
  status: number;
  /** The status line's reason phrase, e.g. "Bad Gateway" (what the server wrote: may echo anything). */
  statusText: string;
  body: string;
}

/**
 * One plain-HTTP GET with a total time limit (connect + reply). Rejects with the socket error
 * (ECONNREFUSED, ...) or with "no reply within N ms". The caller builds error messages: the URL
 * may carry credentials and must not be echoed.
 */
export function httpGet(url: URL, timeoutMs: number): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', agent: false, headers: { connection: 'close' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', fail);
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`no reply within ${timeoutMs} ms`));
    }, timeoutMs);
    function fail(err: Error) {
      clearTimeout(timer);
      reject(err);
    }
    req.on('error', fail);
    req.end();
  });
}

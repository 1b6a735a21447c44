import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Handler = (url: URL, req: IncomingMessage, res: ServerResponse) => void;

/** An HTTP server on 127.0.0.1 (ephemeral port) that records every request URL. */
export class HttpPeer {
  readonly requests: URL[] = [];
  private server?: Server;
  private readonly hung: ServerResponse[] = [];
  /** When true, requests are accepted but never answered. */
  hang = false;

  constructor(private readonly handler: Handler) {}

  async start(): Promise<number> {
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      this.requests.push(url);
      if (this.hang) return void this.hung.push(res);
      this.handler(url, req, res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    this.server = server;
    return (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const res of this.hung) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

/** A loopback port with nothing listening: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

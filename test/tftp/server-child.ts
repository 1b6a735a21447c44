/**
 * A TftpServer alone in a process, so its memory can be measured without the test's or the
 * fuzzer's (started by server-process.ts, options as JSON in argv[2], run with --expose-gc).
 * Over IPC: {type: 'memory'} is answered after a full GC (unless gc: false), {type: 'close'} closes the server.
 */
import { readdirSync } from 'node:fs';
import { TftpServer, type TftpServerOptions } from '../../harness/tftp/server.ts';

const opts = JSON.parse(process.argv[2]) as TftpServerOptions;
const lines = { log: 0, warn: 0 };
const lastWarnings: string[] = [];
const server = new TftpServer({
  ...opts,
  log: () => lines.log++,
  warn: (line) => {
    lines.warn++;
    lastWarnings.push(line);
    if (lastWarnings.length > 20) lastWarnings.shift();
  },
});
const { port } = await server.listen();
process.send!({ type: 'listening', port });
process.on('disconnect', () => process.exit(0));
process.on('message', async (m: { type: string; gc?: boolean }) => {
  if (m.type === 'memory') {
    const gc = (globalThis as { gc?: () => void }).gc!;
    if (m.gc !== false) {
      gc();
      gc();
    }
    const { rss, heapTotal, heapUsed, arrayBuffers } = process.memoryUsage();
    const peakRss = process.resourceUsage().maxRSS * 1024;
    const fds = readdirSync('/proc/self/fd').length;
    process.send!({ type: 'memory', rss, heapTotal, heapUsed, arrayBuffers, peakRss, fds, server: server.stats(), lines: { ...lines }, lastWarnings });
  } else if (m.type === 'close') {
    await server.close();
    process.send!({ type: 'closed' });
  }
});

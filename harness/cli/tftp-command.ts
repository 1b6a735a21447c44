import { HilError } from '../errors.ts';
import { serveCommand } from '../tftp/serve-command.ts';
import { parseCommandArgs } from './args.ts';

const USAGE = 'tftp serve --dir DIR [--host ADDR] [--port N]';

/** The TFTP server alone, read-only, until Ctrl-C: for labs and for comparing it with other servers. */
export async function tftpCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('tftp', args, {
    dir: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '69' },
  }, USAGE);
  if (positionals[0] !== 'serve' || !values.dir) throw new HilError(`usage: hil ${USAGE}`, { code: 'USAGE' });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new HilError(`--port: expected 1-65535, got '${values.port}'`, { code: 'USAGE' });
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  process.once('SIGTERM', () => abort.abort());
  await serveCommand({ dir: values.dir, host: values.host, port, out: process.stdout, err: process.stderr, signal: abort.signal });
  return 0;
}

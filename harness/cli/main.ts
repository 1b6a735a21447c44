import { inspect } from 'node:util';
import { describeError } from '../errors.ts';
import { scrub } from '../secrets/scrubber.ts';
type Command = (args: string[]) => Promise<number>;

// Each command is loaded only when used, so `hil boards` does not pay for Mocha or the TFTP server.
const COMMANDS: Record<string, { load: () => Promise<Command>; help: string }> = {
  run: {
    load: async () => (await import('./run-command.ts')).runCommand,
    help: 'run --board NAME [--system FILE] [--suite NAME...] [--report-dir DIR] [--lab FILE] [--wait]',
  },
  boards: { load: async () => (await import('./boards-command.ts')).boardsCommand, help: 'boards [--lab FILE]                 list board profiles and lab boards' },
  setup: { load: async () => (await import('./setup-command.ts')).setupCommand, help: 'setup [--force]                     install host packages (as root) and build boot images' },
  plan: { load: async () => (await import('./plan-command.ts')).planCommand, help: 'plan --system FILE [--board NAME]   print the U-Boot commands a system boots with' },
  power: { load: async () => (await import('./power-command.ts')).powerCommand, help: 'power on|off|cycle|state --board NAME [--lab FILE]' },
  console: {
    load: async () => (await import('./console-command.ts')).consoleCommand,
    help: 'console --board NAME [--lab FILE] [--power-on] [--domain NAME]   interactive, Ctrl-] quits',
  },
  exec: {
    load: async () => (await import('./exec-command.ts')).execCommand,
    help: 'exec --board NAME --domain NAME [--system FILE] -- CMD   boot, run CMD in a domU, exit with its status',
  },
  uboot: { load: async () => (await import('./uboot-command.ts')).ubootCommand, help: 'uboot --board NAME [--lab FILE] -- CMD...        run U-Boot commands' },
  lock: { load: async () => (await import('./lock-command.ts')).lockCommand, help: 'lock status | lock release --board NAME [--force]' },
  tftp: { load: async () => (await import('./tftp-command.ts')).tftpCommand, help: 'tftp serve --dir DIR [--host ADDR] [--port N]' },
};

export function usage(): string {
  return ['usage: hil COMMAND [options]', '', ...Object.values(COMMANDS).map((c) => `  hil ${c.help}`)].join('\n');
}

/** Runs one CLI command; returns the process exit code. Errors are printed as messages, not stack traces. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`hil: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  try {
    return await (await command.load())(rest);
  } catch (err) {
    // describeError masks the lab file's secrets; so does HIL_DEBUG's dump of the whole error object
    // (stacks, causes, what a request was given). hil.js masks the terminal too: this holds without it.
    console.error(`hil ${name}: ${describeError(err)}`);
    if (process.env.HIL_DEBUG) console.error(scrub(inspect(err, { depth: 6 })));
    return 1;
  }
}

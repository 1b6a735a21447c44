import { describeError, HilError } from '../errors.ts';
import { bootsCommand } from './boards-command.ts';
import { planCommand } from './plan-command.ts';
import { runCommand } from './run-command.ts';
import { setupCommand } from './setup-command.ts';
import { tftpCommand } from './tftp-command.ts';

type Command = (args: string[]) => Promise<number>;

const COMMANDS: Record<string, { run: Command; help: string }> = {
  run: { run: runCommand, help: 'run --board NAME [--system FILE] [--suite NAME...] [--report-dir DIR] [--lab FILE]' },
  boards: { run: bootsCommand, help: 'boards [--lab FILE]                 list board profiles and lab boards' },
  setup: { run: setupCommand, help: 'setup                               install host packages (as root) and build boot images' },
  plan: { run: planCommand, help: 'plan --system FILE [--board NAME]   print the U-Boot commands a system boots with' },
  tftp: { run: tftpCommand, help: 'tftp serve --dir DIR [--host ADDR] [--port N]' },
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
    return await command.run(rest);
  } catch (err) {
    console.error(`hil ${name}: ${describeError(err)}`);
    if (!(err instanceof HilError) && process.env.HIL_DEBUG) console.error(err);
    return 1;
  }
}

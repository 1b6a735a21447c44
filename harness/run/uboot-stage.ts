import type { BoardProfile } from '../lab/board-profile.ts';
import type { BootPlan } from '../plan/uboot-commands.ts';
import type { BoardSession } from './board-session.ts';

/** U-Boot's TFTP tuning: bigger blocks and RFC 7440 windows cut transfer time several-fold. */
export const TFTP_BLOCK_SIZE = 1468;
export const TFTP_WINDOW_SIZE = 8;

/** U-Boot commands that give the board its address and point it at the lab host. */
export function networkCommands(network: BoardProfile['network']): string[] {
  const tuning = [`setenv tftpblocksize ${TFTP_BLOCK_SIZE}`, `setenv tftpwindowsize ${TFTP_WINDOW_SIZE}`];
  if (network.mode === 'static') {
    return [`setenv ipaddr ${network.ipaddr}`, `setenv serverip ${network.serverip}`, `setenv netmask ${network.netmask ?? '255.255.255.0'}`, ...tuning];
  }
  return ['setenv autoload no', 'dhcp', ...(network.serverip ? [`setenv serverip ${network.serverip}`] : []), ...tuning];
}

/** Runs the boot plan's U-Boot commands: network, loads over TFTP, DT edits, then launches Xen. */
export async function loadAndBoot(session: BoardSession, plan: BootPlan): Promise<void> {
  const { uboot, board } = session;
  for (const command of networkCommands(board.network)) {
    await uboot.run(command, { stage: 'uboot: network setup', timeoutMs: command === 'dhcp' ? 30000 : 5000 });
  }
  const commands = [...plan.commands];
  const launch = commands.pop() as string;
  for (const command of commands) {
    const file = plan.files.find((f) => command.startsWith('tftp') && command.endsWith(` ${f.tftpName}`));
    if (file) session.log(`tftp ${file.tftpName} (${(file.size / 1048576).toFixed(1)} MiB)`);
    const timeoutMs = file ? 10000 + (file.size / 1048576) * board.profile.budgets.tftpMsPerMiB : 10000;
    await uboot.run(command, { stage: file ? `uboot: tftp ${file.tftpName}` : 'uboot: device tree', timeoutMs });
  }
  session.log(`boot: ${launch}`);
  await uboot.launch(launch);
}

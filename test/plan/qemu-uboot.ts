import { spawn, type ChildProcess } from 'node:child_process';
import { QEMU_BINARY, qemuMachineArgs, virtioNicArgs } from '../../harness/power/qemu-machine.ts';
import { sleep } from '../../harness/util/deadline.ts';

const PROMPT = '\n=> ';

/**
 * The virtual board's real U-Boot on a child QEMU's stdio, with QEMU's built-in TFTP serving `tftpRoot`
 * (inside QEMU's user network: no host socket). Test code: the harness has its own console drivers.
 */
export class QemuUboot {
  private readonly qemu: ChildProcess;
  /** Everything the board printed. */
  output = '';
  private cursor = 0;

  constructor(tftpRoot: string) {
    const args = [...qemuMachineArgs(), '-netdev', `user,id=n0,tftp=${tftpRoot}`, ...virtioNicArgs('n0')];
    this.qemu = spawn(QEMU_BINARY, [...args, '-serial', 'stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.qemu.stdout!.on('data', (d: Buffer) => (this.output += d.toString('latin1')));
    this.qemu.stderr!.on('data', (d: Buffer) => (this.output += d.toString('latin1')));
  }

  /** Waits until `pattern` appears after the cursor; moves the cursor past it and returns the text up to it. */
  async waitFor(pattern: string | RegExp, timeoutMs: number): Promise<string> {
    const end = performance.now() + timeoutMs;
    for (;;) {
      const rest = this.output.slice(this.cursor);
      const m = typeof pattern === 'string' ? { index: rest.indexOf(pattern), length: pattern.length } : ((r) => r && { index: r.index, length: r[0].length })(pattern.exec(rest));
      if (m && m.index >= 0) {
        this.cursor += m.index + m.length;
        return rest.slice(0, m.index + m.length);
      }
      if (this.qemu.exitCode !== null) throw new Error(`QEMU exited (${this.qemu.exitCode}) waiting for ${pattern}:\n${rest.slice(-2000)}`);
      if (performance.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${pattern}; last output:\n${rest.slice(-2000)}`);
      await sleep(20);
    }
  }

  /** Stops autoboot and waits for the prompt. */
  async interrupt(timeoutMs = 15000): Promise<void> {
    await this.waitFor('Hit any key to stop autoboot', timeoutMs);
    this.qemu.stdin!.write(' ');
    await this.waitFor(PROMPT, 5000);
  }

  /** Types a command, waits for the next prompt and returns what it printed (echo removed). */
  async run(command: string, timeoutMs = 10000): Promise<string> {
    this.qemu.stdin!.write(`${command}\n`);
    const text = await this.waitFor(PROMPT, timeoutMs);
    return text.slice(text.indexOf('\n') + 1, -PROMPT.length).replace(/\r/g, '');
  }

  /** Types a command that does not return to the prompt (booti). */
  send(command: string): void {
    this.qemu.stdin!.write(`${command}\n`);
  }

  kill(): void {
    if (this.qemu.exitCode === null) this.qemu.kill('SIGKILL');
  }
}

/** `fdt print` output as node path → property → raw value text (what follows "= ", without ";"); '' for empty ones. */
export function parseFdtPrint(text: string, root: string): Map<string, Map<string, string>> {
  const nodes = new Map<string, Map<string, string>>();
  const stack: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const open = /^(\S+) \{$/.exec(line);
    if (open) {
      stack.push(stack.length === 0 ? root : `${stack.at(-1)}/${open[1]}`);
      nodes.set(stack.at(-1)!, new Map());
    } else if (line === '};') {
      stack.pop();
    } else if (stack.length && line.endsWith(';')) {
      const m = /^([^\s=]+)(?: = (.*))?;$/.exec(line);
      if (m) nodes.get(stack.at(-1)!)!.set(m[1], m[2] ?? '');
    }
  }
  return nodes;
}

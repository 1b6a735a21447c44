/**
 * A synthetic but realistic dom0less serial stream (Xen 4.17 formats): U-Boot, Xen's boot, then two
 * domUs printing kernel-style lines behind `(XEN) DOMn: `, the focused domU's shell output behind a
 * single `(XEN) ` (prompts without newline, colours, `ESC[6n`), vGIC noise, a readiness line every
 * 2 MiB, and a focus switch every ~256 KiB (half of them in the middle of a prompt line).
 */

const FOCUS_CYCLE = ['DOM0', 'DOM1', 'DOM2', 'Xen'];
const KERNEL = [
  'Booting Linux on physical CPU 0x0000000000 [0x411fd070]',
  'Linux version 6.1.0-28-cloud-arm64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0)',
  'Xen 4.17 support found',
  'xen:grant_table: Grant tables using version 1 layout',
  'Memory: 197120K/262144K available (11392K kernel code, 2210K rwdata, 6708K rodata)',
  'random: crng init done',
  'Run /init as init process',
  'xen:cpu_hotplug: Unable to read cpu state',
];
const SHELL = [
  '\x1b[1;34mbin\x1b[m  \x1b[1;34mdev\x1b[m  \x1b[1;34metc\x1b[m  init  \x1b[1;34mproc\x1b[m  \x1b[1;34msys\x1b[m',
  'Filesystem                Size      Used Available Use% Mounted on',
  'devtmpfs                 96.2M         0     96.2M   0% /dev',
  'Mem:         197108       10832      183400          12        2876      181216',
];

/** Generates about `bytes` of stream (latin1), ending with the focus where it started so it can be repeated. */
export function xenStream(bytes: number, seed = 1): Buffer {
  const rnd = random(seed);
  const parts: string[] = ['U-Boot 2023.01\r\nStarting kernel ...\r\n\r\n(XEN) Xen version 4.17.5 (Debian)\r\n'];
  let size = parts[0].length;
  let focus = 0; // index into FOCUS_CYCLE; Xen boots with it on Xen, then gives it to DOM0
  let t = 0;
  let nextSwitch = 256 * 1024;
  let nextReady = 2 * 1024 * 1024;
  const add = (s: string) => {
    parts.push(s);
    size += s.length;
  };
  const stamp = () => `[${(t / 1e6).toFixed(6).padStart(12)}]`;
  const switchFocus = (midLine: boolean) => {
    focus = (focus + 1) % FOCUS_CYCLE.length;
    const line = `*** Serial input to ${FOCUS_CYCLE[focus]} (type 'CTRL-a' three times to switch input)\r\n`;
    add(midLine && FOCUS_CYCLE[focus - 1]?.startsWith('DOM') ? `(XEN) ~ # ${line}` : `(XEN) ${line}`);
  };
  add(`(XEN) *** Serial input to DOM0 (type 'CTRL-a' three times to switch input)\r\n`);
  while (size < bytes || focus !== 0) {
    t += 1 + rnd(5000);
    const r = rnd(100);
    const focused = FOCUS_CYCLE[focus];
    const other = focused === 'DOM1' ? 2 : focused === 'DOM2' ? 1 : 1 + rnd(2);
    if (size >= nextSwitch || size >= bytes) {
      switchFocus(rnd(2) === 0);
      nextSwitch += 256 * 1024;
    } else if (r < 45) add(`(XEN) DOM${other}: ${stamp()} ${KERNEL[rnd(KERNEL.length)]}\r\r\n`);
    else if (r < 50) add(`(XEN) d${other}v0: vGICD: unhandled word write 0x000000ffffffff to ICACTIVER${rnd(8)}\r\n`);
    else if (size >= nextReady) {
      add(`(XEN) DOM${other}: hil: domain ${other === 1 ? 'alpha' : 'beta'} ready\r\r\n`);
      nextReady += 2 * 1024 * 1024;
    }
    else if (focused === 'DOM1' || focused === 'DOM2') add(shellTurn(rnd));
    else add(`(XEN) DOM${other}: ${SHELL[rnd(SHELL.length)]}\r\r\n`);
  }
  return Buffer.from(parts.join(''), 'latin1');
}

/** xorshift32: small, deterministic, and its low bits are as good as its high ones. */
function random(seed: number): (n: number) => number {
  let x = seed || 1;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

/** The focused domU: a prompt (with ash's cursor query), the echoed command, its output. */
function shellTurn(rnd: (n: number) => number): string {
  const out = [`(XEN) \x1b[6n~ # `, 'ls -l /\r\r\n'];
  for (let i = rnd(4); i >= 0; i--) out.push(`(XEN) ${SHELL[rnd(SHELL.length)]}\r\r\n`);
  return out.join('');
}

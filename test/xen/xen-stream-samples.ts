/**
 * Serial streams as a dom0less board prints them with Xen 4.17 (formats from xen/arch/arm/vpl011.c,
 * xen/drivers/char/console.c and the project's reference notes), each cut into the pieces a correct
 * splitter must attribute: [stream, bytes, what the owner printed (the bytes without line prefixes)].
 * Xen's serial driver turns "\n" into "\r\n"; a Linux guest already sends "\r\n", hence "\r\r\n".
 */
export type Segment = [stream: string, raw: string, content: string];

const focus = (to: string) => `*** Serial input to ${to} (type 'CTRL-a' three times to switch input)\r\n`;
const same = (stream: string, text: string): Segment => [stream, text, text];
const xen = (text: string): Segment => ['xen', `(XEN) ${text}\r\n`, `${text}\r\n`];
const domLine = (n: number, text: string): Segment => [`DOM${n}`, `(XEN) DOM${n}: ${text}\r\r\n`, `${text}\r\r\n`];

/** Two domUs, no dom0: boot, unfocused lines, focus moves DOM0 → DOM1 → DOM2 → Xen, some of it mid-line. */
export const NO_DOM0: Segment[] = [
  same('firmware', 'U-Boot 2023.01+dfsg-2+deb12u1 (Apr 18 2024 - 22:00:42 +0000)\r\n\r\nDRAM:  2 GiB\r\n'),
  same('firmware', '=> booti 0x40200000 - 0x40000000\r\nMoving Image from 0x40200000 to 0x40400000, end=40543000\r\n'),
  same('firmware', '## Flattened Device Tree blob at 40000000\r\nStarting kernel ...\r\n\r\n'),
  xen('Checking for initrd in /chosen'),
  xen('Xen version 4.17.5 (Debian 4.17.5+72-g01140da4e8-1) (pkg-xen-devel@lists.alioth.debian.org) debug=n'),
  xen('*** LOADING DOMU cpus=1 memory=40000KB ***'),
  xen('Loading d1 kernel from boot module @ 0000000042a00000'),
  xen('*** LOADING DOMU cpus=1 memory=40000KB ***'),
  xen('Loading d2 kernel from boot module @ 0000000042a00000'),
  xen('Freed 348kB init memory.'),
  ['xen', `(XEN) ${focus('DOM0')}`, focus('DOM0')],
  domLine(1, '[    0.000000] Booting Linux on physical CPU 0x0000000000 [0x411fd070]'),
  domLine(2, '[    0.000000] Booting Linux on physical CPU 0x0000000000 [0x411fd070]'),
  xen('d1v0: vGICD: unhandled word write 0x000000ffffffff to ICACTIVER0'),
  domLine(1, 'hil: domain alpha ready'),
  domLine(2, 'hil: domain beta ready'),
  // Xen cuts an unfocused line at 126 bytes and goes on under a new prefix.
  ['DOM1', `(XEN) DOM1: ${'x'.repeat(126)}\r\n`, `${'x'.repeat(126)}\r\n`],
  domLine(1, 'tail of the long line'),
  ['xen', `(XEN) ${focus('DOM1')}`, focus('DOM1')],
  // DOM1 has the focus: its characters come one by one behind a single (XEN) …
  ['DOM1', '(XEN) ~ # ', '~ # '],
  // … so another domain's line starts mid-line, without (XEN).
  ['DOM2', 'DOM2: [   12.500000] random: crng init done\r\r\n', '[   12.500000] random: crng init done\r\r\n'],
  ['DOM1', '(XEN) echo Done DOM3\r\r\n', 'echo Done DOM3\r\r\n'],
  ['DOM1', '(XEN) Done DOM3\r\r\n', 'Done DOM3\r\r\n'],
  xen('d1v0: vGICD: unhandled word write 0x000000ffffffff to ICACTIVER4'),
  ['DOM1', '(XEN) \x1b[6n~ # ', '\x1b[6n~ # '],
  // Ctrl-a three times: the focus line interrupts DOM1's prompt.
  same('xen', focus('DOM2')),
  domLine(1, '~ # '),
  ['DOM2', '(XEN) / # ls -l *\r\r\n', '/ # ls -l *\r\r\n'],
  ['DOM2', '(XEN) \x1b[1;34mbin\x1b[m  * D DO DOM\r\r\n', '\x1b[1;34mbin\x1b[m  * D DO DOM\r\r\n'],
  xen('Xen call trace is not a domU line'),
  ['DOM2', '(XEN) / # ', '/ # '],
  same('xen', focus('Xen')),
  xen("'h' pressed -> showing installed handlers"),
  domLine(2, 'after the focus left'),
];

/** With dom0 (raw hvc0 output) and console_timestamps=boot. */
export const WITH_DOM0: Segment[] = [
  same('firmware', 'U-Boot 2023.01\r\nStarting kernel ...\r\n\r\n'),
  ['xen', '(XEN) [    0.000000] Checking for initrd in /chosen\r\n', 'Checking for initrd in /chosen\r\n'],
  ['xen', '(XEN) [    4.221026] *** LOADING DOMAIN 0 ***\r\n', '*** LOADING DOMAIN 0 ***\r\n'],
  ['xen', '(XEN) [    4.231026] *** LOADING DOMU cpus=1 memory=40000KB ***\r\n', '*** LOADING DOMU cpus=1 memory=40000KB ***\r\n'],
  ['xen', `(XEN) [    7.001000] ${focus('DOM0')}`, focus('DOM0')],
  same('dom0', '[    0.000000] Booting Linux on physical CPU 0x0000000000 [0x411fd070]\r\n'),
  ['DOM1', '(XEN) [    8.100000] DOM1: hil: domain alpha ready\r\r\n', 'hil: domain alpha ready\r\r\n'],
  same('dom0', 'hil: dom0 ready\r\nroot@dom0:~# '),
  // dom0 sits at its prompt; Xen's printk is at a line start, so DOM1's line comes with its prefix.
  ['DOM1', '(XEN) [    9.000000] DOM1: late line\r\r\n', 'late line\r\r\n'],
  same('dom0', 'xl list\r\nName   ID   Mem VCPUs\tState\tTime(s)\r\nDomain-0  0  1024  2  r-----  12.0\r\n'),
  ['xen', '(XEN) [   10.000000] d1v0 vpl011: Unexpected IN ring buffer empty\r\n', 'd1v0 vpl011: Unexpected IN ring buffer empty\r\n'],
  same('dom0', 'root@dom0:~# '),
];

export function join(segments: Segment[], part: 1 | 2 = 1): string {
  return segments.map((s) => s[part]).join('');
}

/** The text each stream must receive, in order. */
export function byStream(segments: Segment[], part: 1 | 2): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of segments) out.set(s[0], (out.get(s[0]) ?? '') + s[part]);
  return out;
}

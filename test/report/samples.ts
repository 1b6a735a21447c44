import { ConsoleTimeoutError } from '../../harness/errors.ts';
import { MARK, tftpMark } from '../../harness/report/marks.ts';
import type { RunRecord, TransferRecord } from '../../harness/report/record.ts';

/** Shaped like a QEMU virt run: U-Boot, four TFTP files, Xen, two dom0less domUs (figures seen in TCG). */
const transfers = (): TransferRecord[] => [
  { file: 'xen', bytes: 1_048_576, ms: 95, blksize: 1468, windowsize: 8, ok: true, retransmits: 0 },
  { file: 'virt.dtb', bytes: 20_480, ms: 8, blksize: 1468, windowsize: 8, ok: true, retransmits: 0 },
  { file: 'linux', bytes: 28_311_552, ms: 2000, blksize: 1468, windowsize: 8, ok: true, retransmits: 2 },
  { file: 'domu-initramfs', bytes: 1_572_864, ms: 115, blksize: 1468, windowsize: 8, ok: true, retransmits: 0 },
];

const bootMarks = () => [
  { mark: MARK.powerOn, ms: 0 },
  { mark: 'uboot-banner', ms: 600 },
  { mark: 'autoboot-stopped', ms: 900 },
  { mark: tftpMark('xen'), ms: 950 },
  { mark: tftpMark('virt.dtb'), ms: 1060 },
  { mark: tftpMark('linux'), ms: 1080 },
  { mark: tftpMark('domu-initramfs'), ms: 3100 },
  { mark: MARK.startingKernel, ms: 3400 },
  { mark: 'xen-banner', ms: 3500 },
  { mark: MARK.domuLoaded, ms: 4100, domain: 'alpha' },
  { mark: MARK.domuLoaded, ms: 4300, domain: 'beta' },
];

/** Six tests (four passed, one failed with console text in its error, one pending), all domUs up. */
export function sampleRun(): RunRecord {
  return {
    board: 'qemu-virt-arm64',
    system: 'dom0less-2dom',
    suites: ['boot', 'domains'],
    hostname: 'ci-runner-3',
    startedAt: '2025-05-01T10:00:00.000Z',
    finishedAt: '2025-05-01T10:00:31.250Z',
    passed: false,
    tests: [
      { suite: 'boot', title: 'U-Boot stops autoboot', fullTitle: 'boot U-Boot stops autoboot', state: 'passed', durationMs: 900 },
      { suite: 'boot', title: 'Xen prints its banner', fullTitle: 'boot Xen prints its banner', state: 'passed', durationMs: 2600 },
      { suite: 'boot', title: 'both domUs reach a shell', fullTitle: 'boot both domUs reach a shell', state: 'passed', durationMs: 8500 },
      {
        suite: 'domains',
        title: 'alpha has 1 vCPU & 256 MiB',
        fullTitle: 'domains alpha has 1 vCPU & 256 MiB',
        state: 'passed',
        durationMs: 420,
      },
      {
        suite: 'domains',
        title: 'beta answers "ip link" with <eth0> up',
        fullTitle: 'domains beta answers "ip link" with <eth0> up',
        state: 'failed',
        durationMs: 5012,
        error: [
          "AssertionError [ERR_ASSERTION]: expected 'state UP' in the output of 'ip link show eth0'",
          '  Received:',
          '    | 2: eth0: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN & more',
          '    | \x1b[1;31mbeta login:\x1b[0m \x01x',
        ].join('\n'),
      },
      { suite: 'domains', title: "beta's passthrough UART", fullTitle: "domains beta's passthrough UART", state: 'pending', durationMs: 0 },
    ],
    timeline: [
      ...bootMarks(),
      { mark: 'xen-init-done', ms: 7000 },
      { mark: MARK.domuReady, ms: 10_800, domain: 'alpha' },
      { mark: MARK.domuReady, ms: 12_000, domain: 'beta' },
    ],
    tftp: transfers(),
    domains: [
      { domid: 1, name: 'alpha', vcpus: 1, memoryKb: 262_144, readyMs: 10_800 },
      { domid: 2, name: 'beta', vcpus: 2, memoryKb: 524_288, readyMs: 12_000 },
    ],
    figures: { 'boot.allReadyMs': 12_000, 'tftp.MiBps': 13.52 },
  };
}

/** Xen never finished init: `failure` set, no tests, domUs loaded but never ready. */
export function sampleBootFailure(): RunRecord {
  const error = new ConsoleTimeoutError({
    stage: 'xen',
    expected: '/Freed \\d+K init memory/',
    timeoutMs: 30_000,
    board: 'qemu-virt-arm64',
    lastLines: [
      '(XEN) *** LOADING DOMU cpus=1 memory=0x40000KB ***',
      '(XEN) Loading d1 kernel from boot module @ 0000000047000000',
      '(XEN) \x1b[0;31mPanic on CPU 0:\x1b[0m',
      '(XEN) Device tree generation failed (-22) & <no more>',
    ],
  });
  return {
    board: 'qemu-virt-arm64',
    system: 'dom0less-2dom',
    suites: ['boot', 'domains'],
    startedAt: '2025-05-01T11:00:00.000Z',
    finishedAt: '2025-05-01T11:00:34.020Z',
    passed: false,
    tests: [],
    timeline: bootMarks(),
    tftp: transfers(),
    domains: [
      { domid: 1, name: 'alpha', vcpus: 1, memoryKb: 262_144 },
      { domid: 2, name: 'beta', vcpus: 2, memoryKb: 524_288 },
    ],
    failure: { stage: 'xen', message: error.message },
  };
}

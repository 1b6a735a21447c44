/** The data of one run, as written to report.json and rendered into junit.xml and index.html. */
export interface TestRecord {
  suite: string;
  title: string;
  fullTitle: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs: number;
  error?: string;
}

export interface TimelineMark {
  /** The system booted, when a run boots more than one (each boot has its own power-on). */
  boot?: string;
  mark: string;
  /** Milliseconds from power-on. */
  ms: number;
  domain?: string;
}

export interface TransferRecord {
  /** The system booted (see TimelineMark.boot). */
  boot?: string;
  file: string;
  /** When the transfer started, in ms from power-on (set by the run; absent for a bare server). */
  startMs?: number;
  bytes: number;
  ms: number;
  blksize: number;
  windowsize: number;
  client?: string;
  ok?: boolean;
  retransmits?: number;
  error?: string;
}

export interface DomainRecord {
  /** The system booted (see TimelineMark.boot). */
  boot?: string;
  domid: number;
  name: string;
  vcpus: number;
  memoryKb: number;
  /** Milliseconds from power-on until the domain printed its readiness line. */
  readyMs?: number;
}

export interface RunRecord {
  board: string;
  system: string;
  suites: string[];
  /** The image set booted: its Debian release and Xen version, e.g. "debian13 (Xen 4.20, Linux 6.12.117+deb13-cloud-arm64)". */
  images?: string;
  /** Host that ran the harness; junit.xml falls back to this machine's name when absent. */
  hostname?: string;
  startedAt: string;
  finishedAt: string;
  passed: boolean;
  tests: TestRecord[];
  timeline: TimelineMark[];
  tftp: TransferRecord[];
  domains: DomainRecord[];
  /** Set when the run stopped before or outside the tests (boot timeout, Ctrl-C...). */
  failure?: { stage: string; message: string };
  /** Extra named figures a suite wants in the report (e.g. boot-time comparisons). */
  figures?: Record<string, number>;
}

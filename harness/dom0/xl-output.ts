/** Readers for what dom0's `xl` prints (Xen 4.17), so tests compare fields, not text. */

export interface XlDomain {
  /** "(null)" for a dom0less domU nobody has named yet. */
  name: string;
  domid: number;
  memMiB: number;
  vcpus: number;
  /** Six state letters, e.g. "-b----". */
  state: string;
}

export interface XlVcpu {
  name: string;
  domid: number;
  vcpu: number;
  /** The physical CPU it runs on now; undefined when it is not running anywhere ("-"). */
  cpu?: number;
  /** Hard affinity as xl prints it: "all", "0", "0-1"... */
  hard: string;
  soft: string;
}

const LIST_ROW = /^(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+([-a-z]{6})\s+[\d.]+\s*$/;
const VCPU_ROW = /^(\S+)\s+(\d+)\s+(\d+)\s+(\d+|-)\s+\S+\s+[\d.]+\s+(\S+)\s*\/\s*(\S+)\s*$/;

/** The rows of `xl list` (header skipped). Throws on a line it cannot read: xl's format changed. */
export function parseXlList(text: string): XlDomain[] {
  return rows(text, 'Name', 'xl list', LIST_ROW).map((m) => ({
    name: m[1],
    domid: Number(m[2]),
    memMiB: Number(m[3]),
    vcpus: Number(m[4]),
    state: m[5],
  }));
}

/** The rows of `xl vcpu-list`. */
export function parseVcpuList(text: string): XlVcpu[] {
  return rows(text, 'Name', 'xl vcpu-list', VCPU_ROW).map((m) => ({
    name: m[1],
    domid: Number(m[2]),
    vcpu: Number(m[3]),
    cpu: m[4] === '-' ? undefined : Number(m[4]),
    hard: m[5],
    soft: m[6],
  }));
}

function rows(text: string, header: string, what: string, row: RegExp): RegExpExecArray[] {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() && !l.startsWith(header));
  return lines.map((line) => {
    const m = row.exec(line);
    if (!m) throw new Error(`cannot read this line of ${what}: '${line}'`);
    return m;
  });
}

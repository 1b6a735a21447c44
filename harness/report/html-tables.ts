import { domainTimes } from './boot-figures.ts';
import { duration, firstLine, mibPerSecond, seconds, size } from './format.ts';
import { html, type Html } from './html-template.ts';
import type { RunRecord, TestRecord } from './record.ts';

const none = html`<span class="muted">—</span>`;

/** Every test with its state and duration; the error folds out of a `<details>`. */
export function testsTable(record: RunRecord): Html {
  if (record.tests.length === 0) return html`<p class="muted">No test ran.</p>`;
  const row = (t: TestRecord, i: number) => html`
<tr id="test-${i}" class="${t.state}"><td>${t.suite}</td><td>${t.title}</td>
<td><span class="state ${t.state}">${t.state}</span></td><td class="num">${duration(t.durationMs)}</td>
<td>${t.error ? html`<details><summary>${firstLine(t.error)}</summary><pre>${t.error}</pre></details>` : ''}</td></tr>`;
  return html`<table id="results"><thead><tr><th>Suite</th><th>Test</th><th>State</th><th class="num">Duration</th><th>Error</th></tr></thead>
<tbody>${record.tests.map(row)}</tbody></table>`;
}

/** The domUs: what Xen was told (domid, vCPUs, memory) and when each got ready. */
export function domainsTable(record: RunRecord): Html {
  const times = domainTimes(record);
  if (times.length === 0) return html`<p class="muted">No domain recorded.</p>`;
  const rows = times.map((t) => {
    const d = record.domains.find((x) => x.name === t.name);
    return html`<tr><td class="num">${t.domid ?? none}</td><td>${t.name}</td><td class="num">${d?.vcpus ?? none}</td>
<td class="num">${d ? (d.memoryKb / 1024).toFixed(0) : none}</td><td class="num">${at(t.loadedMs)}</td>
<td class="num">${t.readyMs === undefined ? html`<span class="state failed">not ready</span>` : seconds(t.readyMs)}</td></tr>`;
  });
  return html`<table id="domains"><thead><tr><th class="num">domid</th><th>Name</th><th class="num">vCPUs</th>
<th class="num">Memory MiB</th><th class="num">Loaded at</th><th class="num">Ready at</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** The TFTP transfers with their throughput, and a total line. */
export function tftpTable(record: RunRecord): Html {
  if (record.tftp.length === 0) return html`<p class="muted">No TFTP transfer recorded.</p>`;
  const rows = record.tftp.map((t) => {
    const failed = t.ok === false || t.error !== undefined;
    return html`<tr class="${failed ? 'failed' : ''}"><td>${t.file}</td><td class="num">${size(t.bytes)}</td>
<td class="num">${t.ms}</td><td class="num">${rate(t.bytes, t.ms)}</td><td class="num">${t.blksize}/${t.windowsize}</td>
<td class="num">${t.retransmits ?? none}</td><td>${failed ? html`<span class="state failed">${t.error ?? 'failed'}</span>` : 'ok'}</td></tr>`;
  });
  const bytes = record.tftp.reduce((s, t) => s + t.bytes, 0);
  const ms = record.tftp.reduce((s, t) => s + t.ms, 0);
  return html`<table id="tftp"><thead><tr><th>File</th><th class="num">Size</th><th class="num">ms</th><th class="num">MiB/s</th>
<th class="num">blksize/window</th><th class="num">Retransmits</th><th>Result</th></tr></thead><tbody>${rows}</tbody>
<tfoot><tr><td>${record.tftp.length} files</td><td class="num">${size(bytes)}</td><td class="num">${ms}</td>
<td class="num">${rate(bytes, ms)}</td><td></td><td></td><td></td></tr></tfoot></table>`;
}

/** Named figures a suite added. */
export function figuresTable(figures: Record<string, number>): Html {
  const rows = Object.entries(figures).map(([k, v]) => html`<tr><td>${k}</td><td class="num">${formatFigure(v)}</td></tr>`);
  return html`<table id="figures"><thead><tr><th>Figure</th><th class="num">Value</th></tr></thead><tbody>${rows}</tbody></table>`;
}

const at = (ms: number | undefined) => (ms === undefined ? none : seconds(ms));
const rate = (bytes: number, ms: number) => mibPerSecond(bytes, ms)?.toFixed(1) ?? none;
const formatFigure = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(3).replace(/0+$/, ''));

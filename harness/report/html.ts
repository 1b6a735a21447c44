import { allDomainsReadyMs, domainTimes, testCounts } from './boot-figures.ts';
import { duration, firstLine, mibPerSecond, runDurationMs, seconds, size, utcStamp } from './format.ts';
import { STYLE } from './html-style.ts';
import { domainsTable, figuresTable, testsTable, tftpTable } from './html-tables.ts';
import { html, raw, type Html } from './html-template.ts';
import { MARK } from './marks.ts';
import type { RunRecord } from './record.ts';
import { bootsOf } from './boots.ts';
import { timelineRows } from './timeline-rows.ts';
import { renderTimelineSvg } from './timeline-svg.ts';

export interface HtmlOptions {
  /** Console transcripts, as paths relative to the report folder (e.g. `console/raw.log`). */
  consoleFiles: string[];
}

/** index.html: one self-contained page (inline CSS and SVG, no script) for a person to read. */
export function renderHtml(record: RunRecord, options: HtmlOptions): string {
  const verdict = record.passed ? 'PASS' : 'FAIL';
  const page = html`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/>
<title>${verdict} · ${record.board} · ${record.system}</title><style>${raw(STYLE)}</style></head>
<body>${header(record, verdict)}
<main>${failureBox(record)}${stats(record)}
<section id="timeline"><h2>Boot timeline</h2>${timeline(record)}</section>
<section><h2>Tests</h2>${testsTable(record)}</section>
<section><h2>Domains</h2>${domainsTable(record)}</section>
<section><h2>TFTP transfers</h2>${tftpTable(record)}</section>
${record.figures && Object.keys(record.figures).length > 0 ? html`<section><h2>Figures</h2>${figuresTable(record.figures)}</section>` : ''}
<section id="console"><h2>Console transcripts</h2>${consoleLinks(options.consoleFiles)}</section>
</main>
<footer>Machine-readable: <a href="report.json">report.json</a> · <a href="junit.xml">junit.xml</a> · written by hil</footer>
</body></html>
`;
  return page.__html;
}

function header(record: RunRecord, verdict: string): Html {
  const ms = runDurationMs(record.startedAt, record.finishedAt);
  const item = (k: string, v: string) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`;
  return html`<header class="top ${verdict.toLowerCase()}"><div class="top-inner"><div class="verdict">${verdict}</div>
<div><h1>${record.board}</h1><div class="system">${record.system}</div><dl>
${item('Started', utcStamp(record.startedAt))}${item('Duration', ms === undefined ? '?' : duration(ms))}
${item('Suites', record.suites.join(', ') || '—')}${record.images ? item('Images', record.images) : ''}${record.hostname ? item('Host', record.hostname) : ''}</dl></div></div></header>`;
}

function failureBox(record: RunRecord): Html {
  if (record.failure) {
    return html`<section class="failure" id="failure"><h2>Run stopped in stage “${record.failure.stage}”</h2>
<pre>${record.failure.message}</pre></section>`;
  }
  const failed = record.tests.map((t, i) => ({ t, i })).filter(({ t }) => t.state === 'failed');
  if (failed.length === 0) return html``;
  return html`<section class="failure" id="failure"><h2>${failed.length} test${failed.length > 1 ? 's' : ''} failed</h2><ul>
${failed.map(({ t, i }) => html`<li><a href="#test-${i}">${t.suite} › ${t.title}</a>${t.error ? html` <span class="muted">— ${firstLine(t.error, 110)}</span>` : ''}</li>`)}</ul></section>`;
}

function stats(record: RunRecord): Html {
  const c = testCounts(record);
  const ready = allDomainsReadyMs(domainTimes(record));
  const kernel = record.timeline.find((m) => m.mark === MARK.startingKernel)?.ms;
  const bytes = record.tftp.reduce((s, t) => s + t.bytes, 0);
  const rate = mibPerSecond(bytes, record.tftp.reduce((s, t) => s + t.ms, 0));
  const files = `TFTP, ${record.tftp.length} file${record.tftp.length === 1 ? '' : 's'}${rate ? ` at ${rate.toFixed(1)} MiB/s` : ''}`;
  const stat = (value: string, label: string) => html`<div class="stat"><b>${value}</b><span>${label}</span></div>`;
  return html`<div class="stats">
${stat(`${c.passed} / ${c.failed} / ${c.pending}`, 'passed / failed / pending')}
${stat(kernel === undefined ? '—' : seconds(kernel), 'power-on → starting kernel')}
${stat(ready === undefined ? 'not all ready' : seconds(ready), 'power-on → all domUs ready')}
${stat(size(bytes), files)}</div>`;
}

function timeline(record: RunRecord): Html {
  const boots = bootsOf(record);
  if (boots.length === 1) return bootTimeline(record);
  return html`${boots.map(({ boot, record: one }) => html`<h3>${boot ?? 'boot'}</h3>${bootTimeline(one)}`)}`;
}

function bootTimeline(record: RunRecord): Html {
  const { rows, unplaced } = timelineRows(record);
  if (rows.length === 0) return html`<p class="muted">No timeline mark recorded.</p>`;
  const note =
    unplaced.length > 0
      ? html`<p class="note">Not drawn (no <code>tftp:</code> mark gives their start): ${unplaced.map((t) => t.file).join(', ')}</p>`
      : '';
  return html`${raw(renderTimelineSvg(rows))}${note}`;
}

function consoleLinks(files: string[]): Html {
  if (files.length === 0) return html`<p class="muted">No console transcript was saved.</p>`;
  const href = (f: string) => f.split('/').map(encodeURIComponent).join('/');
  return html`<ul class="files">${files.map((f) => html`<li><a href="${href(f)}">${f}</a></li>`)}</ul>`;
}

/** The report page's stylesheet, inlined so index.html needs nothing else. */
export const STYLE = `
:root { --pass: #15803d; --fail: #b91c1c; --ink: #0f172a; --muted: #64748b; --line: #e2e8f0; --bg: #f1f5f9; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: var(--bg); }
main, .top-inner { max-width: 1240px; margin: 0 auto; padding: 0 24px; }
.top { color: #fff; padding: 22px 0; }
.top.pass { background: linear-gradient(90deg, #14532d, #15803d); }
.top.fail { background: linear-gradient(90deg, #7f1d1d, #b91c1c); }
.top-inner { display: flex; gap: 28px; align-items: center; }
.verdict { font-size: 52px; font-weight: 800; letter-spacing: 2px; padding: 4px 22px; border: 3px solid rgba(255,255,255,.8); border-radius: 10px; }
.top h1 { margin: 0; font-size: 24px; }
.top .system { font-size: 16px; opacity: .9; }
.top dl { display: flex; flex-wrap: wrap; gap: 4px 22px; margin: 8px 0 0; font-size: 13px; }
.top dt { opacity: .75; } .top dd { margin: 0 0 0 6px; font-weight: 600; }
.top dl div { display: flex; }
.stats { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 12px; margin: 18px 0; }
.stat { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
.stat b { display: block; font-size: 22px; } .stat span { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .5px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 14px 18px; margin: 16px 0; }
h2 { font-size: 17px; margin: 0 0 10px; }
.failure { border: 2px solid var(--fail); background: #fef2f2; }
.failure h2 { color: var(--fail); }
pre { background: #0f172a; color: #e2e8f0; padding: 10px 12px; border-radius: 6px; overflow-x: auto; font: 12px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; white-space: pre-wrap; word-break: break-word; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; text-transform: uppercase; letter-spacing: .4px; color: var(--muted); background: #f8fafc; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tfoot td { font-weight: 600; border-bottom: 0; }
tr.failed td { background: #fef2f2; }
.state { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 600; }
.state.passed { background: #dcfce7; color: var(--pass); } .state.failed { background: #fee2e2; color: var(--fail); }
.state.pending { background: #fef9c3; color: #a16207; }
details summary { cursor: pointer; color: var(--fail); }
details pre { margin: 6px 0 0; }
.muted { color: var(--muted); }
.note { color: var(--muted); font-size: 13px; margin: 6px 0 0; }
ul.files { margin: 0; padding-left: 20px; } ul.files a { font-family: ui-monospace, monospace; }
footer { max-width: 1240px; margin: 0 auto; padding: 8px 24px 32px; color: var(--muted); font-size: 12px; }
a { color: #1d4ed8; }
`;

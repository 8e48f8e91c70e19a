// The matrix as a text table (rows: subject vs peer; columns: scenario × role) and as an HTML page.
import type { Cell } from './matrix.js';

// n/a: a listed limitation of the peer (limitations.ts); unavailable: a peer not installed here.
const mark = { pass: 'pass', fail: 'FAIL', 'n/a': 'n/a', unavailable: 'unavailable', none: '-' } as const;
const css = { pass: 'pass', fail: 'fail', 'n/a': 'na', unavailable: 'unavailable' } as const;

function columns(cells: Cell[]): Array<{ scenario: string; role: string }> {
  const seen = new Map<string, { scenario: string; role: string }>();
  for (const c of cells) seen.set(`${c.scenario}/${c.role}`, { scenario: c.scenario, role: c.role });
  return [...seen.values()];
}

function rows(cells: Cell[]): string[] {
  return [...new Set(cells.map((c) => `${c.subject} vs ${c.peer}`))];
}

const find = (cells: Cell[], row: string, col: { scenario: string; role: string }) =>
  cells.find((c) => `${c.subject} vs ${c.peer}` === row && c.scenario === col.scenario && c.role === col.role);

/** A plain-text table, then one line per cell that did not pass, with its reason. */
export function renderTable(cells: Cell[]): string {
  const cols = columns(cells);
  const head = ['', ...cols.map((c) => `${c.scenario} (${c.role === 'offerer' ? 'offers' : 'answers'})`)];
  // '-': that cell was not run.
  const body = rows(cells).map((row) => [row, ...cols.map((col) => mark[find(cells, row, col)?.status ?? 'none'])]);
  const widths = head.map((_, i) => Math.max(...[head, ...body].map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((v, i) => v.padEnd(widths[i]!)).join(' | ');
  const out = [line(head), widths.map((w) => '-'.repeat(w)).join('-|-'), ...body.map(line)];
  const bad = cells.filter((c) => c.status !== 'pass');
  if (bad.length) out.push('', ...bad.map((c) => `${mark[c.status]}: ${c.subject} as ${c.role} vs ${c.peer}, ${c.scenario}: ${c.reason}`));
  const count = (s: Cell['status']) => cells.filter((c) => c.status === s).length;
  out.push('', `${count('pass')} pass, ${count('fail')} fail, ${count('n/a')} n/a (peer limitation), ${count('unavailable')} not available`);
  return out.join('\n');
}

const escape = (s: string) => s.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch]!);

export function renderHtml(report: { date: string; isolated: boolean; scenarios: Array<{ name: string; description: string }>; cells: Cell[] }): string {
  const { cells } = report;
  const cols = columns(cells);
  const th = cols.map((c) => `<th title="${escape(report.scenarios.find((s) => s.name === c.scenario)?.description ?? '')}">${escape(c.scenario)}<br><small>${c.role === 'offerer' ? 'offers' : 'answers'}</small></th>`).join('');
  const tr = rows(cells)
    .map((row) => {
      const tds = cols
        .map((col) => {
          const c = find(cells, row, col);
          if (!c) return '<td></td>';
          return `<td class="${css[c.status]}" title="${escape(`${c.reason} (${c.ms} ms)`)}">${mark[c.status]}</td>`;
        })
        .join('');
      return `<tr><th>${escape(row)}</th>${tds}</tr>`;
    })
    .join('\n');
  const reasons = cells
    .filter((c) => c.status !== 'pass')
    .map((c) => `<li><b>${escape(`${c.subject} as ${c.role} vs ${c.peer}, ${c.scenario}`)}</b>: ${escape(c.reason)}</li>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Interop matrix</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 2em; }
table { border-collapse: collapse; } th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: center; }
td.pass { background: #d4f7d4; } td.fail { background: #f7d4d4; } td.na { background: #f4ecd0; } td.unavailable { background: #eee; color: #777; }
</style></head><body>
<h1>Interop matrix</h1>
<p>${escape(report.date)}; ${report.isolated ? 'peers ran in their own network namespace (loopback only)' : 'candidates filtered to 127.0.0.1'}. Hover a cell for its note or reason.</p>
<table><tr><th></th>${th}</tr>
${tr}
</table>
<ul>${reasons}</ul>
<h2>Scenarios</h2><dl>${report.scenarios.map((s) => `<dt>${escape(s.name)}</dt><dd>${escape(s.description)}</dd>`).join('')}</dl>
</body></html>
`;
}

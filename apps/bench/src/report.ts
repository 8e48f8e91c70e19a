// The run's record (out/results.json), the console table, and the README block with the latest
// table (between the bench-table markers) beside results/latest.json and results/latest.svg.
import { copyFile, readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chart, formatNumber, ratio } from './chart.js';
import type { BenchRow } from './figure.js';

/** What one run wrote to out/results.json. */
export interface RunRecord {
  /** ISO time the run ended. */
  date: string;
  quick: boolean;
  /** Seconds the run took. */
  seconds?: number;
  /** `os.loadavg()` (1, 5, 15 min) at the start and at the end: the machine is shared. */
  loadAverage?: { start: number[]; end: number[] };
  /** CPUs the machine has. */
  cpus?: number;
  /** Lines shown under the table's heading, e.g. that some rows come from another run (when, at what load). */
  notes?: string[];
  rows: BenchRow[];
}

export const START_MARKER = '<!-- bench-table:start -->';
export const END_MARKER = '<!-- bench-table:end -->';

/** Anchors in the order of their first appearance. */
export function anchorsOf(rows: BenchRow[]): string[] {
  return [...new Set(rows.flatMap((r) => Object.keys(r.anchors)))];
}

function advantage(row: BenchRow, theirs: number | undefined): string {
  const r = ratio(row, theirs);
  return r === undefined ? '–' : `${r.toFixed(2)}×`;
}

/** The console table: a value and a ratio column per anchor, padded. */
export function formatTable(rows: BenchRow[], anchors: string[]): string {
  const header = ['figure', 'unit', 'ours', ...anchors.flatMap((a) => [a, `vs ${a}`])];
  const body = rows.map((r) => [
    r.figure,
    r.unit,
    formatNumber(r.ours),
    ...anchors.flatMap((a) => [formatNumber(r.anchors[a]), advantage(r, r.anchors[a])]),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n') +
    '\n\n"vs X" above 1× means ours is better than X (faster, or smaller where smaller is better).';
}

function escapeCell(s: string): string {
  return s.trim().replace(/\|/g, '\\|');
}

/** The README's table: one column per anchor, each cell "their value (ours/theirs ratio)". */
export function markdownTable(record: RunRecord): string {
  const anchors = anchorsOf(record.rows);
  const load = record.loadAverage ? `, load average ${record.loadAverage.start[0]!.toFixed(1)} at the start and ${record.loadAverage.end[0]!.toFixed(1)} at the end` : '';
  const took = record.seconds !== undefined ? `, took ${Math.round(record.seconds)} s` : '';
  const lines = [
    `${record.quick ? 'Quick run (`--quick`, a smoke test: short, noisy)' : 'Full run'} of ${record.date.slice(0, 16).replace('T', ' ')} UTC` +
      `${took}, on ${record.cpus ?? '?'} CPUs shared with other work${load}. ` +
      'Each anchor cell is its value and, in brackets, ours against it: above 1× ours is better ' +
      '(faster, or smaller where smaller is better).',
    ...(record.notes ?? []).flatMap((n) => ['', n]),
    '',
    `| figure | unit | ours | ${anchors.join(' | ')} |`,
    `| --- | --- | ---: | ${anchors.map(() => '---:').join(' | ')} |`,
  ];
  for (const row of record.rows) {
    const cells = anchors.map((a) => {
      if (!(a in row.anchors)) return '';
      const r = ratio(row, row.anchors[a]);
      return `${formatNumber(row.anchors[a])}${r === undefined ? '' : ` (${r.toFixed(2)}×)`}`;
    });
    lines.push(`| ${escapeCell(row.figure)} | ${escapeCell(row.unit)} | ${formatNumber(row.ours)} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** `readme` with the block between the markers replaced by `block` (markers added at the end if missing). */
export function replaceBlock(readme: string, block: string): string {
  const start = readme.indexOf(START_MARKER);
  const end = readme.indexOf(END_MARKER);
  const wrapped = `${START_MARKER}\n${block}\n${END_MARKER}`;
  if (start === -1 || end === -1 || end < start) return `${readme.trimEnd()}\n\n${wrapped}\n`;
  return readme.slice(0, start) + wrapped + readme.slice(end + END_MARKER.length);
}

/** Writes the run's record and chart to `outDir` (out/results.json, out/results.svg). */
export async function writeRun(outDir: string, record: RunRecord): Promise<void> {
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'results.json'), JSON.stringify(record, null, 2) + '\n');
  await writeFile(join(outDir, 'results.svg'), chart(record.rows, anchorsOf(record.rows), subtitle(record)));
}

function subtitle(record: RunRecord): string {
  const load = record.loadAverage ? `, load average ${record.loadAverage.start[0]!.toFixed(1)}–${record.loadAverage.end[0]!.toFixed(1)} on ${record.cpus} CPUs` : '';
  return `${record.date.slice(0, 16).replace('T', ' ')} UTC${record.quick ? ' (quick)' : ''}${load}`;
}

/**
 * Publishes a run (its out/results.json): results/latest.json and results/latest.svg, and the table
 * between the markers in apps/bench/README.md and in the repository's README.md.
 */
export async function updateReadme(appDir: string, recordPath: string): Promise<void> {
  const record = JSON.parse(await readFile(recordPath, 'utf8')) as RunRecord;
  const resultsDir = join(appDir, 'results');
  await mkdir(resultsDir, { recursive: true });
  await writeFile(join(resultsDir, 'latest.json'), JSON.stringify(record, null, 2) + '\n');
  await writeFile(join(resultsDir, 'latest.svg'), chart(record.rows, anchorsOf(record.rows), subtitle(record)));
  // The long-path figure's trace (cwnd and throughput over time), when the record's run made one.
  if (record.rows.some((r) => r.figure.startsWith('long path'))) {
    await copyFile(join(appDir, 'out', 'long-path-trace.svg'), join(resultsDir, 'long-path-trace.svg')).catch(() => undefined);
  }
  const table = markdownTable(record);
  await writeFile(join(appDir, 'README.md'), replaceBlock(await readFile(join(appDir, 'README.md'), 'utf8'), table));
  // The repository's README shows the same table, where it has the markers.
  const rootReadme = join(appDir, '..', '..', 'README.md');
  const root = await readFile(rootReadme, 'utf8').catch(() => '');
  if (root.includes(START_MARKER) && root.includes(END_MARKER)) await writeFile(rootReadme, replaceBlock(root, table));
}

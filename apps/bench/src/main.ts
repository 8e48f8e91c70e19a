// Runs every figure module in ./figures, then prints one table of ours beside the anchors, as ratios.
import { readdir, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chart, formatNumber, ratio } from './chart.js';
import type { BenchRow, Figure } from './figure.js';

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');

async function main(): Promise<void> {
  const files = (await readdir(join(here, 'figures'))).filter((f) => f.endsWith('.js')).sort();
  const rows: BenchRow[] = [];
  for (const file of files) {
    if (only && !only.some((prefix) => file.startsWith(prefix))) continue;
    const figure = (await import(pathToFileURL(join(here, 'figures', file)).href)).default as Figure;
    process.stderr.write(`bench: ${file} …\n`);
    const start = performance.now();
    rows.push(...(await figure({ quick })));
    process.stderr.write(`bench: ${file} took ${((performance.now() - start) / 1000).toFixed(1)} s\n`);
  }
  const anchorNames = [...new Set(rows.flatMap((r) => Object.keys(r.anchors)))];
  console.log(formatTable(rows, anchorNames));
  const outDir = join(here, '..', 'out');
  await mkdir(outDir, { recursive: true });
  const date = new Date().toISOString();
  await writeFile(join(outDir, 'results.json'), JSON.stringify({ date, quick, rows }, null, 2));
  await writeFile(join(outDir, 'results.svg'), chart(rows, anchorNames, `${date}${quick ? ' (quick)' : ''}`));
}

function advantage(row: BenchRow, theirs: number | undefined): string {
  const r = ratio(row, theirs);
  return r === undefined ? '–' : `${r.toFixed(2)}×`;
}

function formatTable(rows: BenchRow[], anchors: string[]): string {
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

await main();

// Runs every figure module in ./figures, then prints one table of ours beside the anchors, as ratios.
import { readdir, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchRow, Figure } from './figure.js';

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);

async function main(): Promise<void> {
  const files = (await readdir(join(here, 'figures'))).filter((f) => f.endsWith('.js')).sort();
  const rows: BenchRow[] = [];
  for (const file of files) {
    if (only && !file.startsWith(only)) continue;
    const figure = (await import(pathToFileURL(join(here, 'figures', file)).href)).default as Figure;
    process.stderr.write(`bench: ${file} …\n`);
    rows.push(...(await figure({ quick })));
  }
  const anchorNames = [...new Set(rows.flatMap((r) => Object.keys(r.anchors)))];
  console.log(formatTable(rows, anchorNames));
  const outDir = join(here, '..', 'out');
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'results.json'), JSON.stringify({ date: new Date().toISOString(), quick, rows }, null, 2));
}

/** Ratio ours/theirs, oriented so that above 1 always means we are better. */
function advantage(row: BenchRow, theirs: number | undefined): string {
  if (theirs === undefined || theirs === 0 || row.ours === 0) return '–';
  const ratio = row.higherIsBetter ? row.ours / theirs : theirs / row.ours;
  return `${ratio.toFixed(2)}×`;
}

function formatNumber(n: number | undefined): string {
  if (n === undefined) return '–';
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toPrecision(3);
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

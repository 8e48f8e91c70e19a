// Runs every figure module in ./figures, then prints one table of ours beside the anchors, as ratios,
// and writes out/results.json and out/results.svg. Flags: --quick, --only=<prefix,…>, --update-readme[=<results.json>].
import { readdir } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchOptions, BenchRow, Figure } from './figure.js';
import { runSharedChildren, type ChildPlan } from './peers/spawn.js';
import { anchorsOf, formatTable, updateReadme, writeRun, type RunRecord } from './report.js';

/** A peer-level figure whose child can be shared with other figures' (it exports plan and rows). */
interface Shareable {
  plan(options: BenchOptions): ChildPlan;
  rows(results: Record<string, unknown>, options: BenchOptions): BenchRow[];
}

/** What a figure module may export besides its default. */
interface FigureModule extends Partial<Shareable> {
  default: Figure;
  /** Its children mostly wait (real-time pacing, a delayed path): --quick runs it beside the others like it. */
  mostlyWaits?: boolean;
}

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const appDir = join(here, '..');
/** `--update-readme`: after the run, publish it (README table, results/latest.*); `=<file>`: publish that record instead of running. */
const updateFlag = process.argv.find((a) => a === '--update-readme' || a.startsWith('--update-readme='))?.slice('--update-readme='.length);
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');

async function main(): Promise<void> {
  const files = (await readdir(join(here, 'figures'))).filter((f) => f.endsWith('.js')).sort();
  const selected = files.filter((file) => !only || only.some((prefix) => file.startsWith(prefix)));
  const modules = new Map<string, FigureModule>();
  for (const file of selected) modules.set(file, await import(pathToFileURL(join(here, 'figures', file)).href));
  const options: BenchOptions = { quick };
  const rowsByFile = new Map<string, BenchRow[]>();
  // --quick: the peer-level figures that can share one child per stack do (memory first, in a
  // fresh process, as the names sort); a full run gives each figure its own children.
  const shared = quick ? selected.filter((f) => typeof modules.get(f)!.plan === 'function' && typeof modules.get(f)!.rows === 'function') : [];
  if (shared.length > 1) {
    const names = shared.map((f) => f.replace(/\.js$/, ''));
    process.stderr.write(`bench: ${names.join(', ')} (one child per stack) …\n`);
    const start = performance.now();
    const results = await runSharedChildren(Object.fromEntries(names.map((n, i) => [n, modules.get(shared[i]!)!.plan!(options)])));
    shared.forEach((file, i) => rowsByFile.set(file, modules.get(file)!.rows!(results[names[i]!]!, options)));
    process.stderr.write(`bench: shared children took ${((performance.now() - start) / 1000).toFixed(1)} s\n`);
  }
  const runFigure = async (file: string) => {
    process.stderr.write(`bench: ${file} …\n`);
    const start = performance.now();
    rowsByFile.set(file, await modules.get(file)!.default(options));
    process.stderr.write(`bench: ${file} took ${((performance.now() - start) / 1000).toFixed(1)} s\n`);
  };
  // --quick: figures that mostly wait (real-time video, a 50 ms path) run at the same time, and
  // beside the rest (in-process micro-benchmarks, best-of rounds), once their children have started.
  const waiting = quick ? selected.filter((f) => modules.get(f)!.mostlyWaits === true) : [];
  const rest = selected.filter((f) => !rowsByFile.has(f) && !waiting.includes(f));
  await Promise.all([
    ...waiting.map(runFigure),
    (async () => {
      if (waiting.length > 0) await new Promise((r) => setTimeout(r, 500));
      for (const file of rest) await runFigure(file);
    })(),
  ]);
  const rows = selected.flatMap((file) => rowsByFile.get(file)!);
  const end = new Date();
  const record: RunRecord = {
    date: end.toISOString(),
    quick,
    seconds: (end.getTime() - startedAt.getTime()) / 1000,
    loadAverage: { start: loadAtStart, end: loadavg() },
    cpus: cpus().length,
    rows,
  };
  console.log(formatTable(rows, anchorsOf(rows)));
  await writeRun(join(appDir, 'out'), record);
  if (updateFlag !== undefined) await updateReadme(appDir, join(appDir, 'out', 'results.json'));
}

const startedAt = new Date();
const loadAtStart = loadavg();
// --update-readme=<results.json> publishes that run without running anything.
if (updateFlag) await updateReadme(appDir, updateFlag);
else await main();

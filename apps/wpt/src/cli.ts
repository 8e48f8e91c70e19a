// pnpm wpt -- --wpt <checkout> [--filter <text>] [--timeout <s>] [--jobs <n>] [--json <file>] [--verbose]
// Runs every webrtc/ test file of the checkout that Node can run, each in its own process with a
// timeout, and prints subtests passed per file and in total.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MARK, notRunnable, testFiles, type FileResult, type SubtestResult } from './files.js';

interface Options { wpt: string; filter: string[]; timeoutS: number; jobs: number; json?: string; verbose: boolean }

function parseArgs(argv: string[]): Options {
  const options: Options = { wpt: '', filter: [], timeoutS: 30, jobs: 1, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--') continue; // pnpm may pass its separator through
    else if (arg === '--wpt') options.wpt = value();
    else if (arg === '--filter') options.filter.push(value());
    else if (arg === '--timeout') options.timeoutS = Number(value());
    else if (arg === '--jobs') options.jobs = Math.max(1, Number(value()));
    else if (arg === '--json') options.json = value();
    else if (arg === '--verbose') options.verbose = true;
    else throw new Error(`unknown argument ${arg}`);
  }
  if (options.wpt === '') throw new Error('usage: pnpm wpt -- --wpt <path to a WPT checkout> [--filter text] [--timeout s] [--jobs n] [--json file] [--verbose]');
  // pnpm runs the script in apps/wpt; a relative path means one from where pnpm was started.
  options.wpt = resolve(process.env.INIT_CWD ?? process.cwd(), options.wpt);
  return options;
}

/** A file's outcome: its subtests, or why it stopped without the harness's last word. */
interface FileRun { file: string; result: FileResult; ms: number }

function runFile(root: string, file: string, baseTimeoutS: number): Promise<FileRun> {
  const started = Date.now();
  // WPT's long timeout is six times the normal one; we give such a file twice ours.
  const timeoutS = /<meta name=["']?timeout["']? content=["']?long|META: timeout=long/.test(readFileSync(join(root, file), 'utf8')) ? 2 * baseTimeoutS : baseTimeoutS;
  const worker = fileURLToPath(new URL('./worker.js', import.meta.url));
  // The harness times out inside the worker first; the kill is for a worker that hangs anyway.
  const child = spawn(process.execPath, [worker, join(root, file), root, String(timeoutS * 1000)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const seen: SubtestResult[] = [];
  let final: FileResult | undefined;
  let stderr = '';
  let buffered = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      const at = line.indexOf(MARK);
      if (at < 0) continue;
      const { kind, value } = JSON.parse(line.slice(at + MARK.length)) as { kind: string; value: unknown };
      if (kind === 'result') seen.push(value as SubtestResult);
      else if (kind === 'done') final = value as FileResult;
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr = (stderr + chunk).slice(-2000); });
  const kill = setTimeout(() => child.kill('SIGKILL'), (timeoutS + 10) * 1000);
  return new Promise((done) => {
    child.on('close', (code, signal) => {
      clearTimeout(kill);
      const result = final ?? {
        harness: signal === 'SIGKILL' ? 'TIMEOUT' : 'ERROR',
        message: `worker ended (${signal ?? `exit ${code}`}) before the harness completed${stderr ? `: ${stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`,
        subtests: seen,
      };
      done({ file, result, ms: Date.now() - started });
    });
  });
}

/** Subtests counted for a file: a harness error with no subtests counts as one failed subtest. */
function counted(result: FileResult): { pass: number; total: number } {
  const pass = result.subtests.filter((t) => t.status === 'PASS').length;
  const total = Math.max(result.subtests.length, result.harness === 'OK' ? 0 : 1);
  return { pass, total };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  if (!existsSync(join(options.wpt, 'webrtc')) || !existsSync(join(options.wpt, 'resources/testharness.js'))) {
    console.log(`skipped: no WPT checkout at ${options.wpt} (needs webrtc/ and resources/testharness.js)`);
    return;
  }
  const all = testFiles(options.wpt).filter((f) => options.filter.length === 0 || options.filter.some((x) => f.includes(x)));
  const skipped: [string, string][] = [];
  const runnable: string[] = [];
  for (const file of all) {
    const reason = notRunnable(options.wpt, file);
    if (reason === undefined) runnable.push(file);
    else skipped.push([file, reason]);
  }
  console.log(`WPT checkout ${options.wpt}: ${all.length} test files, ${runnable.length} runnable in Node, ${skipped.length} not`);

  const runs: FileRun[] = [];
  const queue = [...runnable];
  const lane = async (): Promise<void> => {
    for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
      const run = await runFile(options.wpt, file, options.timeoutS);
      runs.push(run);
      const { pass, total } = counted(run.result);
      const timedOut = run.result.subtests.filter((t) => t.status === 'TIMEOUT').length;
      console.log(`${pass === total ? 'PASS' : 'FAIL'} ${file}: ${pass}/${total}${timedOut ? `, ${timedOut} timed out` : ''}` +
        `${run.result.harness !== 'OK' ? ` [harness ${run.result.harness}: ${run.result.message ?? ''}]` : ''} (${(run.ms / 1000).toFixed(1)} s)`);
      if (options.verbose || pass !== total) {
        for (const t of run.result.subtests) {
          if (options.verbose || t.status !== 'PASS') console.log(`    ${t.status} ${t.name}${t.message ? ` — ${t.message.split('\n')[0]!.slice(0, 300)}` : ''}`);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: options.jobs }, lane));
  runs.sort((a, b) => a.file.localeCompare(b.file));

  let pass = 0;
  let total = 0;
  for (const run of runs) {
    const c = counted(run.result);
    pass += c.pass;
    total += c.total;
  }
  const files = runs.filter((r) => { const c = counted(r.result); return c.pass === c.total; }).length;
  console.log('\nNot runnable in Node:');
  for (const [file, reason] of skipped) console.log(`  ${file}: ${reason}`);
  console.log(`\nSubtests passed: ${pass}/${total} = ${total ? ((100 * pass) / total).toFixed(1) : '0.0'} % ` +
    `(files all passing: ${files}/${runs.length}; ${skipped.length} files not runnable)`);
  if (options.json !== undefined) {
    writeFileSync(resolve(process.env.INIT_CWD ?? process.cwd(), options.json), JSON.stringify({ wpt: options.wpt, pass, total, skipped, runs }, null, 2));
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 2;
});

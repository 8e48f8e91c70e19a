// Runs a figure's measure() for one stack in a child node process, so that no state (memory,
// threads, sockets, JIT) carries from one stack to the next. As root, the child runs in a new
// network namespace holding only `lo` (unshare -n), so nothing it sends can leave the machine.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stackNames, type StackName } from './index.js';

const here = dirname(fileURLToPath(import.meta.url));
let isolation: boolean | undefined;

/** Whether children can run under `unshare -n` (root, util-linux, iproute2); BENCH_NO_UNSHARE=1 turns it off. */
export function isolated(): boolean {
  if (isolation === undefined) {
    isolation = process.env.BENCH_NO_UNSHARE !== '1' && process.getuid?.() === 0 &&
      spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up'], { stdio: 'ignore', timeout: 5000 }).status === 0;
  }
  return isolation;
}

/** The result of `figure`'s measure() for `stack`, or undefined (with the reason on stderr) when it failed. */
export function runInChild<T>(figure: string, stack: StackName, params: object, timeoutMs: number): Promise<T | undefined> {
  const node = [process.execPath, '--expose-gc', join(here, 'child.js'), figure, stack, JSON.stringify(params)];
  const [command, ...args] = isolated() ? ['unshare', '-n', 'sh', '-c', 'ip link set lo up && exec "$0" "$@"', ...node] : node;
  return new Promise((resolve) => {
    const child = spawn(command!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      stderr += `\nkilled after ${timeoutMs} ms`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', () => {
      clearTimeout(timer);
      if (process.env.BENCH_VERBOSE) process.stderr.write(stderr.split('\n').filter((l) => l.startsWith('bench: ')).map((l) => `${l}\n`).join(''));
      const line = stdout.split('\n').find((l) => l.startsWith('BENCH-RESULT '));
      if (line) return resolve(JSON.parse(line.slice('BENCH-RESULT '.length)) as T);
      const why = stdout.split('\n').find((l) => l.startsWith('BENCH-ERROR '))?.slice('BENCH-ERROR '.length) ??
        stderr.trim().split('\n').slice(-3).join(' / ');
      process.stderr.write(`bench: ${figure} ${stack}: no result (${why || 'no output'})\n`);
      resolve(undefined);
    });
  });
}

/** How to run a figure's children. */
export interface RunOptions {
  /** The stacks to run (default: all four). */
  stacks?: readonly StackName[];
  /**
   * Run the children at the same time. Only for figures that mostly wait (real-time pacing, a
   * delayed path), where the machine's two cores are not what the figure measures; and in --quick.
   */
  parallel?: boolean;
}

/** measure() for every stack, one child after the other unless `parallel` (the machine is shared). */
export async function runForEachStack<T>(figure: string, params: object, timeoutMs: number, options: RunOptions = {}): Promise<Record<StackName, T | undefined>> {
  const out = {} as Record<StackName, T | undefined>;
  const run = async (stack: StackName) => {
    const start = performance.now();
    out[stack] = await runInChild<T>(figure, stack, params, timeoutMs);
    if (process.env.BENCH_VERBOSE) process.stderr.write(`bench: ${figure} ${stack}: ${((performance.now() - start) / 1000).toFixed(1)} s\n`);
  };
  const stacks = options.stacks ?? stackNames;
  if (options.parallel) await Promise.all(stacks.map(run));
  else for (const stack of stacks) await run(stack);
  return out;
}

/** What a peer-level figure's child gets, and how long it may take. */
export interface ChildPlan {
  params: object;
  timeoutMs: number;
}

/**
 * Several figures' measure() in one child per stack, in the order given (--quick: each child's
 * start-up, werift's 2–3 s above all, is paid once instead of once per figure). Results by figure,
 * then by stack.
 */
export async function runSharedChildren(plans: Record<string, ChildPlan>): Promise<Record<string, Partial<Record<StackName, unknown>>>> {
  const figures = Object.keys(plans);
  const params = Object.fromEntries(figures.map((f) => [f, plans[f]!.params]));
  const timeoutMs = figures.reduce((sum, f) => sum + plans[f]!.timeoutMs, 0);
  const byStack = await runForEachStack<Record<string, unknown>>(figures.join(','), params, timeoutMs);
  return Object.fromEntries(figures.map((f) => [f, Object.fromEntries(stackNames.map((s) => [s, byStack[s]?.[f]]))]));
}

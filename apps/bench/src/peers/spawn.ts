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
      const line = stdout.split('\n').find((l) => l.startsWith('BENCH-RESULT '));
      if (line) return resolve(JSON.parse(line.slice('BENCH-RESULT '.length)) as T);
      const why = stdout.split('\n').find((l) => l.startsWith('BENCH-ERROR '))?.slice('BENCH-ERROR '.length) ??
        stderr.trim().split('\n').slice(-3).join(' / ');
      process.stderr.write(`bench: ${figure} ${stack}: no result (${why || 'no output'})\n`);
      resolve(undefined);
    });
  });
}

/** measure() for every stack, one child after the other (never in parallel: the machine is shared). */
export async function runForEachStack<T>(figure: string, params: object, timeoutMs: number): Promise<Record<StackName, T | undefined>> {
  const out = {} as Record<StackName, T | undefined>;
  for (const stack of stackNames) {
    const start = performance.now();
    out[stack] = await runInChild<T>(figure, stack, params, timeoutMs);
    if (process.env.BENCH_VERBOSE) process.stderr.write(`bench: ${figure} ${stack}: ${((performance.now() - start) / 1000).toFixed(1)} s\n`);
  }
  return out;
}

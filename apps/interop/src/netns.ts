// One network namespace for a run: a holder process (`unshare -n`, loopback up) and every peer
// entered into it with `nsenter`. Inside, only loopback exists, so nothing can leave the machine,
// and the peers still reach each other on 127.0.0.1. Needs root; without it (or with
// INTEROP_NETNS=0) peers run as they are and the harness's loopback-only candidate filter and each
// peer's own settings keep them on loopback.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface Namespace {
  /** Why the run is not isolated, or null when it is. */
  readonly unisolated: string | null;
  wrap(command: string, args: string[]): [string, string[]];
  close(): void;
}

function has(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

export async function startNamespace(): Promise<Namespace> {
  const plain = (why: string): Namespace => ({ unisolated: why, wrap: (c, a) => [c, a], close: () => undefined });
  if (process.env.INTEROP_NETNS === '0') return plain('INTEROP_NETNS=0');
  if (process.getuid?.() !== 0) return plain('not root');
  if (!has('unshare') || !has('nsenter') || !has('ip')) return plain('unshare, nsenter or ip missing');
  const holder: ChildProcess = spawn('unshare', ['-n', 'sh', '-c', 'ip link set lo up && echo up && exec sleep 100000'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const up = await new Promise<boolean>((resolve) => {
    createInterface({ input: holder.stdout! }).once('line', (line) => resolve(line === 'up'));
    holder.once('exit', () => resolve(false));
    holder.once('error', () => resolve(false));
  });
  if (!up || holder.pid === undefined) {
    holder.kill('SIGKILL');
    return plain('unshare -n failed');
  }
  const pid = String(holder.pid);
  // The holder must not outlive the run.
  const kill = () => holder.kill('SIGKILL');
  process.once('exit', kill);
  return {
    unisolated: null,
    wrap: (command, args) => ['nsenter', ['-t', pid, '-n', '--', command, ...args]],
    close: () => {
      process.off('exit', kill);
      kill();
    },
  };
}

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
  /**
   * Gives the namespace a network with a default route, for a browser that only hides addresses
   * it would otherwise show: a veth pair, both ends inside (10.255.0.1 on one end, the route via
   * the other end, so packets to anywhere end there: nothing leaves). Resolves with its undo.
   */
  addRoutedNetwork(): Promise<() => void>;
  close(): void;
}

/** The namespace's address on the veth that {@link Namespace.addRoutedNetwork} adds. */
export const routedAddress = '10.255.0.1';

function has(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

export async function startNamespace(): Promise<Namespace> {
  const plain = (why: string): Namespace => ({
    unisolated: why,
    wrap: (c, a) => [c, a],
    addRoutedNetwork: () => Promise.reject(new Error(`a routed network needs a network namespace of the run's own (here: ${why})`)),
    close: () => undefined,
  });
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
  const inside = (script: string) => spawnSync('nsenter', ['-t', pid, '-n', '--', 'sh', '-c', script], { encoding: 'utf8' });
  return {
    unisolated: null,
    wrap: (command, args) => ['nsenter', ['-t', pid, '-n', '--', command, ...args]],
    async addRoutedNetwork() {
      const made = inside(
        `ip link add xi-veth0 type veth peer name xi-veth1 && ip addr add ${routedAddress}/24 dev xi-veth0 && ip link set xi-veth1 up && ip link set xi-veth0 up && ip route add default via 10.255.0.2 dev xi-veth0`,
      );
      if (made.status !== 0) {
        inside('ip link del xi-veth0 2>/dev/null');
        throw new Error(`could not add a veth pair in the namespace: ${made.stderr.trim()}`);
      }
      return () => void inside('ip link del xi-veth0');
    },
    close: () => {
      process.off('exit', kill);
      kill();
    },
  };
}

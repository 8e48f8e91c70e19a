/**
 * Three network namespaces joined by two veth pairs, made and removed by the test (root):
 * peer A (10.77.1.1) ── veth ── relay (10.77.1.2 | 10.77.2.2) ── veth ── peer B (10.77.2.1).
 * A and B reach each other only through the relay's process; nothing is routed, and nothing
 * leaves the namespaces.
 */
import { spawnSync } from 'node:child_process';

/** The namespaces and addresses of one topology. */
export interface Topology {
  readonly a: string;
  readonly relay: string;
  readonly b: string;
  readonly addressA: string;
  readonly relayAddressA: string;
  readonly relayAddressB: string;
  readonly addressB: string;
  remove(): void;
}

function ip(args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr || r.error?.message || `exit ${String(r.status)}`}`);
}

/** Makes the topology, or throws (not root, no `ip`, no veth). Names carry `tag` to stay unique. */
export function makeTopology(tag: string): Topology {
  const t = {
    a: `xrob-${tag}-a`, relay: `xrob-${tag}-r`, b: `xrob-${tag}-b`,
    addressA: '10.77.1.1', relayAddressA: '10.77.1.2', relayAddressB: '10.77.2.2', addressB: '10.77.2.1',
  };
  const remove = (): void => {
    for (const ns of [t.a, t.relay, t.b]) spawnSync('ip', ['netns', 'del', ns], { timeout: 10_000 });
  };
  try {
    for (const ns of [t.a, t.relay, t.b]) {
      ip(['netns', 'add', ns]);
      ip(['-n', ns, 'link', 'set', 'lo', 'up']);
    }
    // Made inside the relay's namespace, then one end moved out: no name ever exists on the host.
    ip(['-n', t.relay, 'link', 'add', 'ra', 'type', 'veth', 'peer', 'name', 'pa']);
    ip(['-n', t.relay, 'link', 'add', 'rb', 'type', 'veth', 'peer', 'name', 'pb']);
    ip(['-n', t.relay, 'link', 'set', 'pa', 'netns', t.a]);
    ip(['-n', t.relay, 'link', 'set', 'pb', 'netns', t.b]);
    ip(['-n', t.relay, 'addr', 'add', `${t.relayAddressA}/24`, 'dev', 'ra']);
    ip(['-n', t.relay, 'addr', 'add', `${t.relayAddressB}/24`, 'dev', 'rb']);
    ip(['-n', t.a, 'addr', 'add', `${t.addressA}/24`, 'dev', 'pa']);
    ip(['-n', t.b, 'addr', 'add', `${t.addressB}/24`, 'dev', 'pb']);
    for (const [ns, dev] of [[t.relay, 'ra'], [t.relay, 'rb'], [t.a, 'pa'], [t.b, 'pb']] as const) ip(['-n', ns, 'link', 'set', dev, 'up']);
  } catch (e) {
    remove();
    throw e;
  }
  return { ...t, remove };
}

/** Whether this process can make network namespaces (root, iproute2): a probe made and removed. */
export function canMakeNamespaces(): boolean {
  const name = `xrob-probe-${process.pid}`;
  const made = spawnSync('ip', ['netns', 'add', name], { timeout: 10_000 }).status === 0;
  if (made) spawnSync('ip', ['netns', 'del', name], { timeout: 10_000 });
  return made;
}

// Splits V8 CPU profiles (`node --cpu-prof`) into the stack's layers: µs of CPU per packet in UDP
// I/O, DTLS, SCTP, SRTP, RTP/RTCP, ICE/STUN, the peer connection, timers, GC and the rest.
//
//   node dist/profile-layers.js --packets=<n> <a.cpuprofile> [<b.cpuprofile> …]
//
// A sample's time goes to the first category found walking from the sampled frame up to the root:
// node's own dgram/timers code and the GC are categories of their own wherever they are called
// from; every other frame (node's crypto, Buffer, the bench's own code…) counts for the nearest
// frame of one of our packages above it, so OpenSSL's time in an AEAD call lands in DTLS or SRTP.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The categories, in the order of the table. */
export const layers = ['UDP I/O', 'ICE/STUN', 'DTLS', 'SCTP', 'SRTP', 'RTP/RTCP', 'peer connection', 'timers', 'GC', 'other'] as const;
export type Layer = (typeof layers)[number];

const packageLayer: Record<string, Layer> = {
  stun: 'ICE/STUN',
  ice: 'ICE/STUN',
  dtls: 'DTLS',
  sctp: 'SCTP',
  srtp: 'SRTP',
  rtp: 'RTP/RTCP',
  peerconnection: 'peer connection',
  base: 'peer connection',
};

/** The category a frame names by itself, if any. */
function ownLayer({ functionName, url }: ProfileNode['callFrame']): Layer | 'idle' | undefined {
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(garbage collector)') return 'GC';
  if (/node:(internal\/)?dgram|internal\/dgram/.test(url) || url.includes('udp_wrap')) return 'UDP I/O';
  if (/node:(internal\/)?timers|internal\/timers/.test(url)) return 'timers';
  const m = /\/packages\/([a-z-]+)\/(?:dist|src)\//.exec(url);
  if (m) return packageLayer[m[1]!];
  return undefined;
}

/** CPU ms per category in one profile (idle excluded). */
export function layerTimes(profile: Profile): Record<Layer, number> {
  const parent = new Map<number, number>();
  const byId = new Map<number, ProfileNode>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const memo = new Map<number, Layer | 'idle'>();
  const layerOf = (id: number): Layer | 'idle' => {
    const known = memo.get(id);
    if (known) return known;
    const own = ownLayer(byId.get(id)!.callFrame);
    const up = parent.get(id);
    const layer = own ?? (up === undefined ? 'other' : layerOf(up));
    memo.set(id, layer);
    return layer;
  };
  const out = Object.fromEntries(layers.map((l) => [l, 0])) as Record<Layer, number>;
  profile.samples.forEach((id, i) => {
    const layer = layerOf(id);
    if (layer !== 'idle') out[layer] += (profile.timeDeltas[i] ?? 0) / 1000;
  });
  return out;
}

function main(): void {
  const packets = Number(process.argv.find((a) => a.startsWith('--packets='))?.slice('--packets='.length));
  const files = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  if (!(packets > 0) || files.length === 0) throw new Error('usage: profile-layers.js --packets=<n> <profile.cpuprofile>…');
  const header = ['layer', ...files.map((f) => basename(f, '.cpuprofile'))];
  const times = files.map((f) => layerTimes(JSON.parse(readFileSync(f, 'utf8')) as Profile));
  const rows = layers.map((l) => [l, ...times.map((t) => ((t[l] * 1000) / packets).toFixed(2))]);
  rows.push(['total', ...times.map((t) => ((Object.values(t).reduce((a, b) => a + b, 0) * 1000) / packets).toFixed(2))]);
  console.log(`µs of CPU per packet (${packets} packets)\n`);
  console.log(`| ${header.join(' | ')} |\n| ${header.map(() => '---').join(' | ')} |`);
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
}

if (process.argv[1]?.endsWith('profile-layers.js')) main();

/**
 * Outside truth for ICE-TCP from libwebrtc's native stack: three @roamhq/wrtc clients, inside a
 * network namespace the test makes whose nftables firewall drops every UDP packet, reach three of
 * our server connections through the factory's shared `ice.tcpMux` (test/peers/wrtc-tcp.mjs over
 * dist/). Skipped where libwebrtc, root, nft or the build is missing, except under CI=true.
 */
import { describe, expect, it } from 'vitest';
import { built, resolvable } from './isolated-peer.js';
import { hasUdpBlockedNetns, runInUdpBlockedNetns } from './udp-blocked-netns.js';

const CI = process.env['CI'] === 'true';
const ready = resolvable('@roamhq/wrtc') && hasUdpBlockedNetns && built;
if (CI && !ready) throw new Error('CI needs @roamhq/wrtc, root, ip netns, nft (scripts/setup.sh) and a built dist/ for the libwebrtc ICE-TCP test');

interface Outcome {
  error?: string;
  tcpPort: number;
  echoes: string[];
  serverPairs: Array<{ protocol: string; tcpType: string; port: number }>;
  connectionStates: string[];
  stats: Record<string, number>;
  sizeAfterClose: Record<string, number>;
}

describe.skipIf(!ready)('libwebrtc clients over ICE-TCP where UDP is blocked', () => {
  it('three libwebrtc data channels reach three connections on one TCP port: each echoed by its own', async () => {
    const r = await runInUdpBlockedNetns<Outcome>(new URL('./peers/wrtc-tcp.mjs', import.meta.url), 'libwebrtc ICE-TCP', 55000);
    expect(r.error).toBeUndefined();
    expect(r.echoes).toEqual(['echo a', 'echo b', 'echo c']);
    expect(r.connectionStates).toEqual(['connected', 'connected', 'connected']);
    for (const p of r.serverPairs) expect(p).toEqual({ protocol: 'tcp', tcpType: 'passive', port: r.tcpPort });
    expect(r.stats).toMatchObject({ droppedNotStun: 0, droppedUnknownUfrag: 0, timedOut: 0, malformedFrames: 0 });
    expect(r.stats['routed']).toBeGreaterThanOrEqual(3);
    expect(r.sizeAfterClose).toEqual({ routes: 0, ufrags: 0, pending: 0, connections: 0 });
  }, 60_000);
});

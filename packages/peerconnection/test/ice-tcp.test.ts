/**
 * ICE-TCP (RFC 6544) end to end: inside a network namespace the test makes, whose nftables
 * firewall drops every UDP packet, our client (`ice: { tcpActive: true }`) reaches two server
 * connections of a factory with `ice: { udpMux, tcpMux }` on one port number: the selected pair is
 * TCP, active to passive, data channels echo and audio frames arrive over SRTP on the same
 * connection (test/peers/tcp-only.mjs over dist/).
 * Skipped where root, nft or the build is missing, except under CI=true.
 */
import { describe, expect, it } from 'vitest';
import { built } from './isolated-peer.js';
import { hasUdpBlockedNetns, runInUdpBlockedNetns } from './udp-blocked-netns.js';

const CI = process.env['CI'] === 'true';
if (CI && !(hasUdpBlockedNetns && built)) throw new Error('CI needs root, ip netns, nft (scripts/setup.sh) and a built dist/ for the ICE-TCP test');

interface Outcome {
  error?: string;
  udpGetsThrough: boolean;
  udpPort: number;
  tcpPort: number;
  echoes: string[];
  pairs: Array<{ local: { protocol: string; tcpType: string }; remote: { protocol: string; tcpType: string; port: number } }>;
  serverLocalPorts: number[];
  connectionStates: string[];
  offeredActive: number;
  muxStats: Record<string, number>;
  muxSize: Record<string, number>;
  sizeAfterClose: Record<string, number>;
  media: { written: number; received: number; bitExact: boolean };
}

describe.skipIf(!(hasUdpBlockedNetns && built))('ICE-TCP where UDP is blocked', () => {
  it('our client reaches two muxed server connections over TCP on the UDP mux\'s port number; data channels echo', async () => {
    const r = await runInUdpBlockedNetns<Outcome>(new URL('./peers/tcp-only.mjs', import.meta.url), 'ICE-TCP', 55000);
    expect(r.error).toBeUndefined();
    expect(r.ruleset).toMatch(/meta l4proto udp drop/);
    expect(r.udpGetsThrough).toBe(false);
    expect(r.tcpPort).toBe(r.udpPort);
    expect(r.offeredActive).toBe(1);
    expect(r.echoes).toEqual(['echo a', 'echo b']);
    // SRTP over the same connection: audio frames arrive bit-exact and in order.
    expect(r.media.received).toBeGreaterThanOrEqual(20);
    expect(r.media.bitExact).toBe(true);
    for (const p of r.pairs) expect(p).toEqual({ local: { protocol: 'tcp', tcpType: 'active' }, remote: { protocol: 'tcp', tcpType: 'passive', port: r.tcpPort } });
    expect(r.serverLocalPorts).toEqual([r.tcpPort, r.tcpPort]);
    expect(r.connectionStates).toEqual(['connected', 'connected']);
    expect(r.muxStats).toMatchObject({ routed: 2, droppedNotStun: 0, droppedUnknownUfrag: 0, timedOut: 0, malformedFrames: 0 });
    expect(r.muxSize).toMatchObject({ routes: 2, connections: 2 });
    expect(r.sizeAfterClose).toEqual({ routes: 0, ufrags: 0, pending: 0, connections: 0 });
  }, 60_000);
});

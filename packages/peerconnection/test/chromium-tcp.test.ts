/**
 * Outside truth for ICE-TCP (RFC 6544): headless Chromium, run inside a network namespace the test
 * makes whose nftables firewall drops every UDP packet, reaches two of our server connections that
 * share one port number for UDP (IceUdpMux) and TCP (IceTcpMux) through the factory's
 * `ice: { udpMux, tcpMux }` (test/peers/chromium-tcp.mjs over dist/). Chromium's active TCP
 * candidate connects to our passive one; its selected pair is TCP, and each data channel echoes.
 * The same under `unshare -n` with UDP open: Chromium picks the UDP pair on that same port, as
 * RFC 6544 ranks UDP above TCP.
 * Skipped where Chromium, playwright-core, root, nft or the build is missing, except under CI=true.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { built, hasUnshare, resolvable, runIsolatedPeer } from './isolated-peer.js';
import { hasUdpBlockedNetns, runInUdpBlockedNetns } from './udp-blocked-netns.js';

const CI = process.env['CI'] === 'true';
const ready = resolvable('playwright-core') && existsSync('/usr/bin/chromium') && hasUdpBlockedNetns && hasUnshare && built;
if (CI && !ready) throw new Error('CI needs Chromium, playwright-core, root, ip netns, nft (scripts/setup.sh) and a built dist/ for the Chromium ICE-TCP test');

interface Candidate {
  protocol: string;
  candidateType: string;
  tcpType?: string;
  port?: number;
}
interface Outcome {
  error?: string;
  udpGetsThrough: boolean;
  udpPort: number;
  tcpPort: number;
  answerCandidates: string[];
  echoes: string[];
  chromium: Array<{ local: Candidate; remote: Candidate; localProtocols: string[] }>;
  ours: Array<{ local: { protocol: string; tcpType: string; port: number }; remote: { protocol: string; candidateType: string } }>;
  muxStats: Record<string, number>;
  muxSize: Record<string, number>;
  sizeAfterClose: Record<string, number>;
}

describe.skipIf(!ready)('Chromium over ICE-TCP where UDP is blocked', () => {
  it('two Chromium connections reach two of ours on one muxed port over TCP: selected pairs are TCP, data channels echo', async () => {
    const r = await runInUdpBlockedNetns<Outcome>(new URL('./peers/chromium-tcp.mjs', import.meta.url), 'Chromium ICE-TCP', 85000);
    expect(r.error).toBeUndefined();
    expect(r.udpGetsThrough).toBe(false);
    expect(r.tcpPort).toBe(r.udpPort);
    // Our answer offers both, on one port number: UDP host, and TCP host passive (RFC 6544 §4.5).
    expect(r.answerCandidates.some((l) => new RegExp(` udp \\d+ 127\\.0\\.0\\.1 ${r.udpPort} typ host`).test(l))).toBe(true);
    expect(r.answerCandidates.some((l) => new RegExp(` tcp \\d+ 127\\.0\\.0\\.1 ${r.tcpPort} typ host tcptype passive`).test(l))).toBe(true);
    expect(r.echoes).toEqual(['echo hello 0', 'echo hello 1']);
    for (const c of r.chromium) {
      // Chromium gathered UDP too (it just cannot get through), and selected TCP, active to our passive.
      expect(c.localProtocols).toEqual(expect.arrayContaining(['udp', 'tcp active']));
      expect(c.local).toMatchObject({ protocol: 'tcp', tcpType: 'active' });
      expect(c.remote).toMatchObject({ protocol: 'tcp', candidateType: 'host', tcpType: 'passive', port: r.tcpPort });
    }
    for (const o of r.ours) {
      expect(o.local).toEqual({ protocol: 'tcp', tcpType: 'passive', port: r.tcpPort });
      // The connection's source, learned from Chromium's first check.
      expect(o.remote).toEqual({ protocol: 'tcp', candidateType: 'prflx' });
    }
    expect(r.muxStats).toMatchObject({ droppedNotStun: 0, droppedUnknownUfrag: 0, timedOut: 0, malformedFrames: 0 });
    expect(r.muxStats['routed']).toBeGreaterThanOrEqual(2);
    expect(r.muxSize).toMatchObject({ routes: 2, pending: 0 });
    expect(r.sizeAfterClose).toEqual({ routes: 0, ufrags: 0, pending: 0, connections: 0 });
  }, 90_000);
});

describe.skipIf(!ready)('Chromium to the same muxed port with UDP open', () => {
  it('selects the UDP pair on the shared port number: UDP ranks above TCP', async () => {
    const r = await runIsolatedPeer<Outcome>(new URL('./peers/chromium-tcp.mjs', import.meta.url), 'Chromium mux', 85000);
    expect(r.error).toBeUndefined();
    expect(r.udpGetsThrough).toBe(true);
    expect(r.tcpPort).toBe(r.udpPort);
    expect(r.echoes).toEqual(['echo hello 0', 'echo hello 1']);
    for (const c of r.chromium) {
      expect(c.local).toMatchObject({ protocol: 'udp' });
      expect(c.remote).toMatchObject({ protocol: 'udp', candidateType: 'host', port: r.udpPort });
    }
    for (const o of r.ours) expect(o.local).toMatchObject({ protocol: 'udp', port: r.udpPort });
    expect(r.muxStats).toMatchObject({ droppedNotStun: 0, droppedUnknownUfrag: 0, timedOut: 0, malformedFrames: 0 });
    expect(r.sizeAfterClose).toEqual({ routes: 0, ufrags: 0, pending: 0, connections: 0 });
  }, 90_000);
});

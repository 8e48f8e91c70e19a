/**
 * Outside truth for the UDP mux: three libwebrtc (@roamhq/wrtc) clients connect to three of our
 * server connections that share one IceUdpMux socket (test/peers/wrtc-udp-mux.mjs, over dist/,
 * under `unshare -n`: only loopback exists). Skipped where libwebrtc, unshare or the build is
 * missing, except under CI=true.
 */
import { describe, expect, it } from 'vitest';
import { built, hasUnshare, resolvable, runIsolatedPeer } from './isolated-peer.js';

const CI = process.env['CI'] === 'true';
const hasWrtc = resolvable('@roamhq/wrtc');
if (CI && !(hasWrtc && hasUnshare && built)) throw new Error('CI needs @roamhq/wrtc, unshare -n (root) and a built dist/ for the libwebrtc mux test');

interface Outcome {
  error?: string;
  muxPort: number;
  echoes: string[];
  serverLocalPorts: number[];
  connectionStates: string[];
  routes: number;
  stats: Record<string, number>;
  sizeAfterClose: Record<string, number>;
  liteAnswers: number;
  serverChecksSent: number;
  serverChecksAnswered: number;
}

describe.skipIf(!(hasWrtc && hasUnshare && built))('libwebrtc clients and our muxed server connections', () => {
  it('three libwebrtc data channels to three connections on one UDP socket: each echoed by its own', async () => {
    const r = await runIsolatedPeer<Outcome>(new URL('./peers/wrtc-udp-mux.mjs', import.meta.url), 'libwebrtc', 55000);
    expect(r.error).toBeUndefined();
    expect(r.echoes).toEqual(['echo a', 'echo b', 'echo c']);
    expect(r.connectionStates).toEqual(['connected', 'connected', 'connected']);
    expect(r.serverLocalPorts).toEqual([r.muxPort, r.muxPort, r.muxPort]);
    expect(r.routes).toBe(3);
    expect(r.stats['droppedUnknownUfrag']! + r.stats['droppedMalformed']! + r.stats['droppedUnknown']!).toBe(0);
    expect(r.sizeAfterClose).toEqual({ routes: 0, ufrags: 0, addresses: 0, transactions: 0 });
    expect(r.liteAnswers).toBe(0);
  }, 60_000);

  it('the same with an ICE-lite server: a=ice-lite answers, libwebrtc checks and nominates, our server sends no check', async () => {
    const r = await runIsolatedPeer<Outcome>(new URL('./peers/wrtc-udp-mux.mjs', import.meta.url), 'libwebrtc', 55000, ['--lite']);
    expect(r.error).toBeUndefined();
    expect(r.echoes).toEqual(['echo a', 'echo b', 'echo c']);
    expect(r.connectionStates).toEqual(['connected', 'connected', 'connected']);
    expect(r.liteAnswers).toBe(3);
    expect(r.serverChecksSent).toBe(0);
    expect(r.serverChecksAnswered).toBeGreaterThanOrEqual(3);
    expect(r.sizeAfterClose).toEqual({ routes: 0, ufrags: 0, addresses: 0, transactions: 0 });
  }, 60_000);
});

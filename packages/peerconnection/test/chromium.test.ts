/**
 * Outside truth: Chromium's simulcast. Headless Chromium (under `unshare -n`, with our peer, in
 * test/peers/chromium-simulcast.mjs over dist/) offers its fake camera as VP8 with rids q, h, f:
 * the rid/simulcast lines of its offer are the ones our own offer writes for the same encodings,
 * we answer `a=simulcast:recv`, and every layer it sends reaches our track under its rid, on the
 * SSRC Chromium reports for it (demultiplexed by mid + rtp-stream-id, no a=ssrc in its SDP).
 * Skipped where Chromium, playwright-core, unshare or the build is missing, except under CI=true.
 */
import { existsSync } from 'node:fs';
import { parse } from '@x/sdp';
import { describe, expect, it } from 'vitest';
import { MediaStreamTrack } from '../src/index.js';
import { noNetwork } from './helpers.js';
import { built, hasUnshare, resolvable, runIsolatedPeer } from './isolated-peer.js';

const CI = process.env['CI'] === 'true';
const hasPlaywright = resolvable('playwright-core');
const hasChromium = existsSync('/usr/bin/chromium');
const ready = hasPlaywright && hasChromium && hasUnshare && built;
if (CI && !ready) throw new Error('CI needs Chromium, playwright-core, unshare -n (root) and a built dist/ for the Chromium test');

interface Outcome {
  error?: string;
  offer: string;
  answer: string;
  frames: Record<string, number>;
  keyframes: Record<string, number>;
  inbound: Array<Record<string, unknown>>;
  chromiumOutbound: Array<{ rid: string; ssrc: number; framesSent: number }>;
  /** The rids Chromium had sent frames on when the peer stopped waiting. */
  layers: string[];
}

function runPeer(): Promise<Outcome> {
  return runIsolatedPeer<Outcome>(new URL('./peers/chromium-simulcast.mjs', import.meta.url), 'Chromium', 85000);
}

const simulcastLines = (sdp: string): string[] => sdp.split('\r\n').filter((l) => l.startsWith('a=rid:') || l.startsWith('a=simulcast:'));
const RID_URIS = ['urn:ietf:params:rtp-hdrext:sdes:mid', 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id', 'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id'];

describe.skipIf(!ready)('Chromium simulcast into our peer', () => {
  it('writes the simulcast SDP we write, and each layer it sends arrives under its rid', async () => {
    const r = await runPeer();
    expect(r.error).toBeUndefined();

    // Our own offer for the same encodings has the same rid and simulcast lines.
    const pc = noNetwork.createPeerConnection();
    try {
      pc.addTransceiver(new MediaStreamTrack('video'), { direction: 'sendonly', sendEncodings: [{ rid: 'q' }, { rid: 'h' }, { rid: 'f' }] });
      await pc.setLocalDescription();
      const ours = pc.localDescription!.sdp;
      expect(simulcastLines(ours)).toEqual(simulcastLines(r.offer));
      expect(simulcastLines(r.offer)).toEqual(['a=rid:q send', 'a=rid:h send', 'a=rid:f send', 'a=simulcast:send q;h;f']);
      const chromiumVideo = parse(r.offer).media[0]!;
      const ourVideo = parse(ours).media[0]!;
      for (const uri of RID_URIS) {
        expect(chromiumVideo.extmaps.map((e) => e.uri)).toContain(uri);
        expect(ourVideo.extmaps.map((e) => e.uri)).toContain(uri);
      }
      expect(chromiumVideo.ssrcs).toEqual([]);
      expect(ourVideo.ssrcs).toEqual([]);
    } finally {
      pc.close();
    }

    expect(simulcastLines(r.answer)).toEqual(['a=rid:q recv', 'a=rid:h recv', 'a=rid:f recv', 'a=simulcast:recv q;h;f']);
    expect(r.layers.length).toBeGreaterThanOrEqual(2);
    for (const rid of r.layers) {
      const layer = r.chromiumOutbound.find((s) => s.rid === rid)!;
      expect(r.frames[rid]).toBeGreaterThanOrEqual(10);
      expect(r.keyframes[rid]).toBeGreaterThanOrEqual(1);
      expect(r.inbound.some((s) => s['ssrc'] === layer.ssrc && (s['framesReceived'] as number) > 0)).toBe(true);
    }
    // Nothing arrived under a rid Chromium sent no frames on, nor without a rid.
    const sent = r.chromiumOutbound.filter((s) => s.framesSent > 0).map((s) => s.rid);
    for (const rid of Object.keys(r.frames)) expect(sent).toContain(rid);
  }, 90_000);
});

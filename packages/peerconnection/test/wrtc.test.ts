/**
 * Outside truth: libwebrtc (@roamhq/wrtc) against our peer, both in a child process under
 * `unshare -n` so that only loopback exists (test/peers/wrtc-simulcast.mjs, over dist/). Our
 * simulcast offer is read and answered by libwebrtc, our VP8 is decoded by it, its VP8 by us, and
 * each side's RTCP reports turn into the other's remote-inbound-rtp / remote-outbound-rtp stats.
 * Skipped where libwebrtc, unshare or the build is missing, except under CI=true.
 */
import { parse } from '@x/sdp';
import { describe, expect, it } from 'vitest';
import { built, hasUnshare, resolvable, runIsolatedPeer } from './isolated-peer.js';

const CI = process.env['CI'] === 'true';
const hasWrtc = resolvable('@roamhq/wrtc');
if (CI && !(hasWrtc && hasUnshare && built)) throw new Error('CI needs @roamhq/wrtc, unshare -n (root) and a built dist/ for the libwebrtc test');

type Stats = Array<Record<string, unknown> & { type: string }>;
interface Outcome {
  error?: string;
  offer: string;
  answer: string;
  encodings: Array<Record<string, unknown>>;
  ours: Stats;
  theirs: Stats;
  framesFromWrtc: number;
  connectionState: string;
}

function runPeer(): Promise<Outcome> {
  return runIsolatedPeer<Outcome>(new URL('./peers/wrtc-simulcast.mjs', import.meta.url), 'libwebrtc', 55000);
}

describe.skipIf(!(hasWrtc && hasUnshare && built))('libwebrtc (@roamhq/wrtc) and our peer', () => {
  it('answers our simulcast offer, decodes our VP8, and both sides turn the other RTCP into remote stats', async () => {
    const r = await runPeer();
    expect(r.error).toBeUndefined();
    expect(r.connectionState).toBe('connected');

    // Our offer as Chromium writes it; libwebrtc's answer decides the encodings (W3C §4.4.1.6).
    expect(r.offer).toContain('a=simulcast:send q;h;f\r\n');
    const answered = parse(r.answer).media[0]!;
    const accepted = answered.simulcast?.recv?.map((alternatives) => alternatives[0]!.rid);
    if (accepted === undefined) expect(r.encodings).toEqual([{ active: true, scaleResolutionDownBy: 4 }]);
    else expect(r.encodings.map((e) => e['rid'])).toEqual(accepted);

    const ours = (type: string): Stats => r.ours.filter((s) => s.type === type);
    const theirs = (type: string): Stats => r.theirs.filter((s) => s.type === type);
    // libwebrtc decoded what we sent.
    const sent = ours('outbound-rtp');
    const inbound = theirs('inbound-rtp').find((s) => s['kind'] === 'video' && sent.some((o) => o['ssrc'] === s['ssrc']))!;
    expect(inbound['packetsReceived']).toBeGreaterThan(0);
    expect(inbound['framesDecoded']).toBeGreaterThan(0);
    // Its remote-inbound-rtp comes from our receiver reports about its stream.
    const theirOut = theirs('outbound-rtp').find((s) => s['kind'] === 'video')!;
    const theirRemote = theirs('remote-inbound-rtp').find((s) => s['ssrc'] === theirOut['ssrc'])!;
    expect(theirRemote['roundTripTime']).toBeGreaterThanOrEqual(0);
    expect(theirRemote['packetsLost']).toBe(0);
    expect(theirRemote['fractionLost']).toBe(0);
    // We depacketized its VP8, and read its RR and SR.
    expect(r.framesFromWrtc).toBeGreaterThan(0);
    const ourRemote = ours('remote-inbound-rtp')[0]!;
    expect(sent.map((s) => s['ssrc'])).toContain(ourRemote['ssrc']);
    expect(ourRemote['roundTripTime']).toBeGreaterThanOrEqual(0);
    expect(ourRemote['packetsLost']).toBe(0);
    const ourRemoteOut = ours('remote-outbound-rtp')[0]!;
    expect(ourRemoteOut['ssrc']).toBe(theirOut['ssrc']);
    expect(ourRemoteOut['packetsSent']).toBeGreaterThan(0);
    expect(ourRemoteOut['packetsSent']).toBeLessThanOrEqual(theirOut['packetsSent'] as number);
  }, 60_000);
});

/**
 * Simulcast between two of our peers on 127.0.0.1: a VP8 sender with three rid encodings
 * (RFC 8853), the receiver demultiplexing the layers by mid + rtp-stream-id (RFC 8852) with no
 * a=ssrc in the SDP; frames written per encoding or to all; setParameters' `active`; and the
 * RTCP-driven stats (remote-inbound-rtp from RR, remote-outbound-rtp from SR).
 */
import { describe, expect, it } from 'vitest';
import { MediaStreamTrack, type EncodedFrame, type RTCStats } from '../src/index.js';
import { connected, eventually, loopbackPair, negotiate, vp8Frames } from './helpers.js';

const vp8 = vp8Frames();
const isKey = (f: Uint8Array): boolean => (f[0]! & 1) === 0;
const of = (report: ReadonlyMap<string, RTCStats>, type: string): RTCStats[] => [...report.values()].filter((s) => s.type === type);

describe('simulcast on loopback', () => {
  it('sends three rid layers that the receiver tells apart, per encoding or all at once, and honours active', async () => {
    const { a, b } = loopbackPair();
    try {
      const track = new MediaStreamTrack('video');
      const t = a.addTransceiver(track, { direction: 'sendonly', sendEncodings: [{ rid: 'q' }, { rid: 'h' }, { rid: 'f' }] });
      let remote: MediaStreamTrack | undefined;
      b.ontrack = (e) => (remote = e.track);
      await negotiate(a, b);
      expect(remote).toBeDefined();
      await Promise.all([connected(a), connected(b)]);
      const got = new Map<string, EncodedFrame[]>();
      remote!.onFrame = (f) => {
        const list = got.get(f.rid ?? '') ?? got.set(f.rid ?? '', []).get(f.rid ?? '')!;
        list.push(f);
      };
      // Every encoding gets the frames written without a rid.
      const first = vp8.slice(0, 10);
      first.forEach((f, i) => track.writeFrame(f, { timestamp: i * 33_333, keyframe: isKey(f) }));
      await eventually(() => (['q', 'h', 'f'].every((r) => (got.get(r)?.length ?? 0) === first.length) ? true : undefined));
      for (const r of ['q', 'h', 'f']) expect(got.get(r)!.map((f) => Buffer.from(f.data).toString('hex'))).toEqual(first.map((f) => Buffer.from(f).toString('hex')));
      expect(got.has('')).toBe(false);

      // One encoding only, by rid.
      const extra = vp8.slice(10, 14);
      extra.forEach((f, i) => track.writeFrame(f, { timestamp: (10 + i) * 33_333, rid: 'h' }));
      await eventually(() => (got.get('h')!.length === first.length + extra.length ? true : undefined));

      // Each layer is its own SSRC on both sides, with its rid on the sender's stats.
      const sa = await a.getStats();
      const outbound = of(sa, 'outbound-rtp');
      expect(outbound.map((s) => s['rid']).sort()).toEqual(['f', 'h', 'q']);
      expect(new Set(outbound.map((s) => s['ssrc'])).size).toBe(3);
      expect(outbound.find((s) => s['rid'] === 'h')!['framesSent']).toBe(first.length + extra.length);
      const sb = await b.getStats();
      const inbound = of(sb, 'inbound-rtp');
      expect(inbound.map((s) => s['ssrc']).sort()).toEqual(outbound.map((s) => s['ssrc']).sort());
      for (const o of outbound) expect(inbound.find((i) => i['ssrc'] === o['ssrc'])!['packetsReceived']).toBe(o['packetsSent']);

      // active: false stops one encoding at once.
      const p = t.sender.getParameters();
      p.encodings[2]!.active = false;
      await t.sender.setParameters(p);
      const before = { q: got.get('q')!.length, f: got.get('f')!.length };
      const more = vp8.slice(14, 18);
      more.forEach((f, i) => track.writeFrame(f, { timestamp: (14 + i) * 33_333 }));
      await eventually(() => (got.get('q')!.length === before.q + more.length ? true : undefined));
      expect(got.get('f')!.length).toBe(before.f);
      const after = of(await a.getStats(), 'outbound-rtp');
      expect(after.find((s) => s['rid'] === 'f')!['active']).toBe(false);
      expect(after.find((s) => s['rid'] === 'q')!['active']).toBe(true);
    } finally {
      a.close();
      b.close();
    }
  });
});

describe('RTCP-driven stats on loopback', () => {
  it('remote-inbound-rtp from the peer RR (loss, jitter, round-trip time) and remote-outbound-rtp from its SR', async () => {
    const { a, b } = loopbackPair();
    try {
      const track = new MediaStreamTrack('video');
      a.addTransceiver(track, { direction: 'sendonly' });
      await negotiate(a, b);
      await Promise.all([connected(a), connected(b)]);
      let i = 0;
      const timer = setInterval(() => {
        const f = vp8[i % vp8.length]!;
        track.writeFrame(f, { timestamp: i * 33_333, keyframe: isKey(f) });
        i++;
      }, 33);
      try {
        // RR come once a second, after the first SR the RR carries LSR/DLSR: then the RTT is known.
        const remoteInbound = await eventually(async () => of(await a.getStats(), 'remote-inbound-rtp').find((s) => s['roundTripTime'] !== undefined));
        const report = await a.getStats();
        const outbound = of(report, 'outbound-rtp')[0]!;
        expect(remoteInbound['ssrc']).toBe(outbound['ssrc']);
        expect(remoteInbound['localId']).toBe(outbound.id);
        expect(outbound['remoteId']).toBe(remoteInbound.id);
        expect(remoteInbound['kind']).toBe('video');
        expect(report.get(remoteInbound['codecId'] as string)?.type).toBe('codec');
        expect(remoteInbound['packetsLost']).toBe(0);
        expect(remoteInbound['fractionLost']).toBe(0);
        expect(remoteInbound['jitter']).toBeGreaterThanOrEqual(0);
        expect(remoteInbound['roundTripTime']).toBeGreaterThanOrEqual(0);
        expect(remoteInbound['roundTripTimeMeasurements']).toBeGreaterThanOrEqual(1);
        expect(remoteInbound['totalRoundTripTime']).toBeGreaterThanOrEqual(remoteInbound['roundTripTime'] as number);

        const remoteOutbound = await eventually(async () => of(await b.getStats(), 'remote-outbound-rtp')[0]);
        const inbound = of(await b.getStats(), 'inbound-rtp')[0]!;
        const sentNow = of(await a.getStats(), 'outbound-rtp')[0]!;
        expect(remoteOutbound['ssrc']).toBe(inbound['ssrc']);
        expect(remoteOutbound['localId']).toBe(inbound.id);
        expect(inbound['remoteId']).toBe(remoteOutbound.id);
        expect(remoteOutbound['packetsSent']).toBeGreaterThan(0);
        // An SR counts what was sent up to it: never more than the sender's count now.
        expect(remoteOutbound['packetsSent']).toBeLessThanOrEqual(sentNow['packetsSent'] as number);
        expect(remoteOutbound['bytesSent']).toBeGreaterThan(0);
        expect(remoteOutbound['reportsSent']).toBeGreaterThanOrEqual(1);
        // The SR's NTP time is the sender's wall clock: this machine's.
        expect(Math.abs((remoteOutbound['remoteTimestamp'] as number) - Date.now())).toBeLessThan(60_000);
        expect(inbound['packetsLost']).toBe(0);
        expect(typeof inbound['jitter']).toBe('number');
      } finally {
        clearInterval(timer);
      }
    } finally {
      a.close();
      b.close();
    }
  }, 20_000);
});

/**
 * RTCRtpReceiver.getStats (W3C WebRTC §5.3, §8.5 stats selection with the receiver as selector),
 * the behaviour WPT's RTCRtpReceiver-getStats.https.html covers, against our connection.
 *
 * Current spec over older WPT and older webrtc-stats:
 * - inbound-rtp exists from the first packet received (webrtc-stats, lifetime of RTP monitored
 *   objects), not right after the offer/answer;
 * - `receiverId` (and the receiver stats it pointed to) was removed from webrtc-stats: not
 *   reported; `trackIdentifier` names the track instead.
 * - We have no decoder: `framesDecoded` counts frames depacketized whole and handed to the
 *   track (what an application's decoder gets), so it equals the frames the track delivered.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MediaStreamTrack, RTCStatsReport, type EncodedFrame } from '../../src/index.js';
import { closedAfterEach, eventually, loopbackPair, negotiate } from '../helpers.js';
import { call, dangling, ofType, vp8, type Call } from './call.js';

const pc = closedAfterEach();

describe('RTCRtpReceiver.getStats', () => {
  let c: Call | undefined;
  afterEach(() => c?.close());

  it('resolves with an empty RTCStatsReport before anything arrived', async () => {
    expect((await pc().addTransceiver('audio').receiver.getStats()).size).toBe(0);
    const { a, b } = loopbackPair();
    try {
      a.addTrack(new MediaStreamTrack('audio'));
      await negotiate(a, b);
      const report = await b.getReceivers()[0]!.getStats();
      expect(report).toBeInstanceOf(RTCStatsReport);
      expect(ofType(report, 'inbound-rtp')).toEqual([]);
    } finally {
      a.close();
      b.close();
    }
  });

  it('once media came: its one inbound-rtp and what it references, frames decoded = frames the track delivered', async () => {
    c = await call();
    const receiver = c.b.getReceivers().find((r) => r.track.kind === 'video')!;
    const delivered: EncodedFrame[] = [];
    receiver.track.onFrame = (f) => delivered.push(f);
    const frames = vp8.frames.slice(0, 12);
    frames.forEach((f, i) => c!.video.writeFrame(f.data, { timestamp: i * 33_333 }));
    const report = await eventually(async () => {
      const r = await receiver.getStats();
      return ofType(r, 'inbound-rtp')[0]?.['framesDecoded'] === frames.length ? r : undefined;
    });
    const inbound = ofType(report, 'inbound-rtp');
    expect(inbound).toHaveLength(1);
    const s = inbound[0]!;
    expect(s['kind']).toBe('video');
    expect(s['trackIdentifier']).toBe(receiver.track.id);
    expect(s['mid']).toBe(c.b.getTransceivers().find((t) => t.receiver === receiver)!.mid);
    expect(s['framesDecoded']).toBe(delivered.length);
    expect(s['framesReceived']).toBe(delivered.length);
    expect(s['keyFramesDecoded']).toBe(delivered.filter((f) => f.keyframe).length);
    expect(s['packetsReceived']).toBeGreaterThanOrEqual(frames.length);
    expect('receiverId' in s).toBe(false);
    expect(report.get(s['codecId'] as string)!['mimeType']).toBe('video/VP8');
    expect(ofType(report, 'transport')).toHaveLength(1);
    expect(dangling(report)).toEqual([]);
    for (const type of ['outbound-rtp', 'media-source', 'peer-connection', 'data-channel']) expect(ofType(report, type), type).toEqual([]);
  });

  it('audio inbound-rtp has no video-only frame members, and selects only audio', async () => {
    c = await call();
    c.send();
    const receiver = c.b.getReceivers().find((r) => r.track.kind === 'audio')!;
    const report = await eventually(async () => {
      const r = await receiver.getStats();
      return ofType(r, 'inbound-rtp').length === 1 ? r : undefined;
    });
    const s = ofType(report, 'inbound-rtp')[0]!;
    expect(s['kind']).toBe('audio');
    for (const m of ['framesDecoded', 'keyFramesDecoded', 'keyFramesReceived']) expect(m in s, m).toBe(false);
    expect(ofType(report, 'codec').map((x) => x['mimeType'])).toEqual(['audio/opus']);
  });

  it('still resolves on a closed connection, with the last values', async () => {
    c = await call();
    c.send();
    const receiver = c.b.getReceivers().find((r) => r.track.kind === 'video')!;
    await eventually(async () => (ofType(await receiver.getStats(), 'inbound-rtp').length === 1 ? true : undefined));
    c.b.close();
    const report = await receiver.getStats();
    expect(ofType(report, 'inbound-rtp')).toHaveLength(1);
    expect(dangling(report)).toEqual([]);
  });
});

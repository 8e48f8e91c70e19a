/**
 * RTCRtpSender.getStats (W3C WebRTC §5.2, §8.5 stats selection with the sender as selector), the
 * behaviour WPT's RTCRtpSender-getStats.https.html covers, against our connection.
 *
 * Current spec over older WPT: WPT once expected outbound-rtp right after the offer/answer; the
 * stats of an RTP stream exist from its first packet (webrtc-stats, lifetime of RTP monitored
 * objects), so before anything was sent the report holds no outbound-rtp.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MediaStreamTrack, RTCStatsReport } from '../../src/index.js';
import { closedAfterEach, eventually, loopbackPair, negotiate } from '../helpers.js';
import { call, dangling, ofType, vp8, type Call } from './call.js';

const pc = closedAfterEach();

describe('RTCRtpSender.getStats', () => {
  let c: Call | undefined;
  afterEach(() => c?.close());

  it('resolves with an RTCStatsReport before negotiation, for addTrack and addTransceiver senders', async () => {
    const p = pc();
    const senders = [p.addTrack(new MediaStreamTrack('audio')), p.addTransceiver('video').sender];
    for (const s of senders) {
      const report = await s.getStats();
      expect(report).toBeInstanceOf(RTCStatsReport);
      expect(report.size).toBe(0);
    }
  });

  it('has no outbound-rtp after the offer/answer until the sender sends', async () => {
    const { a, b } = loopbackPair();
    try {
      const sender = a.addTrack(new MediaStreamTrack('audio'));
      await negotiate(a, b);
      expect(ofType(await sender.getStats(), 'outbound-rtp')).toEqual([]);
    } finally {
      a.close();
      b.close();
    }
  });

  it('once it sent: its one outbound-rtp, its media-source, codec, remote-inbound-rtp, transport, pair, candidates and certificates', async () => {
    c = await call();
    const video = c.a.getSenders().find((s) => s.track === c!.video)!;
    const frames = vp8.frames.slice(0, 10);
    frames.forEach((f, i) => c!.video.writeFrame(f.data, { timestamp: i * 33_333, width: vp8.width, height: vp8.height, keyframe: i === 0 }));
    const report = await eventually(async () => {
      const r = await video.getStats();
      const out = ofType(r, 'outbound-rtp')[0];
      return out !== undefined && out['framesSent'] === frames.length && out['remoteId'] !== undefined ? r : undefined;
    });
    expect(report).toBeInstanceOf(RTCStatsReport);
    const outbound = ofType(report, 'outbound-rtp');
    expect(outbound).toHaveLength(1);
    const out = outbound[0]!;
    expect(out['kind']).toBe('video');
    expect(out['mid']).toBe(c.a.getTransceivers().find((t) => t.sender === video)!.mid);
    expect(out['packetsSent']).toBeGreaterThanOrEqual(frames.length);
    // The application is the encoder: each frame it wrote counts as encoded, the first as a keyframe.
    expect([out['framesEncoded'], out['keyFramesEncoded']]).toEqual([frames.length, 1]);
    // The source: the frames the application wrote, and the size it gave with them.
    const source = report.get(out['mediaSourceId'] as string)!;
    expect(source).toMatchObject({ type: 'media-source', kind: 'video', trackIdentifier: c.video.id, frames: frames.length, width: vp8.width, height: vp8.height });
    expect(new Set([...report.values()].map((s) => s.type))).toEqual(
      new Set(['outbound-rtp', 'media-source', 'codec', 'remote-inbound-rtp', 'transport', 'candidate-pair', 'local-candidate', 'remote-candidate', 'certificate']),
    );
    expect(ofType(report, 'candidate-pair')).toHaveLength(1);
    expect(dangling(report)).toEqual([]);
  });

  it('selects only its own streams: the audio sender\'s report has no video', async () => {
    c = await call();
    c.send();
    const audio = c.a.getSenders().find((s) => s.track === c!.audio)!;
    const report = await eventually(async () => {
      const r = await audio.getStats();
      return ofType(r, 'outbound-rtp').length > 0 ? r : undefined;
    });
    expect([...report.values()].filter((s) => s['kind'] !== undefined).every((s) => s['kind'] === 'audio')).toBe(true);
    expect(ofType(report, 'codec').map((s) => s['mimeType'])).toEqual(['audio/opus']);
    // Audio arrives encoded: no samples to measure, so no level, energy or duration on its source.
    const source = ofType(report, 'media-source')[0]!;
    expect(source['trackIdentifier']).toBe(c.audio.id);
    for (const m of ['audioLevel', 'totalAudioEnergy', 'totalSamplesDuration']) expect(m in source, m).toBe(false);
  });

  it('still resolves on a stopped transceiver and on a closed connection', async () => {
    c = await call();
    c.send();
    const [audio, video] = c.a.getTransceivers();
    await eventually(async () => (ofType(await video!.sender.getStats(), 'outbound-rtp').length === 1 ? true : undefined));
    audio!.stop();
    expect(await audio!.sender.getStats()).toBeInstanceOf(RTCStatsReport);
    c.a.close();
    const report = await video!.sender.getStats();
    expect(ofType(report, 'outbound-rtp')).toHaveLength(1);
    expect(dangling(report)).toEqual([]);
  });
});

/**
 * RTCPeerConnection.getStats (W3C WebRTC §4.4.1 getStats, §8.5 the stats selection algorithm),
 * the behaviour WPT's RTCPeerConnection-getStats.https.html covers, against our connection.
 *
 * Where the current specs differ from what older WPT revisions assert, the current spec wins:
 * - the `stream` and `track` stats types are gone from webrtc-stats: they are not expected (and
 *   are asserted absent); `media-source` is the sender-side track stats now;
 * - RTP stream stats exist from the first packet sent or received on the stream (webrtc-stats,
 *   "lifetime" of RTP monitored objects), so a sender that never sent has no outbound-rtp yet:
 *   getStats(track) before that resolves, with no outbound-rtp in it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MediaStreamTrack, RTCStatsReport } from '../../src/index.js';
import { closedAfterEach, eventually, rejection } from '../helpers.js';
import { call, dangling, ofType, type Call } from './call.js';

const pc = closedAfterEach();

describe('RTCPeerConnection.getStats: arguments', () => {
  it('resolves with no argument and with null, on a new connection, with its peer-connection stats', async () => {
    const p = pc();
    for (const report of [await p.getStats(), await p.getStats(null)]) {
      expect(report).toBeInstanceOf(RTCStatsReport);
      expect(ofType(report, 'peer-connection')).toHaveLength(1);
      expect(dangling(report)).toEqual([]);
    }
  });

  it('rejects a track no sender or receiver of the connection has with InvalidAccessError', async () => {
    const p = pc();
    pc().addTrack(new MediaStreamTrack('audio'));
    expect(await rejection(p.getStats(new MediaStreamTrack('audio')))).toBe('InvalidAccessError');
    // Another connection's track is not this one's.
    const other = pc();
    const t = other.addTransceiver('video');
    expect(await rejection(p.getStats(t.receiver.track))).toBe('InvalidAccessError');
  });

  it('resolves for a track added with addTrack or addTransceiver (nothing sent yet: no outbound-rtp)', async () => {
    const p = pc();
    const byAddTrack = new MediaStreamTrack('audio');
    const byTransceiver = new MediaStreamTrack('video');
    p.addTrack(byAddTrack);
    p.addTransceiver(byTransceiver);
    for (const track of [byAddTrack, byTransceiver]) {
      const report = await p.getStats(track);
      expect(report).toBeInstanceOf(RTCStatsReport);
      expect(ofType(report, 'outbound-rtp')).toEqual([]);
    }
  });

  it('rejects a track sent by two senders with InvalidAccessError', async () => {
    const p = pc();
    const track = new MediaStreamTrack('audio');
    const t1 = p.addTransceiver(track);
    const t2 = p.addTransceiver(track);
    expect(t1.sender).not.toBe(t2.sender);
    expect(t1.sender.track).toBe(t2.sender.track);
    expect(await rejection(p.getStats(track))).toBe('InvalidAccessError');
  });

  it('rejects a track that is both a receiver\'s and a sender\'s (sent back, as an echo) with InvalidAccessError', async () => {
    const p = pc();
    const t1 = p.addTransceiver('audio');
    const t2 = p.addTransceiver(t1.receiver.track);
    expect(t2.sender.track).toBe(t1.receiver.track);
    expect(await rejection(p.getStats(t1.receiver.track))).toBe('InvalidAccessError');
  });

  it('rejects what is neither a track nor null with TypeError (WebIDL)', async () => {
    const p = pc();
    expect(await rejection(p.getStats({} as MediaStreamTrack))).toBe('TypeError');
  });
});

describe('RTCPeerConnection.getStats on a call (audio, video, data channel)', () => {
  let c: Call | undefined;
  afterEach(() => c?.close());

  it('the whole report has every type that exists on the call, and its references resolve', async () => {
    c = await call();
    c.send();
    const { a, b } = c;
    // remote-inbound-rtp needs the peer's RR after our SR; remote-outbound-rtp the peer's SR.
    const ra = await eventually(async () => {
      const r = await a.getStats();
      return ofType(r, 'remote-inbound-rtp').length === 2 ? r : undefined;
    });
    const rb = await eventually(async () => {
      const r = await b.getStats();
      return ofType(r, 'remote-outbound-rtp').length === 2 ? r : undefined;
    });
    const common = ['peer-connection', 'data-channel', 'transport', 'candidate-pair', 'local-candidate', 'remote-candidate', 'certificate', 'codec'];
    const typesOf = (r: typeof ra): Set<string> => new Set([...r.values()].map((s) => s.type));
    expect([...typesOf(ra)]).toEqual(expect.arrayContaining([...common, 'media-source', 'outbound-rtp', 'remote-inbound-rtp']));
    expect([...typesOf(rb)]).toEqual(expect.arrayContaining([...common, 'inbound-rtp', 'remote-outbound-rtp']));
    for (const r of [ra, rb]) {
      // Obsolete types (webrtc-stats removed them): not reported.
      for (const gone of ['stream', 'track', 'sender', 'receiver', 'csrc']) expect(typesOf(r).has(gone), gone).toBe(false);
      expect(dangling(r)).toEqual([]);
      for (const [id, s] of r) expect(s.id).toBe(id);
    }
    // The data channel's stats name it by its SCTP stream id and label.
    const dc = ofType(ra, 'data-channel').find((s) => s['dataChannelIdentifier'] === c!.channel.id)!;
    expect(dc['label']).toBe('chat');
    expect(dc['state']).toBe('open');
    // One media-source per track sent, named by the track.
    expect(ofType(ra, 'media-source').map((s) => [s['kind'], s['trackIdentifier']]).sort()).toEqual([['audio', c.audio.id], ['video', c.video.id]]);
  });

  it('getStats(sender\'s track) is that sender\'s outbound-rtp and everything it references, and nothing else', async () => {
    c = await call();
    c.send();
    const { a } = c;
    const report = await eventually(async () => {
      const r = await a.getStats(c!.video);
      return ofType(r, 'remote-inbound-rtp').length === 1 ? r : undefined;
    });
    const [out] = ofType(report, 'outbound-rtp');
    expect(ofType(report, 'outbound-rtp')).toHaveLength(1);
    expect(out!['kind']).toBe('video');
    expect(report.get(out!['mediaSourceId'] as string)!['trackIdentifier']).toBe(c.video.id);
    expect(report.get(out!['codecId'] as string)!['mimeType']).toBe('video/VP8');
    expect(report.get(out!['remoteId'] as string)!.type).toBe('remote-inbound-rtp');
    const transport = report.get(out!['transportId'] as string)!;
    const pair = report.get(transport['selectedCandidatePairId'] as string)!;
    expect(pair.type).toBe('candidate-pair');
    for (const ref of ['localCandidateId', 'remoteCandidateId']) expect(report.has(pair[ref] as string), ref).toBe(true);
    for (const ref of ['localCertificateId', 'remoteCertificateId']) expect(report.get(transport[ref] as string)!.type, ref).toBe('certificate');
    expect(dangling(report)).toEqual([]);
    // Not referenced by the video stream: the connection, the channel, the audio stream and its source.
    for (const type of ['peer-connection', 'data-channel', 'inbound-rtp']) expect(ofType(report, type), type).toEqual([]);
    expect(ofType(report, 'media-source', 'audio')).toEqual([]);
    expect(ofType(report, 'codec').map((s) => s['mimeType'])).toEqual(['video/VP8']);
  });

  it('getStats(receiver\'s track) is that receiver\'s inbound-rtp and everything it references', async () => {
    c = await call();
    c.send();
    const { b } = c;
    const audio = b.getReceivers().find((r) => r.track.kind === 'audio')!.track;
    const report = await eventually(async () => {
      const r = await b.getStats(audio);
      return ofType(r, 'remote-outbound-rtp').length === 1 ? r : undefined;
    });
    const [inbound] = ofType(report, 'inbound-rtp');
    expect(ofType(report, 'inbound-rtp')).toHaveLength(1);
    expect(inbound!['trackIdentifier']).toBe(audio.id);
    expect(report.get(inbound!['codecId'] as string)!['mimeType']).toBe('audio/opus');
    expect(report.get(inbound!['remoteId'] as string)!['localId']).toBe(inbound!.id);
    expect(ofType(report, 'transport')).toHaveLength(1);
    expect(dangling(report)).toEqual([]);
    for (const type of ['peer-connection', 'data-channel', 'outbound-rtp', 'media-source']) expect(ofType(report, type), type).toEqual([]);
  });

  it('still resolves once the connection is closed, with the last values', async () => {
    c = await call();
    const sent = c.send();
    const { a } = c;
    await eventually(async () => (ofType(await a.getStats(), 'outbound-rtp').length === 2 ? true : undefined));
    a.close();
    const report = await a.getStats();
    expect(ofType(report, 'peer-connection')).toHaveLength(1);
    const video = ofType(report, 'outbound-rtp', 'video')[0]!;
    expect(video['framesSent']).toBeLessThanOrEqual(sent().frames);
    expect(dangling(report)).toEqual([]);
  });
});

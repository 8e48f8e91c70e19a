/**
 * The mandatory-to-implement stats (W3C WebRTC §8.6), the list WPT's
 * RTCPeerConnection-mandatory-getStats.https.html counts, on a call with audio, video and a data
 * channel: a member counts as implemented when some stats object of a type using that
 * dictionary has it, with a value (not undefined).
 *
 * Current spec over older WPT revisions: `receiverId` (inbound-rtp) and `senderId`
 * (outbound-rtp) were removed with the receiver/sender stats they pointed to; the inbound-rtp
 * list is trackIdentifier, remoteId, framesDecoded, framesDropped, nackCount, framesReceived,
 * bytesReceived, totalAudioEnergy, totalSamplesDuration, packetsDiscarded.
 *
 * A member we cannot know truthfully is absent, never made up. Those are listed in NOT_KNOWN
 * with the reason, and the test asserts they really are absent, so the day one is computed the
 * list (and the README) must change with it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RTCStats, RTCStatsReport } from '../../src/index.js';
import { eventually } from '../helpers.js';
import { call, ofType, type Call } from './call.js';

const MANDATORY: Record<string, string[]> = {
  RTCRtpStreamStats: ['ssrc', 'kind', 'transportId', 'codecId'],
  RTCReceivedRtpStreamStats: ['packetsReceived', 'packetsLost', 'jitter'],
  RTCInboundRtpStreamStats: [
    'trackIdentifier', 'remoteId', 'framesDecoded', 'framesDropped', 'nackCount', 'framesReceived', 'bytesReceived',
    'totalAudioEnergy', 'totalSamplesDuration', 'packetsDiscarded',
  ],
  RTCRemoteInboundRtpStreamStats: ['localId', 'roundTripTime', 'totalRoundTripTime', 'fractionLost', 'roundTripTimeMeasurements'],
  RTCSentRtpStreamStats: ['packetsSent', 'bytesSent'],
  RTCOutboundRtpStreamStats: ['remoteId', 'framesEncoded', 'nackCount', 'framesSent'],
  RTCRemoteOutboundRtpStreamStats: ['localId', 'remoteTimestamp'],
  RTCPeerConnectionStats: ['dataChannelsOpened', 'dataChannelsClosed'],
  RTCDataChannelStats: ['label', 'protocol', 'dataChannelIdentifier', 'state', 'messagesSent', 'bytesSent', 'messagesReceived', 'bytesReceived'],
  RTCMediaSourceStats: ['trackIdentifier', 'kind'],
  RTCAudioSourceStats: ['totalAudioEnergy', 'totalSamplesDuration'],
  RTCVideoSourceStats: ['width', 'height', 'framesPerSecond'],
  RTCCodecStats: ['payloadType', 'mimeType', 'clockRate', 'channels', 'sdpFmtpLine'],
  RTCTransportStats: ['bytesSent', 'bytesReceived', 'selectedCandidatePairId', 'localCertificateId', 'remoteCertificateId'],
  RTCIceCandidatePairStats: [
    'transportId', 'localCandidateId', 'remoteCandidateId', 'state', 'nominated', 'bytesSent', 'bytesReceived',
    'totalRoundTripTime', 'responsesReceived', 'currentRoundTripTime',
  ],
  RTCIceCandidateStats: ['address', 'port', 'protocol', 'candidateType', 'url'],
  RTCCertificateStats: ['fingerprint', 'fingerprintAlgorithm', 'base64Certificate'],
};

/** Mandatory members this stack leaves absent, and why (the README says the same). */
const NOT_KNOWN: Record<string, string> = {
  'RTCInboundRtpStreamStats.framesDropped': 'the jitter buffer skips incomplete frames without counting them as frames',
  'RTCInboundRtpStreamStats.totalAudioEnergy': 'no audio decoder: received audio stays encoded',
  'RTCInboundRtpStreamStats.totalSamplesDuration': 'no audio decoder: received audio stays encoded',
  'RTCAudioSourceStats.totalAudioEnergy': 'the source writes encoded audio: no samples to measure',
  'RTCAudioSourceStats.totalSamplesDuration': 'the source writes encoded audio: no samples to measure',
  'RTCIceCandidateStats.url': 'only for candidates learned from a STUN/TURN server; a loopback call has host candidates only',
};

/** The dictionaries a stats object is made of, most derived first. */
function dictionaries(s: RTCStats): string[] {
  const rtp = ['RTCRtpStreamStats'];
  switch (s.type) {
    case 'inbound-rtp': return ['RTCInboundRtpStreamStats', 'RTCReceivedRtpStreamStats', ...rtp];
    case 'remote-inbound-rtp': return ['RTCRemoteInboundRtpStreamStats', 'RTCReceivedRtpStreamStats', ...rtp];
    case 'outbound-rtp': return ['RTCOutboundRtpStreamStats', 'RTCSentRtpStreamStats', ...rtp];
    case 'remote-outbound-rtp': return ['RTCRemoteOutboundRtpStreamStats', 'RTCSentRtpStreamStats', ...rtp];
    case 'media-source': return [s['kind'] === 'audio' ? 'RTCAudioSourceStats' : 'RTCVideoSourceStats', 'RTCMediaSourceStats'];
    case 'peer-connection': return ['RTCPeerConnectionStats'];
    case 'data-channel': return ['RTCDataChannelStats'];
    case 'codec': return ['RTCCodecStats'];
    case 'transport': return ['RTCTransportStats'];
    case 'candidate-pair': return ['RTCIceCandidatePairStats'];
    case 'local-candidate': case 'remote-candidate': return ['RTCIceCandidateStats'];
    case 'certificate': return ['RTCCertificateStats'];
    default: return [];
  }
}

/** `Dictionary.member` for every mandatory member some stats object of the reports has. */
function seen(reports: RTCStatsReport[]): Set<string> {
  const out = new Set<string>();
  for (const r of reports) {
    for (const s of r.values()) {
      for (const d of dictionaries(s)) for (const m of MANDATORY[d] ?? []) if (s[m] !== undefined) out.add(`${d}.${m}`);
    }
  }
  return out;
}

describe('mandatory-to-implement stats (W3C WebRTC §8.6)', () => {
  let c: Call | undefined;
  afterEach(() => c?.close());

  it('every mandatory member is reported on a call, except those we cannot know, which are absent', async () => {
    c = await call();
    c.send();
    const { a, b } = c;
    // Round-trip times need a few RTCP reports; framesPerSecond a source older than a second.
    const ra = await eventually(async () => {
      const r = await a.getStats();
      const ready = ofType(r, 'remote-inbound-rtp').filter((s) => s['roundTripTime'] !== undefined).length === 2
        && ofType(r, 'media-source', 'video')[0]?.['framesPerSecond'] !== undefined
        && ofType(r, 'candidate-pair').some((s) => s['currentRoundTripTime'] !== undefined);
      return ready ? r : undefined;
    });
    const rb = await eventually(async () => {
      const r = await b.getStats();
      return ofType(r, 'remote-outbound-rtp').length === 2 ? r : undefined;
    });
    const have = seen([ra, rb]);
    const all = Object.entries(MANDATORY).flatMap(([d, ms]) => ms.map((m) => `${d}.${m}`));
    expect(all.filter((m) => !have.has(m) && NOT_KNOWN[m] === undefined), 'missing').toEqual([]);
    expect(all.filter((m) => have.has(m) && NOT_KNOWN[m] !== undefined), 'now known: update NOT_KNOWN and the README').toEqual([]);
    // The values are of the WebIDL types: ids and names are strings, counters non-negative integers.
    const pair = ra.get(ofType(ra, 'transport')[0]!['selectedCandidatePairId'] as string)!;
    expect(pair['totalRoundTripTime']).toBeGreaterThanOrEqual(pair['currentRoundTripTime'] as number);
    expect(Number.isInteger(pair['responsesReceived']) && (pair['responsesReceived'] as number) > 0).toBe(true);
    for (const m of ['lastPacketSentTimestamp', 'lastPacketReceivedTimestamp']) {
      // A DOMHighResTimeStamp on the same clock as the stats' own timestamp, not after it.
      expect(pair[m] as number, m).toBeGreaterThan(performance.timeOrigin);
      expect(pair[m] as number, m).toBeLessThanOrEqual(pair.timestamp);
    }
    const fps = ofType(ra, 'media-source', 'video')[0]!['framesPerSecond'] as number;
    expect(Number.isInteger(fps) && fps > 0).toBe(true);
  });
});

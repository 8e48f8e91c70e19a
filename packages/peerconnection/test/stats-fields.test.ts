/**
 * Every stats object has the members W3C webrtc-stats lists for its type (the ones this stack can
 * know), on a loopback call with audio, video and a data channel, once RTCP reports went both ways.
 */
import { describe, expect, it } from 'vitest';
import { MediaStream, MediaStreamTrack, type RTCStats } from '../src/index.js';
import { connected, eventually, loopbackPair, negotiate, next, opusPackets, vp8Frames } from './helpers.js';

const RTP_STREAM = ['ssrc', 'kind', 'transportId', 'codecId'];
const FIELDS: Record<string, string[]> = {
  'peer-connection': ['dataChannelsOpened', 'dataChannelsClosed'],
  'data-channel': ['label', 'protocol', 'dataChannelIdentifier', 'state', 'messagesSent', 'bytesSent', 'messagesReceived', 'bytesReceived'],
  transport: [
    'packetsSent', 'packetsReceived', 'bytesSent', 'bytesReceived', 'selectedCandidatePairId', 'localCertificateId', 'remoteCertificateId',
    'dtlsState', 'iceState', 'iceRole', 'iceLocalUsernameFragment', 'tlsVersion', 'dtlsCipher', 'dtlsRole', 'srtpCipher',
  ],
  'candidate-pair': [
    'transportId', 'localCandidateId', 'remoteCandidateId', 'state', 'nominated', 'packetsSent', 'packetsReceived', 'bytesSent', 'bytesReceived',
    'requestsSent', 'requestsReceived', 'responsesReceived', 'totalRoundTripTime',
  ],
  'media-source': ['kind', 'trackIdentifier'],
  'local-candidate': ['transportId', 'address', 'port', 'protocol', 'candidateType', 'priority', 'foundation', 'usernameFragment'],
  'remote-candidate': ['transportId', 'address', 'port', 'protocol', 'candidateType', 'priority', 'foundation', 'usernameFragment'],
  certificate: ['fingerprint', 'fingerprintAlgorithm', 'base64Certificate'],
  codec: ['transportId', 'payloadType', 'mimeType', 'clockRate'],
  'outbound-rtp': [
    ...RTP_STREAM, 'mid', 'packetsSent', 'bytesSent', 'headerBytesSent', 'retransmittedPacketsSent', 'retransmittedBytesSent',
    'framesSent', 'nackCount', 'pliCount', 'firCount', 'active', 'remoteId', 'mediaSourceId',
  ],
  'inbound-rtp': [
    ...RTP_STREAM, 'trackIdentifier', 'mid', 'packetsReceived', 'packetsLost', 'jitter', 'bytesReceived', 'headerBytesReceived',
    'packetsDiscarded', 'framesReceived', 'nackCount', 'pliCount', 'firCount', 'remoteId',
  ],
  'remote-inbound-rtp': [...RTP_STREAM, 'localId', 'packetsLost', 'jitter', 'fractionLost', 'roundTripTime', 'totalRoundTripTime', 'roundTripTimeMeasurements'],
  'remote-outbound-rtp': [...RTP_STREAM, 'localId', 'packetsSent', 'bytesSent', 'remoteTimestamp', 'reportsSent'],
};

describe('stats members (W3C webrtc-stats)', () => {
  it('each type has its members, ids it references resolve, and audio codecs name their channels', async () => {
    const { a, b } = loopbackPair();
    const vp8 = vp8Frames();
    const opus = opusPackets();
    const timers: NodeJS.Timeout[] = [];
    try {
      const tracks = { audio: new MediaStreamTrack('audio'), video: new MediaStreamTrack('video') };
      const stream = new MediaStream([tracks.audio, tracks.video]);
      a.addTrack(tracks.audio, stream);
      a.addTrack(tracks.video, stream);
      const chat = a.createDataChannel('chat');
      await negotiate(a, b);
      await Promise.all([connected(a), connected(b), next(chat, 'open')]);
      chat.send('hello');
      let i = 0;
      timers.push(setInterval(() => {
        tracks.video.writeFrame(vp8[i % vp8.length]!, { timestamp: i * 33_333 });
        tracks.audio.writeFrame(opus[i % opus.length]!, { timestamp: i * 20_000 });
        i++;
      }, 20));
      const complete = (r: ReadonlyMap<string, RTCStats>, types: string[]): boolean =>
        types.every((t) => [...r.values()].filter((s) => s.type === t).length >= 2 && [...r.values()].filter((s) => s.type === t).every((s) => s['roundTripTime'] !== undefined || t !== 'remote-inbound-rtp'));
      const ra = await eventually(async () => {
        const r = await a.getStats();
        return complete(r, ['remote-inbound-rtp']) ? r : undefined;
      });
      const rb = await eventually(async () => {
        const r = await b.getStats();
        return complete(r, ['remote-outbound-rtp']) ? r : undefined;
      });
      for (const report of [ra, rb]) {
        const types = new Set([...report.values()].map((s) => s.type));
        for (const st of report.values()) {
          expect(typeof st.id).toBe('string');
          expect(typeof st.timestamp).toBe('number');
          const wanted = FIELDS[st.type];
          expect(wanted, `unexpected type ${st.type}`).toBeDefined();
          for (const f of wanted!) expect(st[f], `${st.type}.${f}`).not.toBeUndefined();
          for (const ref of ['transportId', 'codecId', 'mediaSourceId', 'localId', 'remoteId', 'localCandidateId', 'remoteCandidateId', 'selectedCandidatePairId', 'localCertificateId', 'remoteCertificateId']) {
            if (st[ref] !== undefined) expect(report.has(st[ref] as string), `${st.type}.${ref}`).toBe(true);
          }
          if (st.type === 'codec' && (st['mimeType'] as string).startsWith('audio/opus')) expect(st['channels']).toBe(2);
        }
        for (const t of ['peer-connection', 'data-channel', 'transport', 'candidate-pair', 'local-candidate', 'remote-candidate', 'certificate', 'codec']) expect(types).toContain(t);
      }
      expect(new Set([...ra.values()].map((s) => s.type))).toContain('outbound-rtp');
      expect(new Set([...rb.values()].map((s) => s.type))).toContain('inbound-rtp');
    } finally {
      for (const t of timers) clearInterval(t);
      a.close();
      b.close();
    }
  }, 20_000);
});

/**
 * RTP stats (W3C webrtc-stats §3.2): `codec`, `media-source`, `inbound-rtp`, `outbound-rtp`,
 * `remote-inbound-rtp` and `remote-outbound-rtp` from the media controller's streams. Byte
 * counts are payload bytes; headers are in `headerBytes*`.
 */
import type { Codec } from '@x/sdp';
import type { MediaController } from './media-controller.js';
import { mediaSourceId, mediaSourceStats } from './media-source-stats.js';
import type { RTCStats } from './stats.js';
import type { RTCRtpTransceiver } from './transceiver.js';
import { fmtpLine } from './rtp-codec.js';

const kindLetter = (kind: 'audio' | 'video'): string => (kind === 'audio' ? 'A' : 'V');
const outboundId = (kind: 'audio' | 'video', ssrc: number): string => `OT01${kindLetter(kind)}${ssrc}`;
const inboundId = (kind: 'audio' | 'video', ssrc: number): string => `IT01${kindLetter(kind)}${ssrc}`;

/** The ids of the outbound-rtp (sender) or inbound-rtp (receiver) stats of a transceiver's streams. */
export function rtpStreamIds(media: MediaController, t: RTCRtpTransceiver, side: 'sender' | 'receiver'): string[] {
  if (side === 'sender') return (media.senders.get(t) ?? []).map((s) => outboundId(t.kind, s.ssrc));
  return (media.receivers.get(t) ?? []).flatMap((r) => (r.ssrc === undefined ? [] : [inboundId(t.kind, r.ssrc)]));
}

function codecStats(kind: 'audio' | 'video', codec: Codec, timestamp: number): RTCStats {
  const fmtp = fmtpLine(codec);
  return {
    id: `COT01_${codec.payloadType}`, type: 'codec', timestamp, transportId: 'T01',
    payloadType: codec.payloadType, mimeType: `${kind}/${codec.name}`, clockRate: codec.clockRate,
    ...(codec.channels !== undefined ? { channels: codec.channels } : {}), ...(fmtp !== undefined ? { sdpFmtpLine: fmtp } : {}),
  };
}

/**
 * media-source (one per track being sent), codec, outbound-rtp (one per encoding, once it sent a
 * packet or RTCP spoke of it: webrtc-stats' lifetime of RTP stream stats), remote-inbound-rtp
 * (the peer's RR/SR report blocks about them), inbound-rtp (one per received stream or simulcast
 * layer, once a packet came) and remote-outbound-rtp (the peer's SRs) stats.
 */
export function rtpStats(media: MediaController, transceivers: readonly RTCRtpTransceiver[], timestamp: number): RTCStats[] {
  const out: RTCStats[] = [];
  const sources = new Map<string, RTCStats>();
  for (const t of transceivers) {
    const track = t.sender.track;
    if (track === null || t.stopped || sources.has(mediaSourceId(track.id))) continue;
    sources.set(mediaSourceId(track.id), mediaSourceStats(track, timestamp));
  }
  const codecs = new Map<string, RTCStats>();
  const codecId = (kind: 'audio' | 'video', c: Codec): string => {
    const st = codecStats(kind, c, timestamp);
    codecs.set(st.id, st);
    return st.id;
  };
  for (const [t, layers] of media.senders) {
    layers.forEach((s, i) => {
      const c = s.counters;
      const r = s.remoteInbound;
      if (c.packetsSent === 0 && r === undefined) return;
      const id = outboundId(t.kind, s.ssrc);
      const remoteId = `RIT01${kindLetter(t.kind)}${s.ssrc}`;
      const codec = codecId(t.kind, s.codec.codec);
      const track = t.sender.track;
      out.push({
        id, type: 'outbound-rtp', timestamp, transportId: 'T01',
        ssrc: s.ssrc, kind: t.kind, mid: s.mid, codecId: codec, active: s.active && t.sender.encodingActive(i),
        ...(track !== null && sources.has(mediaSourceId(track.id)) ? { mediaSourceId: mediaSourceId(track.id) } : {}),
        packetsSent: c.packetsSent, bytesSent: c.bytesSent, headerBytesSent: c.headerBytesSent, framesSent: c.framesSent,
        nackCount: c.nackCount, pliCount: c.pliCount, firCount: c.firCount,
        retransmittedPacketsSent: c.retransmittedPacketsSent, retransmittedBytesSent: c.retransmittedBytesSent,
        ...(t.kind === 'video' ? { framesEncoded: c.framesEncoded, keyFramesEncoded: c.keyFramesEncoded } : {}),
        ...(s.rtx !== undefined ? { rtxSsrc: s.rtx.ssrc } : {}), ...(s.rid !== undefined ? { rid: s.rid } : {}),
        ...(r !== undefined ? { remoteId } : {}),
      });
      if (r === undefined) return;
      out.push({
        id: remoteId, type: 'remote-inbound-rtp', timestamp: r.receivedAt, transportId: 'T01',
        ssrc: s.ssrc, kind: t.kind, codecId: codec, localId: id,
        packetsLost: r.block.cumulativeLost, jitter: r.block.jitter / s.codec.codec.clockRate, fractionLost: r.block.fractionLost / 256,
        ...(r.roundTripTimeMs !== undefined ? { roundTripTime: r.roundTripTimeMs / 1000 } : {}),
        totalRoundTripTime: r.totalRoundTripTimeMs / 1000, roundTripTimeMeasurements: r.roundTripTimeMeasurements,
      });
    });
  }
  for (const [t, layers] of media.receivers) {
    for (const r of layers) {
      if (r.ssrc === undefined || r.codec === undefined) continue;
      const c = r.counters;
      const id = inboundId(t.kind, r.ssrc);
      const remoteId = `ROT01${kindLetter(t.kind)}${r.ssrc}`;
      const codec = codecId(t.kind, r.codec.codec);
      const reception = r.reception;
      const ro = r.remoteOutbound;
      out.push({
        id, type: 'inbound-rtp', timestamp, transportId: 'T01',
        ssrc: r.ssrc, kind: t.kind, mid: r.mid, trackIdentifier: r.track.id, codecId: codec,
        packetsReceived: c.packetsReceived, packetsLost: reception?.packetsLost ?? 0, jitter: reception?.jitter ?? 0,
        bytesReceived: c.bytesReceived, headerBytesReceived: c.headerBytesReceived,
        nackCount: c.nackCount, pliCount: c.pliCount, firCount: 0, packetsDiscarded: c.packetsDiscarded,
        framesReceived: c.framesReceived,
        // No decoder here: a frame counts as decoded once depacketized whole and handed to the track.
        ...(t.kind === 'video' ? { keyFramesReceived: c.keyFramesReceived, framesDecoded: c.framesReceived, keyFramesDecoded: c.keyFramesReceived } : {}),
        ...(ro !== undefined ? { remoteId } : {}),
      });
      if (ro === undefined) continue;
      out.push({
        id: remoteId, type: 'remote-outbound-rtp', timestamp, transportId: 'T01',
        ssrc: r.ssrc, kind: t.kind, codecId: codec, localId: id,
        packetsSent: ro.packetsSent, bytesSent: ro.bytesSent, remoteTimestamp: ro.remoteTimestamp, reportsSent: ro.reportsSent,
        roundTripTimeMeasurements: 0, totalRoundTripTime: 0,
      });
    }
  }
  return [...sources.values(), ...codecs.values(), ...out];
}

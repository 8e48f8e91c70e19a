/**
 * RTP stats (W3C webrtc-stats §3.2): `codec`, `inbound-rtp`, `outbound-rtp`, `remote-inbound-rtp`
 * and `remote-outbound-rtp` from the media controller's streams. Byte counts are payload bytes; headers are in `headerBytes*`.
 */
import type { Codec } from '@x/sdp';
import type { MediaController } from './media-controller.js';
import type { RTCStats } from './stats.js';
import { fmtpLine } from './rtp-codec.js';

function codecStats(kind: 'audio' | 'video', codec: Codec, timestamp: number): RTCStats {
  const fmtp = fmtpLine(codec);
  return {
    id: `COT01_${codec.payloadType}`, type: 'codec', timestamp, transportId: 'T01',
    payloadType: codec.payloadType, mimeType: `${kind}/${codec.name}`, clockRate: codec.clockRate,
    ...(codec.channels !== undefined ? { channels: codec.channels } : {}), ...(fmtp !== undefined ? { sdpFmtpLine: fmtp } : {}),
  };
}

/**
 * codec, outbound-rtp (one per encoding), remote-inbound-rtp (the peer's RR/SR report blocks about
 * them), inbound-rtp (one per received stream or simulcast layer) and remote-outbound-rtp (the
 * peer's SRs) stats of every stream that was set up.
 */
export function rtpStats(media: MediaController, timestamp: number): RTCStats[] {
  const out: RTCStats[] = [];
  const codecs = new Map<string, RTCStats>();
  const codecId = (kind: 'audio' | 'video', c: Codec): string => {
    const st = codecStats(kind, c, timestamp);
    codecs.set(st.id, st);
    return st.id;
  };
  for (const [t, layers] of media.senders) {
    layers.forEach((s, i) => {
      const c = s.counters;
      const k = t.kind[0]!.toUpperCase();
      const id = `OT01${k}${s.ssrc}`;
      const remoteId = `RIT01${k}${s.ssrc}`;
      const codec = codecId(t.kind, s.codec.codec);
      const r = s.remoteInbound;
      out.push({
        id, type: 'outbound-rtp', timestamp, transportId: 'T01',
        ssrc: s.ssrc, kind: t.kind, mid: s.mid, codecId: codec, active: s.active && t.sender.encodingActive(i),
        packetsSent: c.packetsSent, bytesSent: c.bytesSent, headerBytesSent: c.headerBytesSent, framesSent: c.framesSent,
        nackCount: c.nackCount, pliCount: c.pliCount, firCount: c.firCount,
        retransmittedPacketsSent: c.retransmittedPacketsSent, retransmittedBytesSent: c.retransmittedBytesSent,
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
      const k = t.kind[0]!.toUpperCase();
      const id = `IT01${k}${r.ssrc}`;
      const remoteId = `ROT01${k}${r.ssrc}`;
      const codec = codecId(t.kind, r.codec.codec);
      const reception = r.reception;
      const ro = r.remoteOutbound;
      out.push({
        id, type: 'inbound-rtp', timestamp, transportId: 'T01',
        ssrc: r.ssrc, kind: t.kind, mid: r.mid, trackIdentifier: r.track.id, codecId: codec,
        packetsReceived: c.packetsReceived, packetsLost: reception?.packetsLost ?? 0, jitter: reception?.jitter ?? 0,
        bytesReceived: c.bytesReceived, headerBytesReceived: c.headerBytesReceived,
        nackCount: c.nackCount, pliCount: c.pliCount, firCount: 0, packetsDiscarded: c.packetsDiscarded,
        framesReceived: c.framesReceived, ...(t.kind === 'video' ? { keyFramesReceived: c.keyFramesReceived } : {}),
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
  return [...codecs.values(), ...out];
}

/** The stats selection algorithm (W3C §8.2) for a track: its RTP streams, what they reference, and the transport. */
export function selectStats(report: ReadonlyMap<string, RTCStats>, trackId: string, senderSsrcs: number[]): ReadonlyMap<string, RTCStats> {
  const out = new Map<string, RTCStats>();
  for (const st of report.values()) {
    const mine = (st.type === 'outbound-rtp' && senderSsrcs.includes(st['ssrc'] as number)) || (st.type === 'inbound-rtp' && st['trackIdentifier'] === trackId);
    if (!mine) continue;
    out.set(st.id, st);
    for (const ref of [st['codecId'], st['remoteId']]) {
      const r = report.get(ref as string);
      if (r !== undefined) out.set(r.id, r);
    }
  }
  const transport = report.get('T01');
  if (transport !== undefined) out.set(transport.id, transport);
  return out;
}

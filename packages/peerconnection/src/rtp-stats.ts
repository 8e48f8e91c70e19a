/**
 * RTP stats (W3C webrtc-stats §3.2): `codec`, `inbound-rtp` and `outbound-rtp` from the media
 * controller's streams. Byte counts are payload bytes; headers are in `headerBytes*`.
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

/** codec, outbound-rtp and inbound-rtp stats of every stream that was set up. */
export function rtpStats(media: MediaController, timestamp: number): RTCStats[] {
  const out: RTCStats[] = [];
  const codecs = new Map<string, RTCStats>();
  const codecId = (kind: 'audio' | 'video', c: Codec): string => {
    const st = codecStats(kind, c, timestamp);
    codecs.set(st.id, st);
    return st.id;
  };
  for (const [t, s] of media.senders) {
    const c = s.counters;
    out.push({
      id: `OT01${t.kind[0]!.toUpperCase()}${s.ssrc}`, type: 'outbound-rtp', timestamp, transportId: 'T01',
      ssrc: s.ssrc, kind: t.kind, mid: s.mid, codecId: codecId(t.kind, s.codec.codec), active: s.active,
      packetsSent: c.packetsSent, bytesSent: c.bytesSent, headerBytesSent: c.headerBytesSent, framesSent: c.framesSent,
      nackCount: c.nackCount, pliCount: c.pliCount, firCount: c.firCount,
      retransmittedPacketsSent: c.retransmittedPacketsSent, retransmittedBytesSent: c.retransmittedBytesSent,
      ...(s.rtx !== undefined ? { rtxSsrc: s.rtx.ssrc } : {}),
    });
  }
  for (const [t, r] of media.receivers) {
    if (r.ssrc === undefined || r.codec === undefined) continue;
    const c = r.counters;
    out.push({
      id: `IT01${t.kind[0]!.toUpperCase()}${r.ssrc}`, type: 'inbound-rtp', timestamp, transportId: 'T01',
      ssrc: r.ssrc, kind: t.kind, mid: r.mid, trackIdentifier: r.track.id, codecId: codecId(t.kind, r.codec.codec),
      packetsReceived: c.packetsReceived, bytesReceived: c.bytesReceived, headerBytesReceived: c.headerBytesReceived,
      framesReceived: c.framesReceived, nackCount: c.nackCount, pliCount: c.pliCount, packetsDiscarded: c.packetsDiscarded,
    });
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
    const codec = report.get(st['codecId'] as string);
    if (codec !== undefined) out.set(codec.id, codec);
  }
  const transport = report.get('T01');
  if (transport !== undefined) out.set(transport.id, transport);
  return out;
}

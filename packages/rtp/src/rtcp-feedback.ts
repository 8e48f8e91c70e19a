import { RtpError } from './errors.js';
import { allocRtcpPacket, need, RtcpPacketType, viewOf } from './rtcp-header.js';

/** Feedback message types (FMT) in RTPFB and PSFB packets. */
export const FeedbackFormat = {
  /** RTPFB: generic NACK (RFC 4585 §6.2.1). */
  genericNack: 1,
  /** RTPFB: transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01). */
  transportWideCc: 15,
  /** PSFB: picture loss indication (RFC 4585 §6.3.1). */
  pictureLossIndication: 1,
  /** PSFB: full intra request (RFC 5104 §4.3.1). */
  fullIntraRequest: 4,
  /** PSFB: application layer feedback (RFC 4585 §6.4), used by REMB. */
  applicationLayer: 15,
} as const;

/** Generic NACK (RFC 4585 §6.2.1): the sequence numbers the receiver reports lost. */
export interface GenericNack {
  type: 'nack';
  senderSsrc: number;
  mediaSsrc: number;
  /** Lost sequence numbers, expanded from the PID/BLP pairs. */
  lost: number[];
}

/** PLI: picture loss indication (RFC 4585 §6.3.1). */
export interface PictureLossIndication {
  type: 'pli';
  senderSsrc: number;
  mediaSsrc: number;
}

/** One FIR entry: the media sender asked for a decoder refresh, and the command sequence number. */
export interface FirEntry {
  ssrc: number;
  /** 8-bit command sequence number; the same number repeats a request. */
  sequenceNumber: number;
}

/** FIR: full intra request (RFC 5104 §4.3.1). */
export interface FullIntraRequest {
  type: 'fir';
  senderSsrc: number;
  /** Always 0 on send (RFC 5104 §4.3.1.2). */
  mediaSsrc: number;
  entries: FirEntry[];
}

/** REMB: receiver estimated maximum bitrate (draft-alvestrand-rmcat-remb-03). */
export interface ReceiverEstimatedMaxBitrate {
  type: 'remb';
  senderSsrc: number;
  /** Bits per second (mantissa × 2^exp on the wire, so large values lose low bits). */
  bitrate: number;
  ssrcs: number[];
}

/** An RTPFB or PSFB message this package does not decode further; its FCI is kept as a view. */
export interface GenericFeedback {
  type: 'feedback';
  /** 205 (RTPFB) or 206 (PSFB). */
  packetType: number;
  format: number;
  senderSsrc: number;
  mediaSsrc: number;
  fci: Uint8Array;
}

/** @internal Parse a generic NACK body. */
export function parseGenericNack(body: Uint8Array): GenericNack {
  need(body, 8, 'NACK');
  if ((body.length - 8) % 4 !== 0) throw new RtpError('bad-payload', 'NACK FCI is not a multiple of 4 bytes');
  const v = viewOf(body);
  const lost: number[] = [];
  for (let i = 8; i < body.length; i += 4) {
    const pid = v.getUint16(i);
    const blp = v.getUint16(i + 2);
    lost.push(pid);
    for (let b = 0; b < 16; b++) if (blp & (1 << b)) lost.push((pid + b + 1) & 0xffff);
  }
  return { type: 'nack', senderSsrc: v.getUint32(0), mediaSsrc: v.getUint32(4), lost };
}

/** Serialize a generic NACK; consecutive numbers (in the given order) share a PID/BLP pair. */
export function serializeGenericNack(p: GenericNack): Uint8Array {
  const pairs: number[] = [];
  for (const seq of p.lost) {
    if (!(seq >= 0 && seq <= 0xffff)) throw new RtpError('invalid-argument', `sequence number ${seq}`);
    const n = pairs.length;
    if (n > 0) {
      const diff = (seq - pairs[n - 2]! + 0x10000) & 0xffff;
      if (diff === 0) continue;
      if (diff <= 16) { pairs[n - 1]! |= 1 << (diff - 1); continue; }
    }
    pairs.push(seq, 0);
  }
  const { buf, view } = allocRtcpPacket(FeedbackFormat.genericNack, RtcpPacketType.transportFeedback, 8 + pairs.length * 2);
  view.setUint32(4, p.senderSsrc >>> 0);
  view.setUint32(8, p.mediaSsrc >>> 0);
  for (let i = 0; i < pairs.length; i++) view.setUint16(12 + i * 2, pairs[i]!);
  return buf;
}

/** Serialize a PLI. */
export function serializePictureLossIndication(p: PictureLossIndication): Uint8Array {
  const { buf, view } = allocRtcpPacket(FeedbackFormat.pictureLossIndication, RtcpPacketType.payloadFeedback, 8);
  view.setUint32(4, p.senderSsrc >>> 0);
  view.setUint32(8, p.mediaSsrc >>> 0);
  return buf;
}

/** @internal Parse a FIR body. */
export function parseFullIntraRequest(body: Uint8Array): FullIntraRequest {
  need(body, 8, 'FIR');
  if ((body.length - 8) % 8 !== 0) throw new RtpError('bad-payload', 'FIR FCI is not a multiple of 8 bytes');
  const v = viewOf(body);
  const entries: FirEntry[] = [];
  for (let i = 8; i < body.length; i += 8) entries.push({ ssrc: v.getUint32(i), sequenceNumber: body[i + 4]! });
  return { type: 'fir', senderSsrc: v.getUint32(0), mediaSsrc: v.getUint32(4), entries };
}

/** Serialize a FIR. */
export function serializeFullIntraRequest(p: FullIntraRequest): Uint8Array {
  const { buf, view } = allocRtcpPacket(FeedbackFormat.fullIntraRequest, RtcpPacketType.payloadFeedback, 8 + p.entries.length * 8);
  view.setUint32(4, p.senderSsrc >>> 0);
  view.setUint32(8, p.mediaSsrc >>> 0);
  p.entries.forEach((e, i) => {
    view.setUint32(12 + i * 8, e.ssrc >>> 0);
    buf[16 + i * 8] = e.sequenceNumber & 0xff;
  });
  return buf;
}

/** @internal Whether a PSFB AFB body is REMB. */
export function isRemb(body: Uint8Array): boolean {
  return body.length >= 16 && body[8] === 0x52 && body[9] === 0x45 && body[10] === 0x4d && body[11] === 0x42;
}

/** @internal Parse a REMB body. */
export function parseReceiverEstimatedMaxBitrate(body: Uint8Array): ReceiverEstimatedMaxBitrate {
  need(body, 16, 'REMB');
  const v = viewOf(body);
  const num = body[12]!;
  need(body, 16 + num * 4, 'REMB SSRC list');
  const exp = body[13]! >> 2;
  const mantissa = ((body[13]! & 3) << 16) | (body[14]! << 8) | body[15]!;
  const ssrcs: number[] = [];
  for (let i = 0; i < num; i++) ssrcs.push(v.getUint32(16 + i * 4));
  return { type: 'remb', senderSsrc: v.getUint32(0), bitrate: mantissa * 2 ** exp, ssrcs };
}

/** Serialize a REMB (media SSRC 0, as the draft says). */
export function serializeReceiverEstimatedMaxBitrate(p: ReceiverEstimatedMaxBitrate): Uint8Array {
  if (!(p.bitrate >= 0) || p.ssrcs.length > 255) throw new RtpError('invalid-argument', 'REMB bitrate or SSRC count out of range');
  let mantissa = Math.floor(p.bitrate);
  let exp = 0;
  while (mantissa >= 1 << 18) { mantissa = Math.floor(mantissa / 2); exp++; }
  if (exp > 63) throw new RtpError('invalid-argument', 'REMB bitrate too large');
  const { buf, view } = allocRtcpPacket(FeedbackFormat.applicationLayer, RtcpPacketType.payloadFeedback, 16 + p.ssrcs.length * 4);
  view.setUint32(4, p.senderSsrc >>> 0);
  buf.set([0x52, 0x45, 0x4d, 0x42, p.ssrcs.length, (exp << 2) | (mantissa >> 16), (mantissa >> 8) & 0xff, mantissa & 0xff], 12);
  p.ssrcs.forEach((s, i) => view.setUint32(20 + i * 4, s >>> 0));
  return buf;
}

/** @internal Parse an RTPFB/PSFB message this package does not decode further. */
export function parseGenericFeedback(packetType: number, format: number, body: Uint8Array): GenericFeedback {
  need(body, 8, 'feedback');
  const v = viewOf(body);
  return { type: 'feedback', packetType, format, senderSsrc: v.getUint32(0), mediaSsrc: v.getUint32(4), fci: body.subarray(8) };
}

/** Serialize a feedback message from its parts. */
export function serializeGenericFeedback(p: GenericFeedback): Uint8Array {
  const { buf, view } = allocRtcpPacket(p.format, p.packetType, 8 + p.fci.length);
  view.setUint32(4, p.senderSsrc >>> 0);
  view.setUint32(8, p.mediaSsrc >>> 0);
  buf.set(p.fci, 12);
  return buf;
}

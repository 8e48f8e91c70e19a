import { RtpError } from './errors.js';
import { allocRtcpPacket, readRtcpHeader, RtcpPacketType } from './rtcp-header.js';
import { parseReceiverReport, parseSenderReport, serializeReceiverReport, serializeSenderReport } from './rtcp-reports.js';
import type { ReceiverReport, SenderReport } from './rtcp-reports.js';
import { parseSourceDescription, serializeSourceDescription } from './rtcp-sdes.js';
import type { SourceDescription } from './rtcp-sdes.js';
import { parseGoodbye, serializeGoodbye } from './rtcp-bye.js';
import type { Goodbye } from './rtcp-bye.js';
import { parseApplicationDefined, serializeApplicationDefined } from './rtcp-app.js';
import type { ApplicationDefined } from './rtcp-app.js';
import {
  FeedbackFormat, isRemb, parseFullIntraRequest, parseGenericFeedback, parseGenericNack, parseReceiverEstimatedMaxBitrate,
  serializeFullIntraRequest, serializeGenericFeedback, serializeGenericNack, serializePictureLossIndication,
  serializeReceiverEstimatedMaxBitrate,
} from './rtcp-feedback.js';
import type { FullIntraRequest, GenericFeedback, GenericNack, PictureLossIndication, ReceiverEstimatedMaxBitrate } from './rtcp-feedback.js';
import { parseTransportWideCcFeedback, serializeTransportWideCcFeedback } from './rtcp-transport-wide-cc.js';
import type { TransportWideCcFeedback } from './rtcp-transport-wide-cc.js';
import { parseExtendedReport, serializeExtendedReport } from './rtcp-extended-report.js';
import type { ExtendedReport } from './rtcp-extended-report.js';

/** An RTCP packet type this package does not decode; kept as a view. */
export interface UnknownRtcpPacket {
  type: 'unknown';
  packetType: number;
  count: number;
  body: Uint8Array;
}

/** Any RTCP packet, discriminated by `type`. */
export type RtcpPacket =
  | SenderReport
  | ReceiverReport
  | SourceDescription
  | Goodbye
  | ApplicationDefined
  | GenericNack
  | PictureLossIndication
  | FullIntraRequest
  | ReceiverEstimatedMaxBitrate
  | TransportWideCcFeedback
  | GenericFeedback
  | ExtendedReport
  | UnknownRtcpPacket;

function parseOne(count: number, packetType: number, body: Uint8Array): RtcpPacket {
  switch (packetType) {
    case RtcpPacketType.senderReport: return parseSenderReport(count, body);
    case RtcpPacketType.receiverReport: return parseReceiverReport(count, body);
    case RtcpPacketType.sourceDescription: return parseSourceDescription(count, body);
    case RtcpPacketType.goodbye: return parseGoodbye(count, body);
    case RtcpPacketType.applicationDefined: return parseApplicationDefined(count, body);
    case RtcpPacketType.transportFeedback:
      if (count === FeedbackFormat.genericNack) return parseGenericNack(body);
      if (count === FeedbackFormat.transportWideCc) return parseTransportWideCcFeedback(body);
      return parseGenericFeedback(packetType, count, body);
    case RtcpPacketType.payloadFeedback:
      if (count === FeedbackFormat.pictureLossIndication) {
        const g = parseGenericFeedback(packetType, count, body);
        return { type: 'pli', senderSsrc: g.senderSsrc, mediaSsrc: g.mediaSsrc };
      }
      if (count === FeedbackFormat.fullIntraRequest) return parseFullIntraRequest(body);
      if (count === FeedbackFormat.applicationLayer && isRemb(body)) return parseReceiverEstimatedMaxBitrate(body);
      return parseGenericFeedback(packetType, count, body);
    case RtcpPacketType.extendedReport: return parseExtendedReport(body);
    default: return { type: 'unknown', packetType, count, body };
  }
}

/**
 * Parse a compound RTCP packet (RFC 3550 §6.1) or a reduced-size one (RFC 5506: a single packet,
 * any type first). Each packet's length must fit; bodies are views into `buf`.
 * @throws RtpError for a bad header, length, padding or body.
 */
export function parseRtcp(buf: Uint8Array): RtcpPacket[] {
  if (buf.length === 0) throw new RtpError('truncated', 'empty RTCP packet');
  const out: RtcpPacket[] = [];
  let offset = 0;
  while (offset < buf.length) {
    const h = readRtcpHeader(buf, offset);
    out.push(parseOne(h.count, h.packetType, h.body));
    offset += h.size;
  }
  return out;
}

/** Serialize one RTCP packet. */
export function serializeRtcpPacket(p: RtcpPacket): Uint8Array {
  switch (p.type) {
    case 'sr': return serializeSenderReport(p);
    case 'rr': return serializeReceiverReport(p);
    case 'sdes': return serializeSourceDescription(p);
    case 'bye': return serializeGoodbye(p);
    case 'app': return serializeApplicationDefined(p);
    case 'nack': return serializeGenericNack(p);
    case 'pli': return serializePictureLossIndication(p);
    case 'fir': return serializeFullIntraRequest(p);
    case 'remb': return serializeReceiverEstimatedMaxBitrate(p);
    case 'twcc': return serializeTransportWideCcFeedback(p);
    case 'feedback': return serializeGenericFeedback(p);
    case 'xr': return serializeExtendedReport(p);
    case 'unknown': {
      if (p.body.length % 4 !== 0) throw new RtpError('invalid-argument', 'unknown RTCP body must be a multiple of 4 bytes');
      const { buf } = allocRtcpPacket(p.count, p.packetType, p.body.length);
      buf.set(p.body, 4);
      return buf;
    }
  }
}

/**
 * Serialize packets into one compound RTCP datagram. RFC 3550 wants an SR or RR first and an SDES
 * CNAME in it; RFC 5506 reduced-size RTCP allows any single packet. Either is the caller's choice.
 */
export function serializeRtcp(packets: RtcpPacket[]): Uint8Array {
  const parts = packets.map(serializeRtcpPacket);
  let size = 0;
  for (const p of parts) size += p.length;
  const out = new Uint8Array(size);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

import { RtpError } from './errors.js';
import { allocRtcpPacket, need, RtcpPacketType, viewOf } from './rtcp-header.js';

/** A reception report block (RFC 3550 §6.4.1). */
export interface ReportBlock {
  /** SSRC of the source this block reports on. */
  ssrc: number;
  /** Fraction lost since the previous report, as a fixed-point number with the point at the left (0–255). */
  fractionLost: number;
  /** Cumulative number of packets lost, signed 24-bit (duplicates can make it negative). */
  cumulativeLost: number;
  /** Extended highest sequence number received (cycles << 16 | highest). */
  extendedHighestSequence: number;
  /** Interarrival jitter in timestamp units. */
  jitter: number;
  /** LSR: middle 32 bits of the NTP timestamp of the last SR received, 0 if none. */
  lastSenderReport: number;
  /** DLSR: delay since that SR in units of 1/65536 s. */
  delaySinceLastSenderReport: number;
}

/** SR: sender report (RFC 3550 §6.4.1). */
export interface SenderReport {
  type: 'sr';
  ssrc: number;
  /** 64-bit NTP timestamp (seconds since 1900 in the high 32 bits, fraction in the low 32). */
  ntpTime: bigint;
  /** The RTP timestamp that corresponds to `ntpTime`. */
  rtpTimestamp: number;
  packetCount: number;
  octetCount: number;
  reports: ReportBlock[];
  /** Profile-specific extension after the report blocks, if any (a view on parse). */
  profileExtension?: Uint8Array | undefined;
}

/** RR: receiver report (RFC 3550 §6.4.2). */
export interface ReceiverReport {
  type: 'rr';
  ssrc: number;
  reports: ReportBlock[];
  profileExtension?: Uint8Array | undefined;
}

function parseBlocks(view: DataView, offset: number, count: number): ReportBlock[] {
  const reports: ReportBlock[] = [];
  for (let i = 0; i < count; i++, offset += 24) {
    const lost = view.getUint32(offset + 4);
    reports.push({
      ssrc: view.getUint32(offset),
      fractionLost: lost >>> 24,
      cumulativeLost: ((lost & 0xffffff) << 8) >> 8,
      extendedHighestSequence: view.getUint32(offset + 8),
      jitter: view.getUint32(offset + 12),
      lastSenderReport: view.getUint32(offset + 16),
      delaySinceLastSenderReport: view.getUint32(offset + 20),
    });
  }
  return reports;
}

/** @internal Parse an SR body. */
export function parseSenderReport(count: number, body: Uint8Array): SenderReport {
  need(body, 24 + count * 24, 'SR');
  const v = viewOf(body);
  const end = 24 + count * 24;
  return {
    type: 'sr',
    ssrc: v.getUint32(0),
    ntpTime: v.getBigUint64(4),
    rtpTimestamp: v.getUint32(12),
    packetCount: v.getUint32(16),
    octetCount: v.getUint32(20),
    reports: parseBlocks(v, 24, count),
    profileExtension: body.length > end ? body.subarray(end) : undefined,
  };
}

/** @internal Parse an RR body. */
export function parseReceiverReport(count: number, body: Uint8Array): ReceiverReport {
  need(body, 4 + count * 24, 'RR');
  const v = viewOf(body);
  const end = 4 + count * 24;
  return {
    type: 'rr',
    ssrc: v.getUint32(0),
    reports: parseBlocks(v, 4, count),
    profileExtension: body.length > end ? body.subarray(end) : undefined,
  };
}

function writeBlocks(view: DataView, offset: number, reports: ReportBlock[]): void {
  for (const r of reports) {
    if (r.cumulativeLost < -0x800000 || r.cumulativeLost > 0x7fffff) {
      throw new RtpError('invalid-argument', `cumulative lost ${r.cumulativeLost} does not fit 24 bits`);
    }
    view.setUint32(offset, r.ssrc);
    view.setUint32(offset + 4, (((r.fractionLost & 0xff) << 24) | (r.cumulativeLost & 0xffffff)) >>> 0);
    view.setUint32(offset + 8, r.extendedHighestSequence >>> 0);
    view.setUint32(offset + 12, r.jitter >>> 0);
    view.setUint32(offset + 16, r.lastSenderReport >>> 0);
    view.setUint32(offset + 20, r.delaySinceLastSenderReport >>> 0);
    offset += 24;
  }
}

function checkCount(reports: ReportBlock[], ext: Uint8Array | undefined): void {
  if (reports.length > 31) throw new RtpError('invalid-argument', `${reports.length} report blocks, at most 31`);
  if (ext && ext.length % 4 !== 0) throw new RtpError('invalid-argument', 'profile extension must be a multiple of 4 bytes');
}

/** Serialize an SR. */
export function serializeSenderReport(p: SenderReport): Uint8Array {
  checkCount(p.reports, p.profileExtension);
  const extLen = p.profileExtension?.length ?? 0;
  const { buf, view } = allocRtcpPacket(p.reports.length, RtcpPacketType.senderReport, 24 + 24 * p.reports.length + extLen);
  view.setUint32(4, p.ssrc >>> 0);
  view.setBigUint64(8, BigInt.asUintN(64, p.ntpTime));
  view.setUint32(16, p.rtpTimestamp >>> 0);
  view.setUint32(20, p.packetCount >>> 0);
  view.setUint32(24, p.octetCount >>> 0);
  writeBlocks(view, 28, p.reports);
  if (p.profileExtension) buf.set(p.profileExtension, 28 + 24 * p.reports.length);
  return buf;
}

/** Serialize an RR. */
export function serializeReceiverReport(p: ReceiverReport): Uint8Array {
  checkCount(p.reports, p.profileExtension);
  const extLen = p.profileExtension?.length ?? 0;
  const { buf, view } = allocRtcpPacket(p.reports.length, RtcpPacketType.receiverReport, 4 + 24 * p.reports.length + extLen);
  view.setUint32(4, p.ssrc >>> 0);
  writeBlocks(view, 8, p.reports);
  if (p.profileExtension) buf.set(p.profileExtension, 8 + 24 * p.reports.length);
  return buf;
}

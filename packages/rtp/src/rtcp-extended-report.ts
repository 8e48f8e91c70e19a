import { RtpError } from './errors.js';
import { allocRtcpPacket, need, RtcpPacketType, viewOf } from './rtcp-header.js';

/** XR receiver reference time report block (RFC 3611 §4.4, BT=4). */
export interface ReceiverReferenceTimeBlock {
  type: 'rrtr';
  /** 64-bit NTP timestamp. */
  ntpTime: bigint;
}

/** One DLRR sub-block (RFC 3611 §4.5). */
export interface DlrrItem {
  ssrc: number;
  /** LRR: middle 32 bits of the NTP time of the last RRTR received from `ssrc`. */
  lastReceiverReport: number;
  /** DLRR: delay since then, in 1/65536 s. */
  delaySinceLastReceiverReport: number;
}

/** XR DLRR report block (RFC 3611 §4.5, BT=5). */
export interface DlrrBlock {
  type: 'dlrr';
  items: DlrrItem[];
}

/** An XR block this package does not decode; kept as a view. */
export interface UnknownXrBlock {
  type: 'unknown';
  blockType: number;
  typeSpecific: number;
  data: Uint8Array;
}

/** One XR report block. */
export type XrBlock = ReceiverReferenceTimeBlock | DlrrBlock | UnknownXrBlock;

/** XR: extended report (RFC 3611). */
export interface ExtendedReport {
  type: 'xr';
  ssrc: number;
  blocks: XrBlock[];
}

/** @internal Parse an XR body. */
export function parseExtendedReport(body: Uint8Array): ExtendedReport {
  need(body, 4, 'XR');
  const v = viewOf(body);
  const blocks: XrBlock[] = [];
  let i = 4;
  while (i < body.length) {
    if (i + 4 > body.length) throw new RtpError('bad-payload', 'XR block header past the end');
    const bt = body[i]!;
    const len = v.getUint16(i + 2) * 4;
    const start = i + 4;
    if (start + len > body.length) throw new RtpError('bad-payload', `XR block of ${len} bytes runs past the packet`);
    if (bt === 4) {
      if (len !== 8) throw new RtpError('bad-payload', 'XR RRTR block length is not 2');
      blocks.push({ type: 'rrtr', ntpTime: v.getBigUint64(start) });
    } else if (bt === 5) {
      if (len % 12 !== 0) throw new RtpError('bad-payload', 'XR DLRR block length is not a multiple of 3');
      const items: DlrrItem[] = [];
      for (let k = start; k < start + len; k += 12) {
        items.push({ ssrc: v.getUint32(k), lastReceiverReport: v.getUint32(k + 4), delaySinceLastReceiverReport: v.getUint32(k + 8) });
      }
      blocks.push({ type: 'dlrr', items });
    } else {
      blocks.push({ type: 'unknown', blockType: bt, typeSpecific: body[i + 1]!, data: body.subarray(start, start + len) });
    }
    i = start + len;
  }
  return { type: 'xr', ssrc: v.getUint32(0), blocks };
}

function blockSize(b: XrBlock): number {
  if (b.type === 'rrtr') return 12;
  if (b.type === 'dlrr') return 4 + 12 * b.items.length;
  if (b.data.length % 4 !== 0) throw new RtpError('invalid-argument', 'XR block data must be a multiple of 4 bytes');
  return 4 + b.data.length;
}

/** Serialize an XR packet. */
export function serializeExtendedReport(p: ExtendedReport): Uint8Array {
  let len = 4;
  for (const b of p.blocks) len += blockSize(b);
  const { buf, view } = allocRtcpPacket(0, RtcpPacketType.extendedReport, len);
  view.setUint32(4, p.ssrc >>> 0);
  let i = 8;
  for (const b of p.blocks) {
    const size = blockSize(b);
    view.setUint16(i + 2, size / 4 - 1);
    if (b.type === 'rrtr') {
      buf[i] = 4;
      view.setBigUint64(i + 4, BigInt.asUintN(64, b.ntpTime));
    } else if (b.type === 'dlrr') {
      buf[i] = 5;
      b.items.forEach((it, k) => {
        view.setUint32(i + 4 + k * 12, it.ssrc >>> 0);
        view.setUint32(i + 8 + k * 12, it.lastReceiverReport >>> 0);
        view.setUint32(i + 12 + k * 12, it.delaySinceLastReceiverReport >>> 0);
      });
    } else {
      buf[i] = b.blockType;
      buf[i + 1] = b.typeSpecific;
      buf.set(b.data, i + 4);
    }
    i += size;
  }
  return buf;
}

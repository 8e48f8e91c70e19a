import { RtpError } from './errors.js';
import { allocRtcpPacket, need, RtcpPacketType, viewOf } from './rtcp-header.js';

/** BYE: goodbye (RFC 3550 §6.6). */
export interface Goodbye {
  type: 'bye';
  sources: number[];
  /** Reason for leaving, if given. */
  reason?: string | undefined;
}

/** @internal Parse a BYE body. */
export function parseGoodbye(count: number, body: Uint8Array): Goodbye {
  need(body, count * 4, 'BYE');
  const v = viewOf(body);
  const sources: number[] = [];
  for (let i = 0; i < count; i++) sources.push(v.getUint32(i * 4));
  let reason: string | undefined;
  if (body.length > count * 4) {
    const len = body[count * 4]!;
    if (count * 4 + 1 + len > body.length) throw new RtpError('bad-payload', `BYE reason of ${len} bytes runs past the packet`);
    reason = new TextDecoder().decode(body.subarray(count * 4 + 1, count * 4 + 1 + len));
  }
  return { type: 'bye', sources, reason };
}

/** Serialize a BYE packet. */
export function serializeGoodbye(p: Goodbye): Uint8Array {
  if (p.sources.length > 31) throw new RtpError('invalid-argument', 'BYE with more than 31 sources');
  const reason = p.reason !== undefined ? new TextEncoder().encode(p.reason) : undefined;
  if (reason && reason.length > 255) throw new RtpError('invalid-argument', 'BYE reason longer than 255 bytes');
  const reasonLen = reason ? (1 + reason.length + 3) & ~3 : 0; // reason is padded with nulls, not RTCP padding
  const { buf, view } = allocRtcpPacket(p.sources.length, RtcpPacketType.goodbye, p.sources.length * 4 + reasonLen);
  p.sources.forEach((s, i) => view.setUint32(4 + i * 4, s >>> 0));
  if (reason) {
    buf[4 + p.sources.length * 4] = reason.length;
    buf.set(reason, 5 + p.sources.length * 4);
  }
  return buf;
}

import { RtpError } from './errors.js';
import { allocRtcpPacket, need, RtcpPacketType, viewOf } from './rtcp-header.js';

/** APP: application-defined (RFC 3550 §6.7). */
export interface ApplicationDefined {
  type: 'app';
  /** 5-bit subtype. */
  subtype: number;
  ssrc: number;
  /** Four ASCII characters. */
  name: string;
  /** Application-dependent data, a multiple of 4 octets (a view on parse). */
  data: Uint8Array;
}

/** @internal Parse an APP body. */
export function parseApplicationDefined(subtype: number, body: Uint8Array): ApplicationDefined {
  need(body, 8, 'APP');
  return {
    type: 'app',
    subtype,
    ssrc: viewOf(body).getUint32(0),
    name: String.fromCharCode(body[4]!, body[5]!, body[6]!, body[7]!),
    data: body.subarray(8),
  };
}

/** Serialize an APP packet. */
export function serializeApplicationDefined(p: ApplicationDefined): Uint8Array {
  if (p.name.length !== 4 || !/^[\x20-\x7e]{4}$/.test(p.name)) throw new RtpError('invalid-argument', `APP name must be 4 ASCII characters`);
  if (p.data.length % 4 !== 0) throw new RtpError('invalid-argument', 'APP data must be a multiple of 4 bytes');
  const { buf, view } = allocRtcpPacket(p.subtype, RtcpPacketType.applicationDefined, 8 + p.data.length);
  view.setUint32(4, p.ssrc >>> 0);
  for (let i = 0; i < 4; i++) buf[8 + i] = p.name.charCodeAt(i);
  buf.set(p.data, 12);
  return buf;
}

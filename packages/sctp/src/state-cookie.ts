import { createHmac, timingSafeEqual } from 'node:crypto';

/** What the responder keeps in the State Cookie instead of a TCB (RFC 9260 §5.1.3). */
export interface StateCookieContents {
  /** Milliseconds (the association's clock) when the INIT ACK was made. */
  createdAt: number;
  /** Our Initiate Tag (the peer must use it as Verification Tag). */
  localVerificationTag: number;
  /** The peer's Initiate Tag. */
  peerVerificationTag: number;
  localInitialTsn: number;
  peerInitialTsn: number;
  peerReceiverWindow: number;
  peerOutboundStreams: number;
  peerInboundStreams: number;
  /** Peer listed FORWARD TSN support. */
  peerForwardTsn: boolean;
  /** Peer listed RE-CONFIG support. */
  peerReconfig: boolean;
  /** Peer announced Zero Checksum Acceptable with the EDMID we use (RFC 9653). */
  peerZeroChecksum?: boolean;
}

const BODY = 36;
const MAC = 32;
/** Size of a cookie made by {@link signStateCookie}. */
export const STATE_COOKIE_SIZE = BODY + MAC;

/** Serializes and signs (HMAC-SHA-256 with `key`) the cookie contents. */
export function signStateCookie(c: StateCookieContents, key: Uint8Array): Uint8Array {
  const out = new Uint8Array(STATE_COOKIE_SIZE);
  const v = new DataView(out.buffer);
  v.setFloat64(0, c.createdAt);
  v.setUint32(8, c.localVerificationTag);
  v.setUint32(12, c.peerVerificationTag);
  v.setUint32(16, c.localInitialTsn);
  v.setUint32(20, c.peerInitialTsn);
  v.setUint32(24, c.peerReceiverWindow);
  v.setUint16(28, c.peerOutboundStreams);
  v.setUint16(30, c.peerInboundStreams);
  out[32] = (c.peerForwardTsn ? 1 : 0) | (c.peerReconfig ? 2 : 0) | (c.peerZeroChecksum === true ? 4 : 0);
  out.set(createHmac('sha256', key).update(out.subarray(0, BODY)).digest(), BODY);
  return out;
}

/**
 * Checks the cookie's MAC and returns its contents, or `undefined` when it is not one of ours
 * (wrong size or MAC). Staleness is the caller's check, against `createdAt`.
 */
export function openStateCookie(cookie: Uint8Array, key: Uint8Array): StateCookieContents | undefined {
  if (cookie.length !== STATE_COOKIE_SIZE) return undefined;
  const mac = createHmac('sha256', key).update(cookie.subarray(0, BODY)).digest();
  if (!timingSafeEqual(mac, cookie.subarray(BODY))) return undefined;
  const v = new DataView(cookie.buffer, cookie.byteOffset, cookie.byteLength);
  return {
    createdAt: v.getFloat64(0),
    localVerificationTag: v.getUint32(8),
    peerVerificationTag: v.getUint32(12),
    localInitialTsn: v.getUint32(16),
    peerInitialTsn: v.getUint32(20),
    peerReceiverWindow: v.getUint32(24),
    peerOutboundStreams: v.getUint16(28),
    peerInboundStreams: v.getUint16(30),
    peerForwardTsn: (cookie[32]! & 1) !== 0,
    peerReconfig: (cookie[32]! & 2) !== 0,
    peerZeroChecksum: (cookie[32]! & 4) !== 0,
  };
}

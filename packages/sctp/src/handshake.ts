// The stateless pieces of the four-way handshake (RFC 9260 §5.1): INIT and INIT ACK contents, the
// State Cookie check, and the error chunks the association answers bad input with.
import { CauseCode, ChunkType } from './chunk-type.js';
import type { AbortChunk, InitChunk, UnknownChunk } from './chunk.js';
import { STATE_COOKIE_SIZE, openStateCookie, signStateCookie, type StateCookieContents } from './state-cookie.js';
import type { Tlv } from './tlv.js';

/** Our side of an INIT or INIT ACK. */
export interface LocalInitParameters {
  tag: number;
  initialTsn: number;
  receiverWindow: number;
  streams: number;
  /** Announce Zero Checksum Acceptable with this EDMID (RFC 9653), or not at all. */
  zeroChecksumEdmid?: number;
}

/** Extensions WebRTC peers offer and we support: FORWARD TSN (RFC 3758) and RE-CONFIG (RFC 6525). */
const EXTENSIONS = [ChunkType.FORWARD_TSN, ChunkType.RE_CONFIG];

/** Our INIT (§5.1 A), with Supported Extensions and Forward-TSN-Supported as usrsctp and dcsctp send. */
export function makeInit(p: LocalInitParameters): InitChunk {
  return {
    type: ChunkType.INIT,
    initiateTag: p.tag,
    advertisedReceiverWindowCredit: p.receiverWindow,
    numberOfOutboundStreams: p.streams,
    numberOfInboundStreams: p.streams,
    initialTsn: p.initialTsn,
    supportedExtensions: EXTENSIONS,
    forwardTsnSupported: true,
    ...(p.zeroChecksumEdmid !== undefined ? { zeroChecksumEdmid: p.zeroChecksumEdmid } : {}),
  };
}

/** Whether the mandatory INIT / INIT ACK fields are valid (§3.3.2: tag and stream counts non-zero). */
export function initIsValid(init: InitChunk): boolean {
  return init.initiateTag !== 0 && init.numberOfInboundStreams !== 0 && init.numberOfOutboundStreams !== 0;
}

/** Which extensions the peer's INIT or INIT ACK lists. */
export function peerExtensions(init: InitChunk): { forwardTsn: boolean; reconfig: boolean } {
  const ext = init.supportedExtensions ?? [];
  return { forwardTsn: init.forwardTsnSupported === true || ext.includes(ChunkType.FORWARD_TSN), reconfig: ext.includes(ChunkType.RE_CONFIG) };
}

/** The INIT ACK answering `init` (§5.1 B), carrying a signed State Cookie instead of our state. */
export function makeInitAck(init: InitChunk, p: LocalInitParameters, now: number, cookieKey: Uint8Array): InitChunk {
  const ext = peerExtensions(init);
  const stateCookie = signStateCookie(
    {
      createdAt: now,
      localVerificationTag: p.tag,
      peerVerificationTag: init.initiateTag,
      localInitialTsn: p.initialTsn,
      peerInitialTsn: init.initialTsn,
      peerReceiverWindow: init.advertisedReceiverWindowCredit,
      peerOutboundStreams: init.numberOfOutboundStreams,
      peerInboundStreams: init.numberOfInboundStreams,
      peerForwardTsn: ext.forwardTsn,
      peerReconfig: ext.reconfig,
      peerZeroChecksum: p.zeroChecksumEdmid !== undefined && init.zeroChecksumEdmid === p.zeroChecksumEdmid,
    },
    cookieKey,
  );
  const ack: InitChunk = {
    type: ChunkType.INIT_ACK,
    initiateTag: p.tag,
    advertisedReceiverWindowCredit: p.receiverWindow,
    numberOfOutboundStreams: Math.min(p.streams, init.numberOfInboundStreams),
    numberOfInboundStreams: p.streams,
    initialTsn: p.initialTsn,
    stateCookie,
    supportedExtensions: EXTENSIONS,
    forwardTsnSupported: true,
    ...(p.zeroChecksumEdmid !== undefined ? { zeroChecksumEdmid: p.zeroChecksumEdmid } : {}),
  };
  // §3.2.1: unknown parameters whose type has bit 14 set are reported back.
  const report = (init.unknownParameters ?? []).filter((u) => (u.type & 0x4000) !== 0);
  if (report.length) ack.unrecognizedParameters = report.map(tlvBytes);
  return ack;
}

/** Result of checking a COOKIE ECHO. */
export type CookieCheck =
  | { kind: 'invalid' }
  | { kind: 'stale'; peerTag: number; stalenessMs: number }
  | { kind: 'valid'; cookie: StateCookieContents };

/** Opens and checks a State Cookie against the packet's tag, our key and Valid.Cookie.Life (§5.1.5). */
export function checkCookieEcho(cookie: Uint8Array, tag: number, key: Uint8Array, now: number, lifetime: number): CookieCheck {
  const c = cookie.length === STATE_COOKIE_SIZE ? openStateCookie(cookie, key) : undefined;
  if (c === undefined || c.localVerificationTag !== tag) return { kind: 'invalid' };
  if (now - c.createdAt > lifetime || c.createdAt > now) {
    return { kind: 'stale', peerTag: c.peerVerificationTag, stalenessMs: Math.max(0, now - c.createdAt - lifetime) };
  }
  return { kind: 'valid', cookie: c };
}

/** An ABORT or ERROR chunk with one cause. */
export function causeChunk(type: typeof ChunkType.ABORT | typeof ChunkType.ERROR, code: number, value: Uint8Array = new Uint8Array(0)): AbortChunk {
  return { type, reflected: false, causes: [{ type: code, value }] };
}

/** ERROR "Stale Cookie" with the staleness in microseconds. */
export function staleCookieError(stalenessMs: number): AbortChunk {
  const v = new Uint8Array(4);
  new DataView(v.buffer).setUint32(0, Math.min(0xffffffff, Math.round(stalenessMs * 1000)));
  return causeChunk(ChunkType.ERROR, CauseCode.STALE_COOKIE_ERROR, v);
}

/** ABORT "No User Data" for the TSN of an empty DATA chunk (§6.2). */
export function noUserDataAbort(tsn: number): AbortChunk {
  const v = new Uint8Array(4);
  new DataView(v.buffer).setUint32(0, tsn);
  return causeChunk(ChunkType.ABORT, CauseCode.NO_USER_DATA, v);
}

/** ERROR "Unrecognized Chunk Type" carrying (the start of) the chunk (§3.2). */
export function unrecognizedChunkError(c: UnknownChunk): AbortChunk {
  return causeChunk(ChunkType.ERROR, CauseCode.UNRECOGNIZED_CHUNK_TYPE, c.raw.slice(0, Math.min(c.raw.length, 256)));
}

function tlvBytes(t: Tlv): Uint8Array {
  const out = new Uint8Array(4 + t.value.length);
  const v = new DataView(out.buffer);
  v.setUint16(0, t.type);
  v.setUint16(2, out.length);
  out.set(t.value, 4);
  return out;
}

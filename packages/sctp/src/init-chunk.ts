import { ChunkType, InitParameterType } from './chunk-type.js';
import { SctpError } from './sctp-error.js';
import { readTlvs, tlvSize, writeTlv, type Tlv } from './tlv.js';

/** INIT (RFC 9260 §3.3.2) or INIT ACK (§3.3.3). */
export interface InitChunk {
  type: typeof ChunkType.INIT | typeof ChunkType.INIT_ACK;
  /** Tag the receiver must put in every packet it sends to us; never 0. */
  initiateTag: number;
  /** Advertised Receiver Window Credit (a_rwnd), bytes. */
  advertisedReceiverWindowCredit: number;
  /** Number of Outbound Streams the sender wants (OS). */
  numberOfOutboundStreams: number;
  /** Number of Inbound Streams the sender allows (MIS). */
  numberOfInboundStreams: number;
  /** TSN of the first DATA chunk the sender will send. */
  initialTsn: number;
  /** State Cookie (INIT ACK only, mandatory there). */
  stateCookie?: Uint8Array;
  /** Chunk types listed in the Supported Extensions parameter (RFC 5061 §4.2.7). */
  supportedExtensions?: number[];
  /** Forward-TSN-Supported parameter present (RFC 3758 §3.1). */
  forwardTsnSupported?: boolean;
  /**
   * Zero Checksum Acceptable (RFC 9653 §5.1): the Error Detection Method Identifier the sender
   * accepts packets without a CRC32c under (1: SCTP over DTLS).
   */
  zeroChecksumEdmid?: number;
  /** Unrecognized Parameter values (INIT ACK), each one whole parameter TLV as received. */
  unrecognizedParameters?: Uint8Array[];
  /**
   * Parameters this codec does not know, in order, each whole TLV. Decoding stops at one whose
   * type has the high bit clear (RFC 9260 §3.2.1 "stop processing").
   */
  unknownParameters?: Tlv[];
}

/** Decodes the value of an INIT or INIT ACK chunk (`bytes[start, end)`, header excluded). */
export function decodeInit(
  type: InitChunk['type'],
  bytes: Uint8Array,
  view: DataView,
  start: number,
  end: number,
): InitChunk {
  if (end - start < 16) throw new SctpError('truncated', 'INIT: shorter than 20 bytes');
  const chunk: InitChunk = {
    type,
    initiateTag: view.getUint32(start),
    advertisedReceiverWindowCredit: view.getUint32(start + 4),
    numberOfOutboundStreams: view.getUint16(start + 8),
    numberOfInboundStreams: view.getUint16(start + 10),
    initialTsn: view.getUint32(start + 12),
  };
  for (const p of readTlvs(bytes, view, start + 16, end, 'INIT parameter')) {
    switch (p.type) {
      case InitParameterType.STATE_COOKIE:
        chunk.stateCookie = p.value;
        break;
      case InitParameterType.SUPPORTED_EXTENSIONS:
        chunk.supportedExtensions = [...p.value];
        break;
      case InitParameterType.FORWARD_TSN_SUPPORTED:
        chunk.forwardTsnSupported = true;
        break;
      case InitParameterType.ZERO_CHECKSUM_ACCEPTABLE:
        if (p.value.length !== 4) throw new SctpError('invalid-length', `Zero Checksum Acceptable of ${p.value.length} bytes`);
        chunk.zeroChecksumEdmid = ((p.value[0]! << 24) | (p.value[1]! << 16) | (p.value[2]! << 8) | p.value[3]!) >>> 0;
        break;
      case InitParameterType.UNRECOGNIZED_PARAMETER:
        (chunk.unrecognizedParameters ??= []).push(p.value);
        break;
      case InitParameterType.IPV4_ADDRESS:
      case InitParameterType.IPV6_ADDRESS:
      case InitParameterType.COOKIE_PRESERVATIVE:
      case InitParameterType.HOST_NAME_ADDRESS:
      case InitParameterType.SUPPORTED_ADDRESS_TYPES:
        // Addresses mean nothing over DTLS (RFC 8261 §5); accepted and ignored.
        break;
      default:
        (chunk.unknownParameters ??= []).push(p);
        if ((p.type & 0x8000) === 0) return chunk;
    }
  }
  return chunk;
}

/** Bytes of the INIT value after the chunk header. */
export function initValueSize(c: InitChunk): number {
  let n = 16;
  if (c.stateCookie) n += tlvSize(c.stateCookie.length);
  if (c.supportedExtensions) n += tlvSize(c.supportedExtensions.length);
  if (c.forwardTsnSupported) n += 4;
  if (c.zeroChecksumEdmid !== undefined) n += 8;
  for (const u of c.unrecognizedParameters ?? []) n += tlvSize(u.length);
  for (const u of c.unknownParameters ?? []) n += tlvSize(u.value.length);
  return n;
}

/** Writes the INIT value at `p`; returns the offset after it (unpadded end of last parameter). */
export function writeInitValue(c: InitChunk, out: Uint8Array, view: DataView, p: number): number {
  view.setUint32(p, c.initiateTag);
  view.setUint32(p + 4, c.advertisedReceiverWindowCredit);
  view.setUint16(p + 8, c.numberOfOutboundStreams);
  view.setUint16(p + 10, c.numberOfInboundStreams);
  view.setUint32(p + 12, c.initialTsn);
  p += 16;
  if (c.stateCookie) p = writeTlv(out, view, p, InitParameterType.STATE_COOKIE, c.stateCookie);
  if (c.supportedExtensions) {
    p = writeTlv(out, view, p, InitParameterType.SUPPORTED_EXTENSIONS, Uint8Array.from(c.supportedExtensions));
  }
  if (c.forwardTsnSupported) {
    view.setUint16(p, InitParameterType.FORWARD_TSN_SUPPORTED);
    view.setUint16(p + 2, 4);
    p += 4;
  }
  if (c.zeroChecksumEdmid !== undefined) {
    view.setUint16(p, InitParameterType.ZERO_CHECKSUM_ACCEPTABLE);
    view.setUint16(p + 2, 8);
    view.setUint32(p + 4, c.zeroChecksumEdmid);
    p += 8;
  }
  for (const u of c.unrecognizedParameters ?? []) p = writeTlv(out, view, p, InitParameterType.UNRECOGNIZED_PARAMETER, u);
  for (const u of c.unknownParameters ?? []) p = writeTlv(out, view, p, u.type, u.value);
  return p;
}

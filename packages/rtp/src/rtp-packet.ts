import { RtpError } from './errors.js';

/** One RFC 8285 header extension element: its local identifier and its value (a view into the packet). */
export interface RtpHeaderExtension {
  /** Local identifier negotiated by `a=extmap` (1–14 one-byte form, 1–255 two-byte form). */
  id: number;
  /** The extension value; on parse a view into the packet buffer, not a copy. */
  value: Uint8Array;
}

/** RTP header and payload (RFC 3550 §5.1). Parsed fields are views into the source buffer. */
export interface RtpPacket {
  /** M bit: end of a video frame, start of a talkspurt for audio. */
  marker: boolean;
  /** 7-bit payload type. */
  payloadType: number;
  /** 16-bit sequence number. */
  sequenceNumber: number;
  /** 32-bit media timestamp (unsigned). */
  timestamp: number;
  /** Synchronization source (unsigned 32-bit). */
  ssrc: number;
  /** Contributing sources (at most 15). */
  csrcs: number[];
  /**
   * RFC 8285 header extensions. On serialize the one-byte form (0xBEDE) is used when every id is
   * 1–14 and every value 1–16 bytes, the two-byte form (0x100X) otherwise.
   */
  extensions: RtpHeaderExtension[];
  /**
   * A header extension that is not RFC 8285 (any other "defined by profile" value), kept raw.
   * When set, it is serialized as is and `extensions` must be empty.
   */
  rawExtension?: { profile: number; data: Uint8Array } | undefined;
  /** The payload; on parse a view into the packet buffer. */
  payload: Uint8Array;
  /** Number of padding octets at the end (0 when the P bit is clear); includes the count octet. */
  paddingSize: number;
}

/** The RFC 8285 one-byte header form's "defined by profile" value. */
export const ONE_BYTE_PROFILE = 0xbede;
/** The RFC 8285 two-byte header form's "defined by profile" value (low 4 bits are appbits). */
export const TWO_BYTE_PROFILE = 0x1000;

const FIXED_HEADER = 12;

/**
 * Parse an RTP packet (RFC 3550 §5.1, RFC 8285). The payload, extension values and raw extension are
 * views into `buf`; copy them if the buffer is reused.
 * @throws RtpError `truncated`, `bad-version`, `bad-padding` or `bad-extension`.
 */
export function parseRtpPacket(buf: Uint8Array): RtpPacket {
  const length = buf.length;
  if (length < FIXED_HEADER) throw new RtpError('truncated', `RTP packet of ${length} bytes is shorter than 12`);
  const b0 = buf[0]!;
  if (b0 >> 6 !== 2) throw new RtpError('bad-version', `RTP version ${b0 >> 6}, expected 2`);
  const b1 = buf[1]!;
  const cc = b0 & 0x0f;
  let offset = FIXED_HEADER + cc * 4;
  if (offset > length) throw new RtpError('truncated', `RTP packet too short for ${cc} CSRCs`);
  const csrcs: number[] = [];
  for (let i = FIXED_HEADER; i < offset; i += 4) csrcs.push(readU32(buf, i));
  let extensions: RtpHeaderExtension[] = [];
  let rawExtension: RtpPacket['rawExtension'];
  if (b0 & 0x10) {
    if (offset + 4 > length) throw new RtpError('truncated', 'RTP header extension header past the end');
    const profile = (buf[offset]! << 8) | buf[offset + 1]!;
    const words = (buf[offset + 2]! << 8) | buf[offset + 3]!;
    const start = offset + 4;
    const end = start + words * 4;
    if (end > length) throw new RtpError('bad-extension', `RTP header extension of ${words} words runs past the end`);
    if (profile === ONE_BYTE_PROFILE) extensions = parseOneByte(buf, start, end);
    else if ((profile & 0xfff0) === TWO_BYTE_PROFILE) extensions = parseTwoByte(buf, start, end);
    else rawExtension = { profile, data: buf.subarray(start, end) };
    offset = end;
  }
  let paddingSize = 0;
  if (b0 & 0x20) {
    paddingSize = buf[length - 1]!;
    if (paddingSize === 0 || offset + paddingSize > length) {
      throw new RtpError('bad-padding', `RTP padding count ${paddingSize} does not fit the packet`);
    }
  }
  return {
    marker: (b1 & 0x80) !== 0,
    payloadType: b1 & 0x7f,
    sequenceNumber: (buf[2]! << 8) | buf[3]!,
    timestamp: readU32(buf, 4),
    ssrc: readU32(buf, 8),
    csrcs,
    extensions,
    rawExtension,
    payload: buf.subarray(offset, length - paddingSize),
    paddingSize,
  };
}

function parseOneByte(buf: Uint8Array, start: number, end: number): RtpHeaderExtension[] {
  const out: RtpHeaderExtension[] = [];
  let i = start;
  while (i < end) {
    const b = buf[i]!;
    if (b === 0) { i++; continue; } // padding byte
    const id = b >> 4;
    if (id === 15) break; // RFC 8285 §4.2: stop processing the remaining extensions
    const len = (b & 0x0f) + 1;
    if (i + 1 + len > end) throw new RtpError('bad-extension', `one-byte extension id ${id} of ${len} bytes runs past the block`);
    out.push({ id, value: buf.subarray(i + 1, i + 1 + len) });
    i += 1 + len;
  }
  return out;
}

function parseTwoByte(buf: Uint8Array, start: number, end: number): RtpHeaderExtension[] {
  const out: RtpHeaderExtension[] = [];
  let i = start;
  while (i < end) {
    const id = buf[i]!;
    if (id === 0) { i++; continue; } // padding byte
    if (i + 2 > end) throw new RtpError('bad-extension', `two-byte extension id ${id} has no length`);
    const len = buf[i + 1]!;
    if (i + 2 + len > end) throw new RtpError('bad-extension', `two-byte extension id ${id} of ${len} bytes runs past the block`);
    out.push({ id, value: buf.subarray(i + 2, i + 2 + len) });
    i += 2 + len;
  }
  return out;
}

function readU32(buf: Uint8Array, i: number): number {
  return ((buf[i]! << 24) | (buf[i + 1]! << 16) | (buf[i + 2]! << 8) | buf[i + 3]!) >>> 0;
}

function useOneByte(extensions: RtpHeaderExtension[]): boolean {
  for (const e of extensions) {
    if (e.id < 1 || e.id > 14 || e.value.length < 1 || e.value.length > 16) return false;
  }
  return true;
}

function extensionBlockSize(p: RtpPacket, oneByte: boolean): number {
  if (p.rawExtension) return 4 + ((p.rawExtension.data.length + 3) & ~3);
  if (p.extensions.length === 0) return 0;
  let n = 0;
  for (const e of p.extensions) n += (oneByte ? 1 : 2) + e.value.length;
  return 4 + ((n + 3) & ~3);
}

/** Size in bytes that {@link serializeRtpPacket} will produce for `p`. */
export function rtpPacketSize(p: RtpPacket): number {
  return FIXED_HEADER + p.csrcs.length * 4 + extensionBlockSize(p, useOneByte(p.extensions)) + p.payload.length + p.paddingSize;
}

/**
 * Serialize an RTP packet. With `out`, writes at `offset` in it (no allocation) and returns the
 * written view; otherwise allocates. Padding octets are zeros with the count in the last octet.
 * @throws RtpError `invalid-argument` for fields out of range or a buffer too small.
 */
export function serializeRtpPacket(p: RtpPacket, out?: Uint8Array, offset = 0): Uint8Array {
  const oneByte = useOneByte(p.extensions);
  validate(p, oneByte);
  const extSize = extensionBlockSize(p, oneByte);
  const size = FIXED_HEADER + p.csrcs.length * 4 + extSize + p.payload.length + p.paddingSize;
  let buf: Uint8Array;
  if (out) {
    if (offset + size > out.length) throw new RtpError('invalid-argument', `output buffer too small: need ${size} bytes`);
    buf = out.subarray(offset, offset + size);
  } else {
    buf = new Uint8Array(size);
  }
  buf[0] = 0x80 | (p.paddingSize > 0 ? 0x20 : 0) | (extSize > 0 ? 0x10 : 0) | p.csrcs.length;
  buf[1] = (p.marker ? 0x80 : 0) | p.payloadType;
  buf[2] = p.sequenceNumber >> 8;
  buf[3] = p.sequenceNumber;
  writeU32(buf, 4, p.timestamp);
  writeU32(buf, 8, p.ssrc);
  let i = FIXED_HEADER;
  for (const c of p.csrcs) { writeU32(buf, i, c); i += 4; }
  if (extSize > 0) {
    const profile = p.rawExtension ? p.rawExtension.profile : oneByte ? ONE_BYTE_PROFILE : TWO_BYTE_PROFILE;
    const words = (extSize - 4) / 4;
    buf[i] = profile >> 8; buf[i + 1] = profile; buf[i + 2] = words >> 8; buf[i + 3] = words;
    const blockEnd = i + extSize;
    i += 4;
    if (p.rawExtension) {
      buf.set(p.rawExtension.data, i);
      i += p.rawExtension.data.length;
    } else {
      for (const e of p.extensions) {
        if (oneByte) buf[i++] = (e.id << 4) | (e.value.length - 1);
        else { buf[i++] = e.id; buf[i++] = e.value.length; }
        buf.set(e.value, i);
        i += e.value.length;
      }
    }
    buf.fill(0, i, blockEnd);
    i = blockEnd;
  }
  buf.set(p.payload, i);
  i += p.payload.length;
  if (p.paddingSize > 0) {
    buf.fill(0, i, size - 1);
    buf[size - 1] = p.paddingSize;
  }
  return buf;
}

function validate(p: RtpPacket, oneByte: boolean): void {
  const bad = (what: string): never => { throw new RtpError('invalid-argument', what); };
  if (!(p.payloadType >= 0 && p.payloadType <= 127)) bad(`payload type ${p.payloadType} out of 0–127`);
  if (!(p.sequenceNumber >= 0 && p.sequenceNumber <= 0xffff)) bad(`sequence number ${p.sequenceNumber} out of range`);
  if (p.csrcs.length > 15) bad(`${p.csrcs.length} CSRCs, at most 15`);
  if (!(p.paddingSize >= 0 && p.paddingSize <= 255)) bad(`padding size ${p.paddingSize} out of 0–255`);
  if (p.rawExtension) {
    if (p.extensions.length > 0) bad('rawExtension and extensions are exclusive');
    if (p.rawExtension.data.length > 0x3fffc) bad('raw extension too long');
  }
  if (!oneByte) {
    for (const e of p.extensions) {
      if (e.id < 1 || e.id > 255 || e.value.length > 255) bad(`extension id ${e.id} with ${e.value.length} bytes does not fit RFC 8285`);
    }
  }
}

function writeU32(buf: Uint8Array, i: number, v: number): void {
  buf[i] = v >>> 24; buf[i + 1] = v >>> 16; buf[i + 2] = v >>> 8; buf[i + 3] = v;
}

/**
 * Where the value of header extension `id` starts in serialized RTP `packet` (RFC 8285 one-byte
 * or two-byte form), or -1 when the packet has no such element or its extension block does not
 * parse. Reads the bytes in place, without parsing the packet, so a sender can rewrite a value
 * (a transport-wide sequence number) as the packet leaves.
 */
export function rtpExtensionValueOffset(packet: Uint8Array, id: number): number {
  if (packet.length < 12 || (packet[0]! & 0x10) === 0) return -1;
  const start = 12 + 4 * (packet[0]! & 0x0f);
  if (packet.length < start + 4) return -1;
  const profile = (packet[start]! << 8) | packet[start + 1]!;
  const end = start + 4 + 4 * ((packet[start + 2]! << 8) | packet[start + 3]!);
  if (end > packet.length) return -1;
  const oneByte = profile === ONE_BYTE_PROFILE;
  if (!oneByte && (profile & 0xfff0) !== TWO_BYTE_PROFILE) return -1;
  let i = start + 4;
  while (i < end) {
    const b = packet[i]!;
    if (b === 0) { i++; continue; } // padding
    if (oneByte) {
      const elementId = b >> 4;
      if (elementId === 15) return -1; // reserved: stop parsing (RFC 8285 §4.2)
      const length = (b & 0x0f) + 1;
      if (elementId === id) return i + 1 + length <= end ? i + 1 : -1;
      i += 1 + length;
    } else {
      if (i + 1 >= end) return -1;
      const length = packet[i + 1]!;
      if (b === id) return i + 2 + length <= end ? i + 2 : -1;
      i += 2 + length;
    }
  }
  return -1;
}

/** The value of extension `id` in `p`, or undefined. */
export function getRtpExtension(p: RtpPacket, id: number): Uint8Array | undefined {
  for (const e of p.extensions) if (e.id === id) return e.value;
  return undefined;
}

/**
 * Whether a datagram is RTCP rather than RTP when both share a port (RFC 5761 §4: packet type
 * 192–223 in the second octet). Assumes the first octet already says RTP/RTCP (RFC 7983: 128–191).
 */
export function isRtcpPacket(buf: Uint8Array): boolean {
  if (buf.length < 2) return false;
  const pt = buf[1]!;
  return pt >= 192 && pt <= 223;
}

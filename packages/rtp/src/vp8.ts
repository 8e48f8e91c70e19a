import { RtpError } from './errors.js';
import { concatBytes, DEFAULT_MAX_PAYLOAD_SIZE } from './codec.js';
import type { RtpDepacketizer, RtpPacketizer } from './codec.js';

/** The VP8 payload descriptor (RFC 7741 §4.2). */
export interface Vp8PayloadDescriptor {
  /** N: non-reference frame. */
  nonReference: boolean;
  /** S: start of a VP8 partition. */
  startOfPartition: boolean;
  /** PID: partition index. */
  partitionIndex: number;
  /** PictureID (7 or 15 bits), when present. */
  pictureId?: number | undefined;
  /** Whether the PictureID is the 15-bit form (M bit). */
  pictureIdLong?: boolean | undefined;
  tl0PicIdx?: number | undefined;
  temporalLayerId?: number | undefined;
  /** Y: layer sync. */
  layerSync?: boolean | undefined;
  keyIdx?: number | undefined;
  /** Octets the descriptor takes at the start of the payload. */
  size: number;
}

/**
 * Parse the VP8 payload descriptor at the start of an RTP payload.
 * @throws RtpError `bad-payload` when the payload is shorter than its descriptor says.
 */
export function parseVp8PayloadDescriptor(payload: Uint8Array): Vp8PayloadDescriptor {
  const short = (): never => { throw new RtpError('bad-payload', 'VP8 payload descriptor truncated'); };
  if (payload.length < 1) short();
  const b0 = payload[0]!;
  const d: Vp8PayloadDescriptor = {
    nonReference: (b0 & 0x20) !== 0,
    startOfPartition: (b0 & 0x10) !== 0,
    partitionIndex: b0 & 0x07,
    size: 1,
  };
  if (b0 & 0x80) {
    if (payload.length < 2) short();
    const x = payload[1]!;
    let i = 2;
    if (x & 0x80) {
      if (payload.length < i + 1) short();
      if (payload[i]! & 0x80) {
        if (payload.length < i + 2) short();
        d.pictureId = ((payload[i]! & 0x7f) << 8) | payload[i + 1]!;
        d.pictureIdLong = true;
        i += 2;
      } else {
        d.pictureId = payload[i]!;
        d.pictureIdLong = false;
        i += 1;
      }
    }
    if (x & 0x40) {
      if (payload.length < i + 1) short();
      d.tl0PicIdx = payload[i++]!;
    }
    if (x & 0x30) {
      if (payload.length < i + 1) short();
      const t = payload[i++]!;
      if (x & 0x20) { d.temporalLayerId = t >> 6; d.layerSync = (t & 0x20) !== 0; }
      if (x & 0x10) d.keyIdx = t & 0x1f;
    }
    d.size = i;
  }
  return d;
}

/** Options of {@link Vp8Packetizer}. */
export interface Vp8PacketizerOptions {
  /** Largest payload, descriptor included. Default 1200. */
  maxPayloadSize?: number;
  /** Send a 15-bit PictureID starting here and incrementing per frame; `false` to send none. Default 0. */
  pictureId?: number | false;
}

/** VP8 packetizer (RFC 7741): splits a frame into payloads with a descriptor each (S=1 on the first). */
export class Vp8Packetizer implements RtpPacketizer {
  readonly maxPayloadSize: number;
  private pictureId: number | false;
  constructor(options: Vp8PacketizerOptions = {}) {
    this.maxPayloadSize = options.maxPayloadSize ?? DEFAULT_MAX_PAYLOAD_SIZE;
    this.pictureId = options.pictureId === undefined ? 0 : options.pictureId;
    if (this.maxPayloadSize < 5) throw new RtpError('invalid-argument', 'VP8 max payload size below 5');
  }
  packetize(frame: Uint8Array): Uint8Array[] {
    if (frame.length === 0) throw new RtpError('invalid-argument', 'empty VP8 frame');
    const pid = this.pictureId;
    const headerSize = pid === false ? 1 : 4;
    const room = this.maxPayloadSize - headerSize;
    const count = Math.ceil(frame.length / room);
    // Spread the bytes evenly so the last packet is not a runt.
    const base = Math.floor(frame.length / count);
    let extra = frame.length - base * count;
    const out: Uint8Array[] = new Array(count);
    // One allocation for the whole frame; each payload is a view into it.
    const block = new Uint8Array(frame.length + count * headerSize);
    let offset = 0;
    let at = 0;
    for (let k = 0; k < count; k++) {
      const n = base + (extra > 0 ? 1 : 0);
      if (extra > 0) extra--;
      const p = block.subarray(at, at + headerSize + n);
      at += headerSize + n;
      if (pid === false) {
        p[0] = k === 0 ? 0x10 : 0;
      } else {
        p[0] = 0x80 | (k === 0 ? 0x10 : 0);
        p[1] = 0x80;
        p[2] = 0x80 | (pid >> 8);
        p[3] = pid & 0xff;
      }
      p.set(frame.subarray(offset, offset + n), headerSize);
      offset += n;
      out[k] = p;
    }
    if (pid !== false) this.pictureId = (pid + 1) & 0x7fff;
    return out;
  }
}

/** VP8 depacketizer (RFC 7741). */
export class Vp8Depacketizer implements RtpDepacketizer {
  /** Start of a frame: S=1 and partition index 0. */
  isFrameStart(payload: Uint8Array): boolean {
    if (payload.length < 1) return false;
    return (payload[0]! & 0x17) === 0x10;
  }
  /** Keyframe: the VP8 frame tag's P bit (RFC 6386 §9.1) is 0 in the first partition's first octet. */
  isKeyframe(payloads: Uint8Array[]): boolean {
    const first = payloads[0];
    if (!first || !this.isFrameStart(first)) return false;
    try {
      const d = parseVp8PayloadDescriptor(first);
      return first.length > d.size && (first[d.size]! & 0x01) === 0;
    } catch {
      return false;
    }
  }
  depacketize(payloads: Uint8Array[]): Uint8Array {
    const parts: Uint8Array[] = new Array(payloads.length);
    let total = 0;
    for (let i = 0; i < payloads.length; i++) {
      const p = payloads[i]!;
      const d = parseVp8PayloadDescriptor(p);
      parts[i] = p.subarray(d.size);
      total += p.length - d.size;
    }
    return concatBytes(parts, total);
  }
}

import { RtpError } from './errors.js';
import { concatBytes, DEFAULT_MAX_PAYLOAD_SIZE } from './codec.js';
import type { RtpDepacketizer, RtpPacketizer } from './codec.js';

/** The VP9 payload descriptor (RFC 9628 §4.2). */
export interface Vp9PayloadDescriptor {
  /** P: inter-picture predicted (not decodable alone). */
  interPicturePredicted: boolean;
  /** F: flexible mode. */
  flexibleMode: boolean;
  /** B: start of a (layer) frame. */
  startOfFrame: boolean;
  /** E: end of a (layer) frame. */
  endOfFrame: boolean;
  /** Z: not used for inter-layer prediction by upper layers. */
  notUpperLayerReference: boolean;
  pictureId?: number | undefined;
  temporalLayerId?: number | undefined;
  /** U: switching up point. */
  switchingUpPoint?: boolean | undefined;
  spatialLayerId?: number | undefined;
  /** D: inter-layer dependency. */
  interLayerDependency?: boolean | undefined;
  tl0PicIdx?: number | undefined;
  /** Reference index differences (flexible mode, P=1). */
  pDiffs: number[];
  /** Scalability structure (V=1): spatial layer resolutions, if given. */
  scalabilityStructure?: { spatialLayers: number; resolutions: { width: number; height: number }[] } | undefined;
  /** Octets the descriptor takes. */
  size: number;
}

/**
 * Parse the VP9 payload descriptor at the start of an RTP payload.
 * @throws RtpError `bad-payload` when truncated or malformed.
 */
export function parseVp9PayloadDescriptor(p: Uint8Array): Vp9PayloadDescriptor {
  let i = 0;
  const byte = (): number => {
    if (i >= p.length) throw new RtpError('bad-payload', 'VP9 payload descriptor truncated');
    return p[i++]!;
  };
  const b0 = byte();
  const d: Vp9PayloadDescriptor = {
    interPicturePredicted: (b0 & 0x40) !== 0,
    flexibleMode: (b0 & 0x10) !== 0,
    startOfFrame: (b0 & 0x08) !== 0,
    endOfFrame: (b0 & 0x04) !== 0,
    notUpperLayerReference: (b0 & 0x01) !== 0,
    pDiffs: [],
    size: 0,
  };
  if (b0 & 0x80) {
    const m = byte();
    d.pictureId = m & 0x80 ? ((m & 0x7f) << 8) | byte() : m;
  }
  if (b0 & 0x20) {
    const l = byte();
    d.temporalLayerId = l >> 5;
    d.switchingUpPoint = (l & 0x10) !== 0;
    d.spatialLayerId = (l >> 1) & 0x07;
    d.interLayerDependency = (l & 0x01) !== 0;
    if (!d.flexibleMode) d.tl0PicIdx = byte();
  }
  if (d.flexibleMode && d.interPicturePredicted) {
    for (let k = 0; k < 3; k++) {
      const r = byte();
      d.pDiffs.push(r >> 1);
      if (!(r & 1)) break;
      if (k === 2) throw new RtpError('bad-payload', 'VP9 descriptor with more than 3 reference indices');
    }
  }
  if (b0 & 0x02) {
    const v = byte();
    const spatialLayers = (v >> 5) + 1;
    const resolutions: { width: number; height: number }[] = [];
    if (v & 0x10) {
      for (let k = 0; k < spatialLayers; k++) {
        const width = (byte() << 8) | byte();
        resolutions.push({ width, height: (byte() << 8) | byte() });
      }
    }
    if (v & 0x08) {
      const groups = byte();
      for (let g = 0; g < groups; g++) {
        const r = (byte() >> 2) & 0x03;
        for (let k = 0; k < r; k++) byte();
      }
    }
    d.scalabilityStructure = { spatialLayers, resolutions };
  }
  d.size = i;
  return d;
}

/**
 * Whether a VP9 frame's uncompressed header says KEY_FRAME (VP9 bitstream spec §6.2): frame_marker,
 * profile bits, show_existing_frame = 0, frame_type = 0.
 */
export function isVp9KeyframeHeader(frame: Uint8Array): boolean {
  if (frame.length < 1) return false;
  const b = frame[0]!;
  if (b >> 6 !== 2) return false;
  const profile = ((b >> 5) & 1) | (((b >> 4) & 1) << 1);
  // Bit positions from the MSB: marker 0–1, profile 2–3, a reserved bit 4 in profile 3, then
  // show_existing_frame and frame_type.
  const pos = profile === 3 ? 5 : 4;
  const showExistingFrame = (b >> (7 - pos)) & 1;
  const frameType = (b >> (6 - pos)) & 1;
  return showExistingFrame === 0 && frameType === 0;
}

/** Options of {@link Vp9Packetizer}. */
export interface Vp9PacketizerOptions {
  maxPayloadSize?: number;
  /** First 15-bit PictureID. Default 0. */
  pictureId?: number;
  /**
   * Mark inter frames P=1 with one reference index P_DIFF=1 (the previous picture), as libwebrtc
   * needs to track dependencies in flexible mode. Default true. `false` sends P=0 and no P_DIFF on
   * every frame, as Pion 1.7 does; ffmpeg 5.1, which implements an older draft, only reads that.
   */
  referencePreviousPicture?: boolean;
}

/**
 * VP9 packetizer (RFC 9628) in flexible mode without layers, the form libwebrtc accepts without a
 * scalability structure: I=1 with a 15-bit PictureID, F=1, P and P_DIFF=1 on inter frames (from the
 * frame's uncompressed header), B on the first packet, E on the last. (Non-flexible mode would need
 * TL0PICIDX and an SS with the group of frames; libwebrtc drops non-flexible frames without them.)
 */
export class Vp9Packetizer implements RtpPacketizer {
  readonly maxPayloadSize: number;
  private pictureId: number;
  private readonly referencePrevious: boolean;
  constructor(options: Vp9PacketizerOptions = {}) {
    this.maxPayloadSize = options.maxPayloadSize ?? DEFAULT_MAX_PAYLOAD_SIZE;
    this.pictureId = (options.pictureId ?? 0) & 0x7fff;
    this.referencePrevious = options.referencePreviousPicture ?? true;
    if (this.maxPayloadSize < 5) throw new RtpError('invalid-argument', 'VP9 max payload size below 5');
  }
  packetize(frame: Uint8Array): Uint8Array[] {
    if (frame.length === 0) throw new RtpError('invalid-argument', 'empty VP9 frame');
    const inter = this.referencePrevious && !isVp9KeyframeHeader(frame);
    const headerSize = inter ? 4 : 3;
    const room = this.maxPayloadSize - headerSize;
    const count = Math.ceil(frame.length / room);
    const base = Math.floor(frame.length / count);
    let extra = frame.length - base * count;
    const out: Uint8Array[] = [];
    const block = new Uint8Array(frame.length + count * headerSize);
    let o = 0;
    let at = 0;
    for (let k = 0; k < count; k++) {
      const n = base + (extra > 0 ? 1 : 0);
      if (extra > 0) extra--;
      const p = block.subarray(at, at + headerSize + n);
      at += headerSize + n;
      p[0] = 0x90 | (inter ? 0x40 : 0) | (k === 0 ? 0x08 : 0) | (k === count - 1 ? 0x04 : 0);
      p[1] = 0x80 | (this.pictureId >> 8);
      p[2] = this.pictureId & 0xff;
      if (inter) p[3] = 1 << 1; // P_DIFF 1, N=0: the previous picture is the only reference
      p.set(frame.subarray(o, o + n), headerSize);
      o += n;
      out.push(p);
    }
    this.pictureId = (this.pictureId + 1) & 0x7fff;
    return out;
  }
}

/** VP9 depacketizer (RFC 9628, flexible and non-flexible mode). */
export class Vp9Depacketizer implements RtpDepacketizer {
  /** B=1 on the base spatial layer. */
  isFrameStart(payload: Uint8Array): boolean {
    try {
      const d = parseVp9PayloadDescriptor(payload);
      return d.startOfFrame && (d.spatialLayerId ?? 0) === 0;
    } catch {
      return false;
    }
  }
  /** Keyframe: P=0 on the first packet and the uncompressed header says KEY_FRAME. */
  isKeyframe(payloads: Uint8Array[]): boolean {
    const first = payloads[0];
    if (!first) return false;
    try {
      const d = parseVp9PayloadDescriptor(first);
      return d.startOfFrame && !d.interPicturePredicted && isVp9KeyframeHeader(first.subarray(d.size));
    } catch {
      return false;
    }
  }
  depacketize(payloads: Uint8Array[]): Uint8Array {
    const parts: Uint8Array[] = [];
    let total = 0;
    for (const p of payloads) {
      const d = parseVp9PayloadDescriptor(p);
      parts.push(p.subarray(d.size));
      total += p.length - d.size;
    }
    return concatBytes(parts, total);
  }
}

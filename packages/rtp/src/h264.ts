import { RtpError } from './errors.js';
import { DEFAULT_MAX_PAYLOAD_SIZE } from './codec.js';
import type { RtpDepacketizer, RtpPacketizer } from './codec.js';

/** NAL unit types that matter to packetization (ITU-T H.264 Table 7-1, RFC 6184 §5.2). */
export const H264NalType = {
  slice: 1,
  idr: 5,
  sei: 6,
  sps: 7,
  pps: 8,
  accessUnitDelimiter: 9,
  fillerData: 12,
  stapA: 24,
  fuA: 28,
} as const;

/**
 * Split an Annex-B byte stream (start codes 00 00 01 or 00 00 00 01) into NAL units, as views.
 * Trailing zero octets before a start code are not part of the NAL unit (H.264 B.2).
 */
export function splitAnnexB(stream: Uint8Array): Uint8Array[] {
  const nals: Uint8Array[] = [];
  let start = -1;
  let i = 0;
  const n = stream.length;
  while (i + 2 < n) {
    if (stream[i] === 0 && stream[i + 1] === 0 && stream[i + 2] === 1) {
      if (start >= 0) {
        let end = i;
        while (end > start && stream[end - 1] === 0) end--;
        if (end > start) nals.push(stream.subarray(start, end));
      }
      i += 3;
      start = i;
    } else {
      i++;
    }
  }
  if (start >= 0) {
    // A NAL unit never ends in 0x00; zeros at the end of the stream are trailing_zero_8bits.
    let end = n;
    while (end > start && stream[end - 1] === 0) end--;
    if (end > start) nals.push(stream.subarray(start, end));
  }
  return nals;
}

const START_CODE = new Uint8Array([0, 0, 0, 1]);

/** Options of {@link H264Packetizer}. */
export interface H264PacketizerOptions {
  /** Largest payload. Default 1200. */
  maxPayloadSize?: number;
}

/**
 * H.264 packetizer, packetization-mode 1 (RFC 6184 §6.3): single NAL unit packets, STAP-A for runs
 * of small NAL units (SPS, PPS, SEI…), FU-A for NAL units larger than the MTU. Input is Annex-B;
 * access unit delimiters and filler data are dropped, as in libwebrtc.
 */
export class H264Packetizer implements RtpPacketizer {
  readonly maxPayloadSize: number;
  constructor(options: H264PacketizerOptions = {}) {
    this.maxPayloadSize = options.maxPayloadSize ?? DEFAULT_MAX_PAYLOAD_SIZE;
    if (this.maxPayloadSize < 3) throw new RtpError('invalid-argument', 'H.264 max payload size below 3');
  }
  packetize(frame: Uint8Array): Uint8Array[] {
    const nals = splitAnnexB(frame).filter((n) => {
      const t = n[0]! & 0x1f;
      return t !== H264NalType.accessUnitDelimiter && t !== H264NalType.fillerData;
    });
    return this.packetizeNalUnits(nals);
  }
  /** Packetize NAL units given without start codes. */
  packetizeNalUnits(nals: Uint8Array[]): Uint8Array[] {
    const max = this.maxPayloadSize;
    const out: Uint8Array[] = [];
    let i = 0;
    while (i < nals.length) {
      const nal = nals[i]!;
      if (nal.length > max) {
        this.fragment(nal, out);
        i++;
        continue;
      }
      // Aggregate as many following NAL units as fit into one STAP-A.
      let size = 1 + 2 + nal.length;
      let j = i + 1;
      while (j < nals.length && size + 2 + nals[j]!.length <= max) size += 2 + nals[j++]!.length;
      if (j - i >= 2) {
        const p = new Uint8Array(size);
        let nri = 0;
        let o = 1;
        for (let k = i; k < j; k++) {
          const n = nals[k]!;
          nri = Math.max(nri, n[0]! & 0x60);
          p[o] = n.length >> 8; p[o + 1] = n.length & 0xff;
          p.set(n, o + 2);
          o += 2 + n.length;
        }
        p[0] = nri | H264NalType.stapA;
        out.push(p);
        i = j;
      } else {
        out.push(nal);
        i++;
      }
    }
    return out;
  }
  private fragment(nal: Uint8Array, out: Uint8Array[]): void {
    const header = nal[0]!;
    const room = this.maxPayloadSize - 2;
    const data = nal.subarray(1);
    const count = Math.ceil(data.length / room);
    const base = Math.floor(data.length / count);
    let extra = data.length - base * count;
    let o = 0;
    for (let k = 0; k < count; k++) {
      const n = base + (extra > 0 ? 1 : 0);
      if (extra > 0) extra--;
      const p = new Uint8Array(2 + n);
      p[0] = (header & 0xe0) | H264NalType.fuA;
      p[1] = (k === 0 ? 0x80 : 0) | (k === count - 1 ? 0x40 : 0) | (header & 0x1f);
      p.set(data.subarray(o, o + n), 2);
      o += n;
      out.push(p);
    }
  }
}

/** Calls `f` with the type and first byte after the NAL header of each NAL unit a payload starts or carries whole. */
function eachNalStart(payload: Uint8Array, f: (type: number, body: number) => void): void {
  if (payload.length < 1) return;
  const t = payload[0]! & 0x1f;
  if (t === H264NalType.stapA) {
    let o = 1;
    while (o + 2 <= payload.length) {
      const len = (payload[o]! << 8) | payload[o + 1]!;
      if (len === 0 || o + 2 + len > payload.length) return;
      f(payload[o + 2]! & 0x1f, len > 1 ? payload[o + 3]! : 0);
      o += 2 + len;
    }
  } else if (t === H264NalType.fuA) {
    if (payload.length >= 2 && payload[1]! & 0x80) f(payload[1]! & 0x1f, payload.length > 2 ? payload[2]! : 0);
  } else {
    f(t, payload.length > 1 ? payload[1]! : 0);
  }
}

/**
 * H.264 depacketizer (RFC 6184, packetization-mode 0 and 1: single NAL, STAP-A, FU-A). Output is
 * Annex-B with 4-byte start codes.
 */
export class H264Depacketizer implements RtpDepacketizer {
  /**
   * A frame starts with a parameter set, SEI or AUD, or with a slice whose first_mb_in_slice is 0
   * (its ue(v) code is the single bit 1, the first bit after the NAL header).
   */
  isFrameStart(payload: Uint8Array): boolean {
    let start = false;
    let first = true;
    eachNalStart(payload, (type, body) => {
      if (!first) return;
      first = false;
      if (type === H264NalType.sps || type === H264NalType.pps || type === H264NalType.sei || type === H264NalType.accessUnitDelimiter) start = true;
      else if (type === H264NalType.slice || type === H264NalType.idr) start = (body & 0x80) !== 0;
    });
    return start;
  }
  /** Keyframe: an IDR slice or an SPS in the frame. */
  isKeyframe(payloads: Uint8Array[]): boolean {
    let key = false;
    for (const p of payloads) {
      eachNalStart(p, (type) => { if (type === H264NalType.idr || type === H264NalType.sps) key = true; });
      if (key) return true;
    }
    return false;
  }
  depacketize(payloads: Uint8Array[]): Uint8Array {
    const parts: Uint8Array[] = [];
    let total = 0;
    const push = (b: Uint8Array): void => { parts.push(b); total += b.length; };
    let inFu = false;
    for (const p of payloads) {
      if (p.length < 1) throw new RtpError('bad-payload', 'empty H.264 payload');
      const t = p[0]! & 0x1f;
      if (t >= 1 && t <= 23) {
        push(START_CODE); push(p);
        inFu = false;
      } else if (t === H264NalType.stapA) {
        let o = 1;
        if (p.length < 4) throw new RtpError('bad-payload', 'STAP-A without NAL units');
        while (o < p.length) {
          if (o + 2 > p.length) throw new RtpError('bad-payload', 'STAP-A size field truncated');
          const len = (p[o]! << 8) | p[o + 1]!;
          if (len === 0 || o + 2 + len > p.length) throw new RtpError('bad-payload', `STAP-A NAL unit of ${len} bytes does not fit`);
          push(START_CODE); push(p.subarray(o + 2, o + 2 + len));
          o += 2 + len;
        }
        inFu = false;
      } else if (t === H264NalType.fuA) {
        if (p.length < 3) throw new RtpError('bad-payload', 'FU-A too short');
        const fu = p[1]!;
        if (fu & 0x80) {
          push(START_CODE);
          push(new Uint8Array([(p[0]! & 0xe0) | (fu & 0x1f)]));
          inFu = true;
        } else if (!inFu) {
          throw new RtpError('bad-payload', 'FU-A continuation without its start');
        }
        push(p.subarray(2));
        if (fu & 0x40) inFu = false;
      } else {
        throw new RtpError('bad-payload', `unsupported H.264 payload type ${t}`);
      }
    }
    const out = new Uint8Array(total);
    let o = 0;
    for (const b of parts) { out.set(b, o); o += b.length; }
    return out;
  }
}

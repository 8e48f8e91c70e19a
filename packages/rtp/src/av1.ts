import { RtpError } from './errors.js';
import { DEFAULT_MAX_PAYLOAD_SIZE } from './codec.js';
import type { RtpDepacketizer, RtpPacketizer } from './codec.js';

/** AV1 OBU types (AV1 spec §6.2.2). */
export const Av1ObuType = {
  sequenceHeader: 1,
  temporalDelimiter: 2,
  frameHeader: 3,
  tileGroup: 4,
  metadata: 5,
  frame: 6,
  redundantFrameHeader: 7,
  tileList: 8,
  padding: 15,
} as const;

/** Read an unsigned leb128 (AV1 spec §4.10.5) at `offset`: its value and length in octets. */
export function readLeb128(buf: Uint8Array, offset: number): { value: number; length: number } {
  let value = 0;
  for (let i = 0; i < 8; i++) {
    if (offset + i >= buf.length) throw new RtpError('bad-payload', 'leb128 truncated');
    const b = buf[offset + i]!;
    value += (b & 0x7f) * 2 ** (7 * i);
    if (!(b & 0x80)) {
      if (value > 0xffffffff) throw new RtpError('bad-payload', 'leb128 value above 2^32 - 1');
      return { value, length: i + 1 };
    }
  }
  throw new RtpError('bad-payload', 'leb128 longer than 8 octets');
}

/** Octets the minimal leb128 encoding of `v` takes. */
export function leb128Size(v: number): number {
  let n = 1;
  while (v >= 0x80) { v = Math.floor(v / 128); n++; }
  return n;
}

/** Write the minimal leb128 encoding of `v` at `offset`; returns the new offset. */
export function writeLeb128(buf: Uint8Array, offset: number, v: number): number {
  do {
    let b = v & 0x7f;
    v = Math.floor(v / 128);
    if (v > 0) b |= 0x80;
    buf[offset++] = b;
  } while (v > 0);
  return offset;
}

/** One OBU located in a buffer. */
export interface Av1Obu {
  type: number;
  /** The OBU header (1 octet, 2 with the extension), views. */
  header: Uint8Array;
  /** The OBU payload, without header or size field. */
  payload: Uint8Array;
}

/**
 * Split a temporal unit in the low-overhead bitstream format (AV1 spec §5.2, as in IVF or WebM)
 * into OBUs. An OBU without obu_has_size_field runs to the end of the buffer.
 * @throws RtpError `bad-payload` when an OBU does not fit.
 */
export function splitObus(tu: Uint8Array): Av1Obu[] {
  const obus: Av1Obu[] = [];
  let i = 0;
  while (i < tu.length) {
    const h = tu[i]!;
    if (h & 0x80) throw new RtpError('bad-payload', 'OBU forbidden bit set');
    const headerSize = h & 0x04 ? 2 : 1;
    if (i + headerSize > tu.length) throw new RtpError('bad-payload', 'OBU header truncated');
    let start = i + headerSize;
    let end = tu.length;
    if (h & 0x02) {
      const { value, length } = readLeb128(tu, start);
      start += length;
      end = start + value;
      if (end > tu.length) throw new RtpError('bad-payload', `OBU of ${value} bytes runs past the temporal unit`);
    }
    obus.push({ type: (h >> 3) & 0x0f, header: tu.subarray(i, i + headerSize), payload: tu.subarray(start, end) });
    i = end;
  }
  return obus;
}

/** Options of {@link Av1Packetizer}. */
export interface Av1PacketizerOptions {
  maxPayloadSize?: number;
}

/**
 * AV1 packetizer (AV1 RTP payload format, AOM v1.0 §4): OBUs without size fields as OBU elements,
 * several per packet with W set when at most three, fragments marked with Z/Y, N on the first
 * packet of a coded video sequence. Temporal delimiters and tile lists are not sent (§5).
 */
export class Av1Packetizer implements RtpPacketizer {
  readonly maxPayloadSize: number;
  constructor(options: Av1PacketizerOptions = {}) {
    this.maxPayloadSize = options.maxPayloadSize ?? DEFAULT_MAX_PAYLOAD_SIZE;
    if (this.maxPayloadSize < 4) throw new RtpError('invalid-argument', 'AV1 max payload size below 4');
  }
  packetize(frame: Uint8Array): Uint8Array[] {
    const obus = splitObus(frame).filter((o) => o.type !== Av1ObuType.temporalDelimiter && o.type !== Av1ObuType.tileList);
    let newSequence = false;
    // Elements: each OBU as header (size bit cleared) + payload.
    const elements = obus.map((o) => {
      if (o.type === Av1ObuType.sequenceHeader) newSequence = true;
      const e = new Uint8Array(o.header.length + o.payload.length);
      e.set(o.header);
      e[0] = e[0]! & ~0x02;
      e.set(o.payload, o.header.length);
      return e;
    });
    if (newSequence) newSequence = isKeyframeObus(obus);
    type Part = { bytes: Uint8Array };
    const packets: { parts: Part[]; z: boolean; y: boolean }[] = [];
    const room = this.maxPayloadSize - 1;
    let cur = { parts: [] as Part[], z: false, y: false };
    let used = 0;
    for (const e of elements) {
      let off = 0;
      while (off < e.length) {
        const left = e.length - off;
        const space = room - used;
        if (leb128Size(left) + left <= space) {
          cur.parts.push({ bytes: e.subarray(off) });
          used += leb128Size(left) + left;
          off = e.length;
          break;
        }
        let n = space - leb128Size(space);
        if (n > 0 && n + leb128Size(n) > space) n--;
        if (n > 0) {
          cur.parts.push({ bytes: e.subarray(off, off + n) });
          off += n;
          cur.y = true;
        }
        if (cur.parts.length > 0) packets.push(cur);
        cur = { parts: [], z: n > 0, y: false };
        used = 0;
      }
    }
    if (cur.parts.length > 0) packets.push(cur);
    return packets.map((pk, k) => {
      const w = pk.parts.length <= 3 ? pk.parts.length : 0;
      let size = 1;
      pk.parts.forEach((pt, idx) => { size += pt.bytes.length + (w !== 0 && idx === pk.parts.length - 1 ? 0 : leb128Size(pt.bytes.length)); });
      const out = new Uint8Array(size);
      out[0] = (pk.z ? 0x80 : 0) | (pk.y ? 0x40 : 0) | (w << 4) | (k === 0 && newSequence ? 0x08 : 0);
      let o = 1;
      pk.parts.forEach((pt, idx) => {
        if (!(w !== 0 && idx === pk.parts.length - 1)) o = writeLeb128(out, o, pt.bytes.length);
        out.set(pt.bytes, o);
        o += pt.bytes.length;
      });
      return out;
    });
  }
}

/** Whether the first frame or frame header OBU says KEY_FRAME (show_existing_frame 0, frame_type 0). */
function isKeyframeObus(obus: Av1Obu[]): boolean {
  for (const o of obus) {
    if (o.type === Av1ObuType.frame || o.type === Av1ObuType.frameHeader) {
      return o.payload.length > 0 && (o.payload[0]! & 0xe0) === 0;
    }
  }
  return false;
}

const TEMPORAL_DELIMITER = new Uint8Array([0x12, 0x00]);

/**
 * AV1 depacketizer: joins fragmented OBU elements and rebuilds a temporal unit in the low-overhead
 * format (a temporal delimiter, then every OBU with obu_has_size_field set and a minimal leb128 size).
 */
export class Av1Depacketizer implements RtpDepacketizer {
  /** N=1 starts a coded video sequence, which is always a frame start; otherwise unknown. */
  isFrameStart(payload: Uint8Array): boolean {
    return payload.length > 0 && (payload[0]! & 0x88) === 0x08;
  }
  /** Keyframe: N=1 on the first packet. */
  isKeyframe(payloads: Uint8Array[]): boolean {
    const f = payloads[0];
    return f !== undefined && this.isFrameStart(f);
  }
  depacketize(payloads: Uint8Array[]): Uint8Array {
    const obus: Uint8Array[][] = []; // each OBU as a list of fragments
    let open = false;
    for (const p of payloads) {
      if (p.length < 1) throw new RtpError('bad-payload', 'empty AV1 payload');
      const h = p[0]!;
      const z = (h & 0x80) !== 0;
      const y = (h & 0x40) !== 0;
      const w = (h >> 4) & 0x03;
      let i = 1;
      let k = 0;
      while (i < p.length) {
        k++;
        let len: number;
        if (w !== 0 && k === w) {
          len = p.length - i;
        } else {
          const l = readLeb128(p, i);
          i += l.length;
          len = l.value;
        }
        if (i + len > p.length) throw new RtpError('bad-payload', `OBU element of ${len} bytes runs past the packet`);
        const el = p.subarray(i, i + len);
        i += len;
        if (k === 1 && z) {
          if (!open || obus.length === 0) throw new RtpError('bad-payload', 'AV1 continuation without its start');
          obus[obus.length - 1]!.push(el);
        } else {
          obus.push([el]);
        }
        if (w !== 0 && k === w) break;
      }
      if (w !== 0 && k !== w) throw new RtpError('bad-payload', `AV1 packet has ${k} OBU elements, W says ${w}`);
      open = y;
    }
    let total = TEMPORAL_DELIMITER.length;
    const whole = obus.map((frags) => {
      let n = 0;
      for (const f of frags) n += f.length;
      const b = new Uint8Array(n);
      let o = 0;
      for (const f of frags) { b.set(f, o); o += f.length; }
      if (n < 1) throw new RtpError('bad-payload', 'empty OBU element');
      const hs = b[0]! & 0x04 ? 2 : 1;
      if (n < hs) throw new RtpError('bad-payload', 'OBU header truncated');
      total += n + leb128Size(n - hs);
      return b;
    });
    const out = new Uint8Array(total);
    out.set(TEMPORAL_DELIMITER);
    let o = TEMPORAL_DELIMITER.length;
    for (const b of whole) {
      const hs = b[0]! & 0x04 ? 2 : 1;
      out[o] = b[0]! | 0x02;
      if (hs === 2) out[o + 1] = b[1]!;
      o = writeLeb128(out, o + hs, b.length - hs);
      out.set(b.subarray(hs), o);
      o += b.length - hs;
    }
    return out;
  }
}

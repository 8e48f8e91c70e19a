import { RtpError } from './errors.js';
import { allocRtcpPacket, need, RtcpPacketType, viewOf } from './rtcp-header.js';
import { FeedbackFormat } from './rtcp-feedback.js';

/** One packet's fate in transport-wide feedback. */
export interface TwccPacketStatus {
  /** Transport-wide sequence number. */
  sequenceNumber: number;
  /**
   * Receive time relative to the previous received packet (the first: to the reference time), in
   * ticks of 250 µs; `null` when the packet was not received.
   */
  receiveDelta: number | null;
}

/**
 * Transport-wide congestion control feedback
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1), RTPFB FMT 15.
 */
export interface TransportWideCcFeedback {
  type: 'twcc';
  senderSsrc: number;
  mediaSsrc: number;
  /** First sequence number reported. */
  baseSequenceNumber: number;
  /** Signed 24-bit reference time in multiples of 64 ms. */
  referenceTime: number;
  /** 8-bit count of feedback packets sent, to detect lost feedback. */
  feedbackPacketCount: number;
  /** One entry per sequence number from the base, in order. */
  packets: TwccPacketStatus[];
}

/** Packet status symbols. */
const NOT_RECEIVED = 0;
const SMALL_DELTA = 1;
const LARGE_DELTA = 2;

/** @internal Parse a transport-wide CC feedback body. */
export function parseTransportWideCcFeedback(body: Uint8Array): TransportWideCcFeedback {
  need(body, 16, 'transport-wide CC feedback');
  const v = viewOf(body);
  const base = v.getUint16(8);
  const count = v.getUint16(10);
  const symbols = new Uint8Array(count);
  let n = 0;
  let i = 16;
  while (n < count) {
    if (i + 2 > body.length) throw new RtpError('bad-payload', `transport-wide CC: chunks end after ${n} of ${count} statuses`);
    const c = v.getUint16(i);
    i += 2;
    if ((c & 0x8000) === 0) {
      const s = (c >> 13) & 3;
      if (s === 3) throw new RtpError('bad-payload', 'transport-wide CC: reserved status symbol');
      const run = Math.min(c & 0x1fff, count - n);
      symbols.fill(s, n, n + run);
      n += run;
    } else if ((c & 0x4000) === 0) {
      for (let b = 13; b >= 0 && n < count; b--) symbols[n++] = (c >> b) & 1;
    } else {
      for (let b = 12; b >= 0 && n < count; b -= 2) {
        const s = (c >> b) & 3;
        if (s === 3) throw new RtpError('bad-payload', 'transport-wide CC: reserved status symbol');
        symbols[n++] = s;
      }
    }
  }
  const packets: TwccPacketStatus[] = new Array(count);
  for (let k = 0; k < count; k++) {
    const s = symbols[k]!;
    let delta: number | null = null;
    if (s === SMALL_DELTA) {
      if (i + 1 > body.length) throw new RtpError('bad-payload', 'transport-wide CC: receive deltas past the end');
      delta = body[i++]!;
    } else if (s === LARGE_DELTA) {
      if (i + 2 > body.length) throw new RtpError('bad-payload', 'transport-wide CC: receive deltas past the end');
      delta = v.getInt16(i);
      i += 2;
    }
    packets[k] = { sequenceNumber: (base + k) & 0xffff, receiveDelta: delta };
  }
  return {
    type: 'twcc',
    senderSsrc: v.getUint32(0),
    mediaSsrc: v.getUint32(4),
    baseSequenceNumber: base,
    referenceTime: (v.getInt32(12) >> 8),
    feedbackPacketCount: body[15]!,
    packets,
  };
}

function symbolOf(delta: number | null): number {
  if (delta === null) return NOT_RECEIVED;
  if (!Number.isInteger(delta) || delta < -32768 || delta > 32767) throw new RtpError('invalid-argument', `receive delta ${delta} does not fit 16 bits`);
  return delta >= 0 && delta <= 255 ? SMALL_DELTA : LARGE_DELTA;
}

/**
 * Serialize transport-wide CC feedback. Chunks are chosen greedily: a run-length chunk when the run
 * covers at least as many packets as a status vector would, otherwise a one-bit vector (14 packets)
 * when none needs a large delta, else a two-bit vector (7 packets).
 */
export function serializeTransportWideCcFeedback(p: TransportWideCcFeedback): Uint8Array {
  const count = p.packets.length;
  if (count > 0xffff) throw new RtpError('invalid-argument', 'too many packets for one feedback');
  const symbols = p.packets.map((x) => symbolOf(x.receiveDelta));
  const chunks: number[] = [];
  let deltaBytes = 0;
  for (const s of symbols) deltaBytes += s;
  let i = 0;
  while (i < count) {
    const s = symbols[i]!;
    let run = 1;
    while (i + run < count && run < 0x1fff && symbols[i + run] === s) run++;
    const span = Math.min(14, count - i);
    let oneBit = true;
    for (let k = 0; k < span; k++) if (symbols[i + k]! > 1) { oneBit = false; break; }
    const vectorCapacity = oneBit ? span : Math.min(7, count - i);
    if (run >= vectorCapacity) {
      chunks.push((s << 13) | run);
      i += run;
    } else if (oneBit) {
      let c = 0x8000;
      for (let k = 0; k < span; k++) c |= symbols[i + k]! << (13 - k);
      chunks.push(c);
      i += span;
    } else {
      let c = 0xc000;
      for (let k = 0; k < vectorCapacity; k++) c |= symbols[i + k]! << (12 - 2 * k);
      chunks.push(c);
      i += vectorCapacity;
    }
  }
  const { buf, view } = allocRtcpPacket(FeedbackFormat.transportWideCc, RtcpPacketType.transportFeedback, 16 + chunks.length * 2 + deltaBytes);
  view.setUint32(4, p.senderSsrc >>> 0);
  view.setUint32(8, p.mediaSsrc >>> 0);
  view.setUint16(12, p.baseSequenceNumber & 0xffff);
  view.setUint16(14, count);
  view.setUint32(16, (((p.referenceTime & 0xffffff) << 8) | (p.feedbackPacketCount & 0xff)) >>> 0);
  let o = 20;
  for (const c of chunks) { view.setUint16(o, c); o += 2; }
  for (let k = 0; k < count; k++) {
    const s = symbols[k]!;
    const d = p.packets[k]!.receiveDelta!;
    if (s === SMALL_DELTA) buf[o++] = d;
    else if (s === LARGE_DELTA) { view.setInt16(o, d); o += 2; }
  }
  return buf;
}

import { DropLog, type Logger } from '@x/base';
import { RtpError } from './errors.js';
import { rtpLogger } from './rtp-log.js';
import { parseRtpPacket, serializeRtpPacket } from './rtp-packet.js';
import type { RtpPacket } from './rtp-packet.js';

/** RTX parameters of one stream (RFC 4588 §8: its own SSRC and payload type, `apt` = original PT). */
export interface RtxParameters {
  ssrc: number;
  payloadType: number;
}

/**
 * Wrap a packet for retransmission on an RTX stream (RFC 4588 §4): the payload becomes the original
 * sequence number (OSN) followed by the original payload; timestamp, marker and extensions stay.
 */
export function wrapRtx(packet: RtpPacket, rtx: RtxParameters, rtxSequenceNumber: number): RtpPacket {
  const payload = new Uint8Array(2 + packet.payload.length);
  payload[0] = packet.sequenceNumber >> 8;
  payload[1] = packet.sequenceNumber & 0xff;
  payload.set(packet.payload, 2);
  return { ...packet, ssrc: rtx.ssrc, payloadType: rtx.payloadType, sequenceNumber: rtxSequenceNumber & 0xffff, payload, paddingSize: 0 };
}

/**
 * Restore the original packet from an RTX packet (RFC 4588 §4): OSN from the first two octets,
 * the original SSRC and payload type given by the caller (from the SDP `apt` and ssrc-group FID).
 * @throws RtpError `truncated` when the payload has no OSN.
 */
export function unwrapRtx(rtxPacket: RtpPacket, original: { ssrc: number; payloadType: number }): RtpPacket {
  if (rtxPacket.payload.length < 2) throw new RtpError('truncated', 'RTX payload without original sequence number');
  return {
    ...rtxPacket,
    ssrc: original.ssrc,
    payloadType: original.payloadType,
    sequenceNumber: (rtxPacket.payload[0]! << 8) | rtxPacket.payload[1]!,
    payload: rtxPacket.payload.subarray(2),
  };
}

/**
 * Sender-side history of sent packets that answers NACKs (RFC 4585 §6.2.1), either as plain
 * retransmissions or over RTX (RFC 4588). Keeps copies of the last `capacity` packets.
 */
export class RetransmissionBuffer {
  private readonly slots: (Uint8Array | undefined)[];
  private readonly seqs: Int32Array;
  /** When each held packet was last resent (ms), -Infinity when never. */
  private readonly resentAt: Float64Array;
  private rtxSequenceNumber: number;
  /**
   * Packets resent, NACKed packets no longer held, and NACKed packets not resent because they were
   * resent less than a round trip before (a repeated NACK that crossed the retransmission).
   */
  readonly stats = { retransmitted: 0, missed: 0, tooSoon: 0 };
  private readonly log: DropLog;
  private lastStored = -1;

  /**
   * @param capacity packets kept, a power of two (default 1024).
   * @param rtx send retransmissions on this RTX stream; without it, resend the original bytes.
   * @param options.logger says NACKed packets no longer held (the first, then counts), prefixed
   *   `[rtp]`; without one, `NODE_DEBUG=x-rtp` writes them to stderr.
   */
  constructor(readonly capacity = 1024, private readonly rtx?: RtxParameters, firstRtxSequenceNumber = 0, options: { logger?: Logger } = {}) {
    if (capacity <= 0 || (capacity & (capacity - 1)) !== 0) throw new RtpError('invalid-argument', 'capacity must be a power of two');
    this.slots = new Array(capacity);
    this.seqs = new Int32Array(capacity).fill(-1);
    this.resentAt = new Float64Array(capacity).fill(-Infinity);
    this.rtxSequenceNumber = firstRtxSequenceNumber & 0xffff;
    this.log = new DropLog(rtpLogger(options.logger));
  }

  /** Keep a copy of a sent packet (serialized RTP, before SRTP). */
  store(packet: Uint8Array): void {
    if (packet.length < 12) throw new RtpError('truncated', 'RTP packet shorter than 12 bytes');
    const seq = (packet[2]! << 8) | packet[3]!;
    const i = seq & (this.capacity - 1);
    this.slots[i] = packet.slice();
    this.seqs[i] = seq;
    this.resentAt[i] = -Infinity;
    this.lastStored = seq;
  }

  /** `, holding a..b` for the log: the run of sequence numbers held up to the last stored. */
  private heldRange(): string {
    const newest = this.lastStored;
    if (newest < 0) return ', none held';
    let oldest = newest;
    for (let k = 1; k < this.capacity; k++) {
      const seq = (newest - k) & 0xffff;
      if (this.get(seq) === undefined) break;
      oldest = seq;
    }
    return `, holding ${oldest}..${newest}`;
  }

  /** The stored packet with this sequence number, if still held. */
  get(sequenceNumber: number): Uint8Array | undefined {
    const i = sequenceNumber & (this.capacity - 1);
    return this.seqs[i] === sequenceNumber ? this.slots[i] : undefined;
  }

  /**
   * The packets to send in answer to a NACK's lost list (RTX-wrapped when configured). With the
   * time and a known round-trip time, a packet resent less than `rttMs` ago is not sent again, as
   * libwebrtc's packet history does: the receiver asks again before the first retransmission can
   * have arrived when its own RTT guess is shorter than the path's, and resending each time would
   * multiply the repair traffic on the very path that lost the packet.
   */
  answer(lost: Iterable<number>, nowMs?: number, rttMs?: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (const seq of lost) {
      const stored = this.get(seq);
      if (!stored) {
        this.stats.missed++;
        if (this.log.on) this.log.drop('NACK for a packet no longer in the history', () => `NACK for packet ${seq}, no longer in the history (${this.capacity} packets kept${this.heldRange()})`);
        continue;
      }
      const i = seq & (this.capacity - 1);
      if (nowMs !== undefined) {
        if (rttMs !== undefined && nowMs - this.resentAt[i]! < rttMs) { this.stats.tooSoon++; continue; }
        this.resentAt[i] = nowMs;
      }
      this.stats.retransmitted++;
      if (!this.rtx) { out.push(stored); continue; }
      const wrapped = wrapRtx(parseRtpPacket(stored), this.rtx, this.rtxSequenceNumber);
      this.rtxSequenceNumber = (this.rtxSequenceNumber + 1) & 0xffff;
      out.push(serializeRtpPacket(wrapped));
    }
    return out;
  }
}

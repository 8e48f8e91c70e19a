import { DropLog, type Logger } from '@x/base';
import { RtpError } from './errors.js';
import { rtpLogger } from './rtp-log.js';
import { JitterBuffer } from './jitter-buffer.js';
import { NackGenerator } from './nack-generator.js';
import { ReceiverStatistics } from './receiver-statistics.js';
import { parseRtpPacket } from './rtp-packet.js';
import { serializeRtcp } from './rtcp-packet.js';
import type { RtcpPacket } from './rtcp-packet.js';
import { unwrapRtx } from './retransmission.js';
import type { RtxParameters } from './retransmission.js';
import type { RtpDepacketizer } from './codec.js';

/** Options of {@link RtpReceiveStream}. */
export interface RtpReceiveStreamOptions {
  /** SSRC of the media stream received. */
  ssrc: number;
  /** Its payload type. */
  payloadType: number;
  /** Its RTP clock rate (90000 for video, 48000 for Opus). */
  clockRate: number;
  depacketizer: RtpDepacketizer;
  /** Our SSRC, the sender of RR, NACK and PLI. */
  localSsrc: number;
  /** The paired RTX stream, if negotiated (RFC 4588). */
  rtx?: RtxParameters;
  /** Video (keyframes, NACK, PLI) or audio. Default true. */
  video?: boolean;
  /** Send NACKs for gaps. Default: on for video. */
  nack?: boolean;
  /** Shortest interval between two PLIs, ms. Default 300. */
  pliIntervalMs?: number;
  /** Interval between receiver reports, ms. Default 1000. */
  reportIntervalMs?: number;
  /** Jitter buffer capacity in packets. Default 512. */
  capacity?: number;
  /**
   * CNAME to send in an SDES with each RR, making it a full compound packet (RFC 3550 §6.1).
   * Without it, RRs go alone, as reduced-size RTCP (RFC 5506, `a=rtcp-rsize`) allows.
   */
  cname?: string;
  /**
   * Says, prefixed `[rtp] ssrc N:`, NACKs and PLIs sent (the first NACK, then counts; each PLI),
   * datagrams dropped (the first of each kind, then counts), and what its jitter buffer and NACK
   * generator say. Without one, `NODE_DEBUG=x-rtp` writes them to stderr.
   */
  logger?: Logger;
}

/** A frame ready for the decoder. */
export interface ReceivedFrame {
  data: Uint8Array;
  timestamp: number;
  keyframe: boolean;
}

/** Counters of an {@link RtpReceiveStream}. */
export interface RtpReceiveStreamStats {
  packetsReceived: number;
  retransmissionsReceived: number;
  /** Datagrams that failed to parse, dropped. */
  malformed: number;
  /** Packets of another SSRC or payload type, dropped. */
  foreign: number;
  /** Padding-only RTX packets (bandwidth probes), dropped. */
  padding: number;
  /** Frames whose payloads did not depacketize, dropped (a keyframe is requested). */
  undecodable: number;
  framesReceived: number;
  nacksSent: number;
  plisSent: number;
}

/**
 * The receiving side of one RTP stream, sans-IO: takes datagrams and RTCP with the time, gives
 * frames in decode order and the RTCP to send (receiver reports, NACK for gaps with retries, PLI
 * when the jitter buffer cannot decode). Bad datagrams are counted and dropped; nothing throws.
 */
export class RtpReceiveStream {
  private readonly options: Required<Omit<RtpReceiveStreamOptions, 'rtx' | 'cname' | 'logger'>> & { rtx?: RtxParameters; cname?: string };
  private readonly jitter: JitterBuffer;
  private readonly nack: NackGenerator;
  private readonly statistics: ReceiverStatistics;
  private readonly ready: ReceivedFrame[] = [];
  private lastPliMs = -Infinity;
  private nextReportMs: number | undefined;
  private keyframeWanted = false;
  private readonly log: DropLog;
  /** Counters. */
  readonly stats: RtpReceiveStreamStats = {
    packetsReceived: 0, retransmissionsReceived: 0, padding: 0, malformed: 0, foreign: 0, undecodable: 0, framesReceived: 0, nacksSent: 0, plisSent: 0,
  };

  constructor(options: RtpReceiveStreamOptions) {
    const video = options.video ?? true;
    const { logger, ...rest } = options;
    this.options = {
      ...rest,
      video, nack: options.nack ?? video, pliIntervalMs: options.pliIntervalMs ?? 300, reportIntervalMs: options.reportIntervalMs ?? 1000,
      capacity: options.capacity ?? 512,
    };
    const log = rtpLogger(logger, `ssrc ${options.ssrc}`);
    this.log = new DropLog(log);
    this.jitter = new JitterBuffer({ depacketizer: options.depacketizer, video, capacity: this.options.capacity, logger: log });
    this.nack = new NackGenerator({ logger: log });
    this.statistics = new ReceiverStatistics(options.ssrc, options.clockRate);
  }

  /** Take one RTP datagram (media or RTX) received at `nowMs`. */
  receiveRtp(datagram: Uint8Array, nowMs: number): void {
    let packet;
    try {
      packet = parseRtpPacket(datagram);
      const rtx = this.options.rtx;
      if (rtx && packet.ssrc === rtx.ssrc && packet.payloadType === rtx.payloadType) {
        if (packet.payload.length === 0) { this.stats.padding++; return; } // RTX padding probe: nothing wrong
        packet = unwrapRtx(packet, { ssrc: this.options.ssrc, payloadType: this.options.payloadType });
        this.stats.retransmissionsReceived++;
      } else if (packet.ssrc !== this.options.ssrc || packet.payloadType !== this.options.payloadType) {
        this.stats.foreign++;
        if (this.log.on) this.log.drop('foreign packets', () => `packet of ssrc ${packet!.ssrc} payload type ${packet!.payloadType} dropped: not this stream's (payload type ${this.options.payloadType})`);
        return;
      } else {
        this.statistics.onPacket(packet.sequenceNumber, packet.timestamp, nowMs);
      }
    } catch (e) {
      if (!(e instanceof RtpError)) throw e;
      this.stats.malformed++;
      if (this.log.on) this.log.drop('malformed packets', () => `datagram of ${datagram.length} bytes dropped: ${e.code}: ${e.message}`);
      return;
    }
    this.stats.packetsReceived++;
    this.nextReportMs ??= nowMs + this.options.reportIntervalMs;
    this.nack.onPacket(packet.sequenceNumber);
    this.jitter.insert(packet);
    this.drain();
  }

  /**
   * A packet of this stream's SSRC in another format of the same source that the depacketizer
   * does not take (RFC 4733 telephone-events beside Opus): it counts in the RFC 3550 statistics
   * and fills its place in the sequence, so neither the reports nor the jitter buffer take it for
   * a loss. Malformed or foreign datagrams are counted and dropped, as in {@link receiveRtp}.
   */
  receiveOther(datagram: Uint8Array, nowMs: number): void {
    let packet;
    try {
      packet = parseRtpPacket(datagram);
    } catch (e) {
      if (!(e instanceof RtpError)) throw e;
      this.stats.malformed++;
      return;
    }
    if (packet.ssrc !== this.options.ssrc) {
      this.stats.foreign++;
      return;
    }
    this.statistics.onPacket(packet.sequenceNumber, packet.timestamp, nowMs, false);
    this.nextReportMs ??= nowMs + this.options.reportIntervalMs;
    this.nack.onPacket(packet.sequenceNumber);
    this.jitter.markLost([packet.sequenceNumber]);
    this.drain();
  }

  /**
   * The paired RTX stream became known after the start (e.g. learned from a packet carrying
   * repaired-rtp-stream-id, RFC 8852, when the SDP had no a=ssrc-group:FID).
   */
  setRtx(rtx: RtxParameters): void {
    this.options.rtx = rtx;
  }

  /** Take RTCP from the remote sender (SR gives LSR/DLSR for our reports). */
  receiveRtcp(packets: RtcpPacket[], nowMs: number): void {
    for (const p of packets) {
      if (p.type === 'sr' && p.ssrc === this.options.ssrc) this.statistics.onSenderReport(p.ntpTime, nowMs);
      else if (p.type === 'bye' && p.sources.includes(this.options.ssrc)) this.nextReportMs = undefined;
    }
  }

  /**
   * RFC 3550 reception statistics of the stream, as reports carry them: cumulative packets lost
   * and interarrival jitter (timestamp units).
   */
  get reception(): { packetsLost: number; jitter: number } {
    return { packetsLost: this.statistics.cumulativeLost, jitter: this.statistics.jitter };
  }

  /** Frames completed since the last call, in decode order. */
  takeFrames(): ReceivedFrame[] {
    return this.ready.splice(0);
  }

  /** Whether a keyframe is needed to go on decoding. */
  get needsKeyframe(): boolean {
    return this.keyframeWanted || this.jitter.needsKeyframe;
  }

  /**
   * RTCP to send now (each a reduced-size or compound datagram): NACK, PLI, and the periodic RR.
   * `rttMs` paces NACK retries. Call on a timer (every 10–20 ms is fine) and after receiving.
   */
  poll(nowMs: number, rttMs = 100): Uint8Array[] {
    const out: Uint8Array[] = [];
    const local = this.options.localSsrc;
    const media = this.options.ssrc;
    if (!this.options.nack) {
      this.jitter.skipOldGaps(3); // nobody will resend: a gap is only reordering, tolerate a little
      this.drain();
    } else {
      const { nack, lost } = this.nack.poll(nowMs, rttMs);
      if (lost.length) { this.jitter.markLost(lost); this.drain(); }
      if (nack.length) {
        out.push(serializeRtcp([{ type: 'nack', senderSsrc: local, mediaSsrc: media, lost: nack }]));
        this.stats.nacksSent++;
        if (this.log.on) this.log.drop('NACKs sent', () => `NACK sent for ${nack.length === 1 ? 'packet' : 'packets'} ${nack.join(', ')}`);
      }
    }
    if (this.options.video && this.needsKeyframe && nowMs - this.lastPliMs >= this.options.pliIntervalMs) {
      out.push(serializeRtcp([{ type: 'pli', senderSsrc: local, mediaSsrc: media }]));
      this.lastPliMs = nowMs;
      this.stats.plisSent++;
      if (this.log.on) this.log.logger.debug(`PLI sent (${this.keyframeWanted ? 'a frame did not depacketize' : 'waiting for a keyframe'}; ${this.stats.plisSent} so far)`);
    }
    if (this.nextReportMs !== undefined && nowMs >= this.nextReportMs) {
      const rr: RtcpPacket = { type: 'rr', ssrc: local, reports: [this.statistics.reportBlock(nowMs)] };
      const cname = this.options.cname;
      out.push(serializeRtcp(cname === undefined ? [rr] : [rr, { type: 'sdes', chunks: [{ source: local, items: [{ type: 1, text: cname }] }] }]));
      this.nextReportMs = nowMs + this.options.reportIntervalMs;
    }
    return out;
  }

  private drain(): void {
    for (let f = this.jitter.pop(); f; f = this.jitter.pop()) {
      if (this.keyframeWanted && !f.keyframe) continue; // it would not decode
      try {
        this.ready.push({ data: this.options.depacketizer.depacketize(f.payloads), timestamp: f.timestamp, keyframe: f.keyframe });
        this.stats.framesReceived++;
        if (f.keyframe) this.keyframeWanted = false;
      } catch (e) {
        if (!(e instanceof RtpError)) throw e;
        this.stats.undecodable++;
        this.keyframeWanted = this.options.video;
        if (this.log.on) this.log.drop('undepacketizable frames', () => `frame at timestamp ${f.timestamp} (${f.payloads.length} packets) dropped: ${e.code}: ${e.message}`);
      }
    }
  }
}

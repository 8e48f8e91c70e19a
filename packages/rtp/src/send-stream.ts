import { DropLog, type Logger } from '@x/base';
import { RtpError } from './errors.js';
import { rtpLogger } from './rtp-log.js';
import { RetransmissionBuffer } from './retransmission.js';
import type { RtxParameters } from './retransmission.js';
import { SenderReportGenerator } from './sender-report.js';
import { roundTripTimeMs } from './receiver-statistics.js';
import { serializeRtpPacket } from './rtp-packet.js';
import type { RtpHeaderExtension } from './rtp-packet.js';
import { serializeRtcp } from './rtcp-packet.js';
import type { RtcpPacket } from './rtcp-packet.js';
import { serializeTransportWideSequenceNumber } from './header-extensions.js';
import type { SendSideBandwidthEstimator } from './send-side-bwe.js';
import type { RtpPacketizer } from './codec.js';

/** Transport-wide congestion control shared by the streams of one transport (BUNDLE group). */
export interface TransportCc {
  /** Negotiated `a=extmap` id of the transport-wide-cc extension. */
  extensionId: number;
  /** The estimator fed with every packet sent and every feedback received. */
  estimator: SendSideBandwidthEstimator;
  /** The next transport-wide sequence number; shared, so streams take turns. */
  sequence: { next: number };
  /**
   * A pacer between the streams and the wire numbers packets as they leave: the stream writes the
   * extension with a placeholder value and neither takes a number nor records the send; whoever
   * sends stamps it in place (`rtpExtensionValueOffset`) and calls the estimator's
   * `onPacketSent` then, so numbers follow the order on the wire and send times are real.
   */
  assignedOnSend?: boolean;
}

/** Stands in for the transport-wide sequence number until the packet leaves (`TransportCc.assignedOnSend`). */
const TRANSPORT_SEQUENCE_PLACEHOLDER = new Uint8Array(2);

/** Options of {@link RtpSendStream}. */
export interface RtpSendStreamOptions {
  ssrc: number;
  payloadType: number;
  clockRate: number;
  packetizer: RtpPacketizer;
  /** CNAME for SDES in sender reports. */
  cname: string;
  /** Answer NACKs over this RTX stream; without it, resend the original packets. */
  rtx?: RtxParameters;
  /** Extensions sent on every packet, e.g. mid (values as bytes). */
  extensions?: RtpHeaderExtension[];
  transportCc?: TransportCc;
  /** Packets kept for retransmission, a power of two. Default 1024. */
  historySize?: number;
  /** First sequence number. Default random. */
  initialSequenceNumber?: number;
  /**
   * Says, prefixed `[rtp] ssrc N:`, each PLI and FIR received, the first NACK received (then
   * counts) and NACKed packets no longer in the history. Without one, `NODE_DEBUG=x-rtp` writes
   * them to stderr.
   */
  logger?: Logger;
}

/** What the sender should do after RTCP arrived. */
export interface RtcpReaction {
  /** Retransmissions to send now. */
  retransmissions: Uint8Array[];
  /** PLI or FIR asked for a keyframe: the encoder should make one. */
  keyframeRequested: boolean;
}

/**
 * The sending side of one RTP stream, sans-IO: packetizes frames into datagrams (with the
 * transport-wide sequence number when negotiated), keeps them for NACKs, answers NACK over RTX,
 * reports PLI/FIR, tracks round-trip time from report blocks, and builds SR + SDES.
 */
export class RtpSendStream {
  private readonly history: RetransmissionBuffer;
  private readonly sr: SenderReportGenerator;
  private sequenceNumber: number;
  private readonly log: DropLog;
  /** Latest round-trip time from a report block about this stream, ms. */
  rttMs: number | undefined;
  /** Counters. */
  readonly stats = { packetsSent: 0, bytesSent: 0, framesSent: 0, nacksReceived: 0, retransmissions: 0, keyframeRequests: 0 };

  constructor(private readonly options: RtpSendStreamOptions) {
    const log = rtpLogger(options.logger, `ssrc ${options.ssrc}`);
    this.log = new DropLog(log);
    this.history = new RetransmissionBuffer(options.historySize ?? 1024, options.rtx, Math.floor(Math.random() * 0x10000), { logger: log });
    this.sr = new SenderReportGenerator(options.ssrc, options.clockRate);
    this.sequenceNumber = (options.initialSequenceNumber ?? Math.floor(Math.random() * 0x10000)) & 0xffff;
  }

  /** Datagrams carrying one encoded frame; `unixMs` is the wall clock (for SR), `nowMs` the monotonic clock. */
  sendFrame(frame: Uint8Array, rtpTimestamp: number, nowMs: number, unixMs = nowMs): Uint8Array[] {
    const payloads = this.options.packetizer.packetize(frame);
    const tcc = this.options.transportCc;
    const out: Uint8Array[] = new Array(payloads.length);
    for (let i = 0; i < payloads.length; i++) {
      const extensions = this.options.extensions ? [...this.options.extensions] : [];
      let tseq = -1;
      if (tcc?.assignedOnSend === true) extensions.push({ id: tcc.extensionId, value: TRANSPORT_SEQUENCE_PLACEHOLDER });
      else if (tcc) {
        tseq = tcc.sequence.next;
        tcc.sequence.next = (tseq + 1) & 0xffff;
        extensions.push({ id: tcc.extensionId, value: serializeTransportWideSequenceNumber(tseq) });
      }
      const bytes = serializeRtpPacket({
        marker: i === payloads.length - 1, payloadType: this.options.payloadType, sequenceNumber: this.sequenceNumber,
        timestamp: rtpTimestamp >>> 0, ssrc: this.options.ssrc, csrcs: [], extensions, payload: payloads[i]!, paddingSize: 0,
      });
      this.sequenceNumber = (this.sequenceNumber + 1) & 0xffff;
      this.history.store(bytes);
      if (tseq >= 0) tcc!.estimator.onPacketSent(tseq, bytes.length, nowMs);
      this.sr.onPacketSent(rtpTimestamp >>> 0, payloads[i]!.length, unixMs);
      this.stats.packetsSent++;
      this.stats.bytesSent += bytes.length;
      out[i] = bytes;
    }
    this.stats.framesSent++;
    return out;
  }

  /** The sequence number the next packet of {@link sendFrame} gets. */
  get nextSequenceNumber(): number {
    return this.sequenceNumber;
  }

  /**
   * A packet of this stream was sent around {@link sendFrame} (e.g. RTP the application wrote
   * itself, already serialized with this SSRC): it is kept for NACK, counted in the sender
   * report, and the next frame continues after its sequence number.
   */
  sentAround(packet: Uint8Array, unixMs: number): void {
    if (packet.length < 12) throw new RtpError('truncated', 'RTP packet shorter than 12 bytes');
    const seq = (packet[2]! << 8) | packet[3]!;
    const timestamp = ((packet[4]! << 24) | (packet[5]! << 16) | (packet[6]! << 8) | packet[7]!) >>> 0;
    let header = 12 + 4 * (packet[0]! & 0x0f);
    if ((packet[0]! & 0x10) !== 0 && packet.length >= header + 4) header += 4 + 4 * ((packet[header + 2]! << 8) | packet[header + 3]!);
    const padding = (packet[0]! & 0x20) !== 0 ? packet[packet.length - 1]! : 0;
    this.history.store(packet);
    this.sr.onPacketSent(timestamp, Math.max(0, packet.length - header - padding), unixMs);
    this.sequenceNumber = (seq + 1) & 0xffff;
    this.stats.packetsSent++;
    this.stats.bytesSent += packet.length;
  }

  /** React to RTCP from the receiver, arrived at `unixMs` (wall clock, for RTT) and `nowMs`. */
  receiveRtcp(packets: RtcpPacket[], nowMs: number, unixMs = nowMs): RtcpReaction {
    const reaction: RtcpReaction = { retransmissions: [], keyframeRequested: false };
    const ssrc = this.options.ssrc;
    for (const p of packets) {
      switch (p.type) {
        case 'nack':
          if (p.mediaSsrc !== ssrc) break;
          this.stats.nacksReceived++;
          if (this.log.on) this.log.drop('NACKs received', () => `NACK received for ${p.lost.length === 1 ? 'packet' : 'packets'} ${p.lost.join(', ')}`);
          for (const r of this.history.answer(p.lost, nowMs, this.rttMs)) reaction.retransmissions.push(r);
          break;
        case 'pli':
          if (p.mediaSsrc !== ssrc) break;
          reaction.keyframeRequested = true;
          if (this.log.on) this.log.logger.debug(`PLI received from ssrc ${p.senderSsrc}: keyframe requested`);
          break;
        case 'fir':
          if (!p.entries.some((e) => e.ssrc === ssrc)) break;
          reaction.keyframeRequested = true;
          if (this.log.on) this.log.logger.debug(`FIR received from ssrc ${p.senderSsrc}: keyframe requested`);
          break;
        case 'rr':
        case 'sr':
          for (const b of p.reports) {
            if (b.ssrc !== ssrc) continue;
            const rtt = roundTripTimeMs(b, unixMs);
            if (rtt !== undefined) this.rttMs = rtt;
          }
          break;
        case 'twcc':
          this.options.transportCc?.estimator.onTransportFeedback(p, nowMs);
          break;
        default:
          break;
      }
    }
    this.stats.retransmissions += reaction.retransmissions.length;
    if (reaction.keyframeRequested) this.stats.keyframeRequests++;
    return reaction;
  }

  /** An SR with an SDES CNAME, as one compound datagram (RFC 3550 §6.1), at wall-clock `unixMs`. */
  senderReport(unixMs: number): Uint8Array {
    return serializeRtcp([
      this.sr.senderReport(unixMs),
      { type: 'sdes', chunks: [{ source: this.options.ssrc, items: [{ type: 1, text: this.options.cname }] }] },
    ]);
  }
}

/**
 * The sending half of a transceiver's media: a local track's frames packetized by `@x/rtp`'s
 * {@link RtpSendStream} (negotiated SSRC, payload type, mid, abs-send-time, transport-wide
 * sequence number), kept for NACK and answered over RTX when negotiated; raw RTP rewritten to the
 * negotiated SSRC, payload type and extensions.
 */
import {
  RtpError, RtpSendStream, type PacedPacketKind, parseRtpPacket, roundTripTimeMs, serializeAbsSendTime, serializeRtcpPacket, serializeRtpPacket, serializeSdesIdExtension,
  serializeTransportWideSequenceNumber, type ReportBlock, type RtcpPacket, type RtpHeaderExtension, type TransportCc,
} from '@x/rtp';
import type { Logger } from '@x/base';
import type { EncodedFrameInit, TrackSink } from './media-stream-track.js';
import type { TelephoneEventMedia, TelephoneEventPlayout } from './dtmf-playout.js';
import { audioLevelExtension } from './rtp-sources.js';
import type { ExtensionIds, MediaCodec } from './rtp-codec.js';

/** Where a sender's packets go and the clocks it reads. */
export interface MediaSenderContext {
  /**
   * Sends RTP (through the transport's pacer, `paced-sender.ts`): `onSent` runs once the packet
   * was protected and left, which may be later; false when it was refused at once (SRTP not keyed yet).
   */
  sendRtp(packet: Uint8Array, kind: PacedPacketKind, onSent: (packet: Uint8Array) => void): boolean;
  sendRtcp(packet: Uint8Array): boolean;
  /** Monotonic ms. */
  now(): number;
  /** Wall clock ms (for SR NTP time and abs-send-time). */
  unixNow(): number;
  /**
   * Transport-wide congestion control state shared by the bundle, when negotiated. The sequence
   * number is stamped as the packet leaves the paced sender, not here.
   */
  transportCc: TransportCc | undefined;
  /** Handed to the stream (`[rtp] ssrc N: …`); undefined: `NODE_DEBUG=x-rtp`. */
  logger?: Logger | undefined;
}

/**
 * outbound-rtp counters (W3C webrtc-stats: bytes are payload bytes, headers counted apart).
 * Packet and byte counts (retransmissions too) grow as packets leave the pacer; `framesSent`
 * when a frame's packets were accepted for sending.
 */
export interface OutboundCounters {
  packetsSent: number;
  bytesSent: number;
  headerBytesSent: number;
  framesSent: number;
  nackCount: number;
  pliCount: number;
  firCount: number;
  retransmittedPacketsSent: number;
  retransmittedBytesSent: number;
  /** Written while SRTP was not keyed, or refused by the packetizer. */
  framesDropped: number;
  /**
   * Frames the application's encoder gave (writeFrame) that were packetized: the encoder is the
   * application's, so its output counts as encoded here. Raw RTP written through is not counted.
   */
  framesEncoded: number;
  /** Of {@link framesEncoded}, those written as keyframes. */
  keyFramesEncoded: number;
}

/** What the peer's receiver reports (RR or SR report blocks) say about a sending stream: remote-inbound-rtp. */
export interface RemoteInboundReport {
  /** The last report block about this SSRC. */
  block: ReportBlock;
  /** Round-trip time from its LSR/DLSR, ms, when it had an LSR. */
  roundTripTimeMs: number | undefined;
  totalRoundTripTimeMs: number;
  roundTripTimeMeasurements: number;
  reportsReceived: number;
  /** Wall-clock ms when it arrived. */
  receivedAt: number;
}

/** Size of an RTP header (fixed part, CSRCs, extension block), from its first bytes. */
export function rtpHeaderSize(p: Uint8Array): number {
  const cc = (p[0] ?? 0) & 0x0f;
  let n = 12 + 4 * cc;
  if (((p[0] ?? 0) & 0x10) !== 0 && p.length >= n + 4) n += 4 + 4 * (((p[n + 2] ?? 0) << 8) | (p[n + 3] ?? 0));
  return Math.min(n, p.length);
}

function paddingSize(p: Uint8Array): number {
  return ((p[0] ?? 0) & 0x20) !== 0 ? (p[p.length - 1] ?? 0) : 0;
}

/** One sending RTP stream of a transceiver. */
export class MediaSender implements TrackSink, TelephoneEventMedia {
  readonly stream: RtpSendStream;
  readonly counters: OutboundCounters = {
    packetsSent: 0, bytesSent: 0, headerBytesSent: 0, framesSent: 0, nackCount: 0, pliCount: 0, firCount: 0,
    retransmittedPacketsSent: 0, retransmittedBytesSent: 0, framesDropped: 0, framesEncoded: 0, keyFramesEncoded: 0,
  };
  /** Sending per the negotiated direction. */
  active = true;
  /** The peer asked for a keyframe. */
  onKeyframeRequest: (() => void) | undefined;
  /** The peer's latest report about this stream. */
  remoteInbound: RemoteInboundReport | undefined;
  /** DTMF on this (audio) stream, when telephone-event was negotiated. */
  telephoneEvents: TelephoneEventPlayout | undefined;
  readonly #abs: RtpHeaderExtension | undefined;
  readonly #extensions: RtpHeaderExtension[];
  readonly #timestampOffset = Math.floor(Math.random() * 0x100000000);
  /** Last sequence number that went out, so raw RTP continues the stream's sequence space. */
  #lastSeq: number | undefined;
  #rawSeqOffset: number | undefined;

  constructor(
    readonly ssrc: number,
    readonly codec: MediaCodec,
    readonly mid: string,
    readonly ids: ExtensionIds,
    readonly rtx: { ssrc: number; payloadType: number } | undefined,
    cname: string,
    private readonly ctx: MediaSenderContext,
    /** The encoding's rid (simulcast), sent in the rtp-stream-id header extension (RFC 8852). */
    readonly rid?: string,
  ) {
    const extensions: RtpHeaderExtension[] = [];
    if (ids.mid !== undefined) extensions.push({ id: ids.mid, value: serializeSdesIdExtension(mid) });
    if (rid !== undefined && ids.rid !== undefined) extensions.push({ id: ids.rid, value: serializeSdesIdExtension(rid) });
    if (ids.absSendTime !== undefined) {
      this.#abs = { id: ids.absSendTime, value: new Uint8Array(3) };
      extensions.push(this.#abs);
    }
    this.#extensions = extensions;
    const tcc = ids.transportCc !== undefined && ctx.transportCc !== undefined ? { ...ctx.transportCc, extensionId: ids.transportCc } : undefined;
    this.stream = new RtpSendStream({
      ssrc, payloadType: codec.codec.payloadType, clockRate: codec.codec.clockRate, packetizer: codec.packetizer(), cname,
      extensions, ...(rtx !== undefined ? { rtx } : {}), ...(tcc !== undefined ? { transportCc: tcc } : {}),
      ...(ctx.logger !== undefined ? { logger: ctx.logger } : {}),
    });
  }

  /** A frame from the track: packetize, send, count. Nothing throws out (a bad frame is counted as dropped). */
  frame(data: Uint8Array, init: EncodedFrameInit): void {
    if (!this.active) return;
    const clock = this.codec.codec.clockRate;
    const rtpTimestamp = (this.#timestampOffset + Math.round((init.timestamp * clock) / 1e6)) >>> 0;
    // While a DTMF tone plays its telephone-events stand in for the audio (as libwebrtc does).
    if (this.telephoneEvents?.audioFrame(rtpTimestamp, this.ctx.now()) === false) return;
    const unix = this.ctx.unixNow();
    // The extensions array is the stream's: abs-send-time is refreshed in place for this frame.
    if (this.#abs !== undefined) this.#abs.value = serializeAbsSendTime(unix);
    let packets: Uint8Array[];
    try {
      packets = this.#withAudioLevel(init, () => this.stream.sendFrame(data, rtpTimestamp, this.ctx.now(), unix));
    } catch (e) {
      if (!(e instanceof RtpError)) throw e;
      this.counters.framesDropped++;
      return;
    }
    this.#rawSeqOffset = undefined;
    this.counters.framesEncoded++;
    if (init.keyframe === true) this.counters.keyFramesEncoded++;
    let sent = 0;
    for (const p of packets) if (this.#send(p)) sent++;
    if (sent === packets.length) this.counters.framesSent++;
    else this.counters.framesDropped++;
  }

  /**
   * A raw RTP packet from the track: our SSRC, payload type and extensions; its marker, timestamp
   * and payload. Sequence numbers are shifted once, at the first raw packet, to continue what
   * this SSRC sent before (SRTP's index and the peer's jitter buffer need one sequence space);
   * gaps and order between raw packets are kept.
   */
  rtp(packet: Uint8Array): void {
    if (!this.active) return;
    const unix = this.ctx.unixNow();
    let p;
    try {
      p = parseRtpPacket(packet);
    } catch (e) {
      if (!(e instanceof RtpError)) throw e;
      this.counters.framesDropped++;
      return;
    }
    const extensions = [...this.#extensions];
    if (this.#abs !== undefined) this.#abs.value = serializeAbsSendTime(unix);
    const tcc = this.ctx.transportCc;
    if (tcc !== undefined && this.ids.transportCc !== undefined) {
      // A placeholder: the paced sender stamps the number as the packet leaves.
      extensions.push({ id: this.ids.transportCc, value: serializeTransportWideSequenceNumber(0) });
    }
    this.#rawSeqOffset ??= this.#lastSeq === undefined ? 0 : (this.stream.nextSequenceNumber - p.sequenceNumber) & 0xffff;
    const sequenceNumber = (p.sequenceNumber + this.#rawSeqOffset) & 0xffff;
    const out = serializeRtpPacket({ ...p, sequenceNumber, ssrc: this.ssrc, payloadType: this.codec.codec.payloadType, extensions });
    // The stream keeps it for NACK and its next frame continues after it.
    this.stream.sentAround(out, unix);
    this.#send(out);
  }

  /** Monotonic ms (for the DTMF playout). */
  now(): number {
    return this.ctx.now();
  }

  /** The codec's RTP clock rate. */
  get audioClockRate(): number {
    return this.codec.codec.clockRate;
  }

  /** The RTP timestamp of a frame written with timestamp 0. */
  get rtpTimestampBase(): number {
    return this.#timestampOffset;
  }

  /**
   * A packet of another payload type of this stream (RFC 4733 telephone-events): the stream's
   * SSRC, next sequence number and extensions, kept for NACK, counted in the SR and outbound-rtp.
   */
  sendPayload(payloadType: number, marker: boolean, timestamp: number, payload: Uint8Array): void {
    if (!this.active) return;
    const unix = this.ctx.unixNow();
    if (this.#abs !== undefined) this.#abs.value = serializeAbsSendTime(unix);
    const extensions = [...this.#extensions];
    if (this.ctx.transportCc !== undefined && this.ids.transportCc !== undefined) {
      extensions.push({ id: this.ids.transportCc, value: serializeTransportWideSequenceNumber(0) });
    }
    const out = serializeRtpPacket({
      marker, payloadType, sequenceNumber: this.stream.nextSequenceNumber, timestamp, ssrc: this.ssrc, csrcs: [], extensions, payload, paddingSize: 0,
    });
    this.stream.sentAround(out, unix);
    // Raw RTP written after this continues from here.
    this.#rawSeqOffset = undefined;
    this.#send(out);
  }

  /** Runs `send` with the RFC 6464 audio level of the frame in the stream's extensions, when negotiated and given. */
  #withAudioLevel<T>(init: EncodedFrameInit, send: () => T): T {
    const level = audioLevelExtension(this.ids.audioLevel, init.audioLevel, init.voiceActivity);
    if (level === undefined) return send();
    this.#extensions.push(level);
    try {
      return send();
    } finally {
      this.#extensions.pop();
    }
  }

  /** RTCP about this stream: NACK answered from the history (over RTX if negotiated), PLI/FIR to the track. */
  receiveRtcp(packets: RtcpPacket[]): void {
    for (const p of packets) {
      if (p.type === 'nack' && p.mediaSsrc === this.ssrc) this.counters.nackCount++;
      else if (p.type === 'pli' && p.mediaSsrc === this.ssrc) this.counters.pliCount++;
      else if (p.type === 'fir' && p.entries.some((e) => e.ssrc === this.ssrc)) this.counters.firCount++;
      else if (p.type === 'rr' || p.type === 'sr') for (const b of p.reports) if (b.ssrc === this.ssrc) this.#remoteReport(b);
    }
    const reaction = this.stream.receiveRtcp(packets, this.ctx.now(), this.ctx.unixNow());
    for (const original of reaction.retransmissions) this.ctx.sendRtp(this.#repaired(original), 'retransmission', this.#countRetransmission);
    if (reaction.keyframeRequested) this.onKeyframeRequest?.();
  }

  #remoteReport(block: ReportBlock): void {
    const receivedAt = this.ctx.unixNow();
    const rtt = roundTripTimeMs(block, receivedAt);
    const previous = this.remoteInbound;
    this.remoteInbound = {
      block, roundTripTimeMs: rtt, receivedAt,
      totalRoundTripTimeMs: (previous?.totalRoundTripTimeMs ?? 0) + (rtt ?? 0),
      roundTripTimeMeasurements: (previous?.roundTripTimeMeasurements ?? 0) + (rtt !== undefined ? 1 : 0),
      reportsReceived: (previous?.reportsReceived ?? 0) + 1,
    };
  }

  /** SR + SDES, once something was sent. */
  senderReport(): void {
    if (this.counters.packetsSent === 0) return;
    this.ctx.sendRtcp(this.stream.senderReport(this.ctx.unixNow()));
  }

  /**
   * The stream ends (transceiver stopped, connection closing): a last SR with a BYE for its SSRCs
   * in one compound packet (RFC 3550 §6.6), so the receiver mutes its track now rather than after
   * a timeout. Nothing is sent by a stream that never sent; no SR follows.
   */
  goodbye(): void {
    if (!this.active) return;
    this.active = false;
    if (this.counters.packetsSent === 0) return;
    const report = this.stream.senderReport(this.ctx.unixNow());
    const bye = serializeRtcpPacket({ type: 'bye', sources: this.rtx === undefined ? [this.ssrc] : [this.ssrc, this.rtx.ssrc] });
    const compound = new Uint8Array(report.length + bye.length);
    compound.set(report, 0);
    compound.set(bye, report.length);
    this.ctx.sendRtcp(compound);
  }

  /**
   * A retransmission as it leaves. Its transport-wide sequence number is a fresh one, as
   * libwebrtc's is: the paced sender stamps every packet as it leaves, repairs too. A simulcast
   * layer's RTX packet names the stream it repairs with repaired-rtp-stream-id, not
   * rtp-stream-id (RFC 8852 §3.2), so the receiver does not take it for a media stream.
   */
  #repaired(packet: Uint8Array): Uint8Array {
    const ridId = this.ids.rid;
    if (this.rid === undefined || ridId === undefined || this.rtx === undefined || (packet[1]! & 0x7f) !== this.rtx.payloadType) return packet;
    try {
      const p = parseRtpPacket(packet);
      const extensions = p.extensions.flatMap((e) => {
        if (e.id !== ridId) return [e];
        return this.ids.repairedRid === undefined ? [] : [{ id: this.ids.repairedRid, value: e.value }];
      });
      return serializeRtpPacket({ ...p, extensions });
    } catch (e) {
      if (!(e instanceof RtpError)) throw e;
      return packet;
    }
  }

  #send(p: Uint8Array): boolean {
    if (!this.ctx.sendRtp(p, this.codec.video ? 'video' : 'audio', this.#countSent)) return false;
    this.#lastSeq = (p[2]! << 8) | p[3]!;
    return true;
  }

  /** outbound-rtp counts a packet once it has left (made once per sender: no closure per packet). */
  readonly #countSent = (p: Uint8Array): void => {
    const header = rtpHeaderSize(p);
    this.counters.packetsSent++;
    this.counters.headerBytesSent += header;
    this.counters.bytesSent += p.length - header - paddingSize(p);
  };

  readonly #countRetransmission = (r: Uint8Array): void => {
    this.counters.retransmittedPacketsSent++;
    this.counters.retransmittedBytesSent += r.length - rtpHeaderSize(r) - paddingSize(r);
  };
}

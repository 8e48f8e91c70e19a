/**
 * The receiving half of a transceiver's media: RTP routed to it goes to the remote track as it
 * is (`onRtp`), and through `@x/rtp`'s {@link RtpReceiveStream} (jitter buffer, NACK, PLI, RR) to
 * the track as depacketized frames (`onFrame`, `frames()`).
 */
import { RtpError, RtpReceiveStream, TelephoneEventReceiver, dtmfTone, parseRtpPacket, unixMsFromNtpTime, type RtcpPacket } from '@x/rtp';
import type { Logger } from '@x/base';
import type { Codec } from '@x/sdp';
import type { MediaStreamTrack } from './media-stream-track.js';
import { rtpHeaderSize } from './media-sender.js';
import { mediaCodec, rtxPayloadType, type MediaCodec } from './rtp-codec.js';
import { RTCTelephoneEventEvent } from './dtmf-sender.js';
import { highResNow, type RtpSources } from './rtp-sources.js';

/** inbound-rtp counters (W3C webrtc-stats: bytes are payload bytes). */
export interface InboundCounters {
  packetsReceived: number;
  bytesReceived: number;
  headerBytesReceived: number;
  framesReceived: number;
  keyFramesReceived: number;
  nackCount: number;
  pliCount: number;
  /** Packets of a payload type the answer did not negotiate, dropped. */
  packetsDiscarded: number;
}

/** The peer's sender reports about a received stream: remote-outbound-rtp. */
export interface RemoteOutboundReport {
  packetsSent: number;
  bytesSent: number;
  /** The SR's NTP time as Unix ms (the sender's clock). */
  remoteTimestamp: number;
  reportsSent: number;
}

/** One receiving RTP stream of a transceiver (the first SSRC routed to it). */
export class MediaReceiver {
  readonly counters: InboundCounters = {
    packetsReceived: 0, bytesReceived: 0, headerBytesReceived: 0, framesReceived: 0, keyFramesReceived: 0, nackCount: 0, pliCount: 0, packetsDiscarded: 0,
  };
  /** The media SSRC, once known. */
  ssrc: number | undefined;
  /** Its RTX SSRC, from a=ssrc-group:FID. */
  rtxSsrc: number | undefined;
  /** The codec of the stream being received. */
  codec: MediaCodec | undefined;
  /** Payload types (media and RTX) whose packets go into transport-cc feedback, from the answer. */
  transportCcPayloadTypes: ReadonlySet<number> = new Set();
  /** The peer's latest SR about this stream. */
  remoteOutbound: RemoteOutboundReport | undefined;
  /** Handed to the receive stream (`[rtp] ssrc N: …`); undefined: `NODE_DEBUG=x-rtp`. */
  logger: Logger | undefined;
  /** The receiver's synchronization and contributing sources (getSynchronizationSources), fed per packet. */
  sources: RtpSources | undefined;
  #telephoneEvents: TelephoneEventReceiver | undefined;
  #stream: RtpReceiveStream | undefined;
  #firstTimestamp: number | undefined;
  #lastTimestamp = 0;
  #unwrapped = 0;

  constructor(
    readonly kind: 'audio' | 'video',
    readonly mid: string,
    readonly track: MediaStreamTrack,
    /** The codecs the answer negotiated, for payload types. */
    public codecs: Codec[],
    /** Our SSRC in RTCP about this stream (RR, NACK, PLI, transport-cc feedback). */
    readonly localSsrc: number,
    private readonly cname: string,
    /** Simulcast: the rid of the layer this receives (RFC 8852). */
    readonly rid?: string,
  ) {}

  /** Whether `pt` is an RTX format of the negotiated codecs. */
  isRtxPayloadType(pt: number): boolean {
    return this.codecs.some((c) => c.payloadType === pt && c.name.toLowerCase() === 'rtx');
  }

  /** The layer's RTX SSRC, learned from a packet (repaired-rtp-stream-id, or an RTX payload type with the rid). */
  learnRtxSsrc(ssrc: number): void {
    if (this.rtxSsrc !== undefined) return;
    this.rtxSsrc = ssrc;
    const codec = this.codec;
    const pt = codec === undefined ? undefined : rtxPayloadType({ codecs: this.codecs }, codec.codec.payloadType);
    if (pt !== undefined) this.#stream?.setRtx({ ssrc, payloadType: pt });
  }

  /** An unprotected RTP packet for this transceiver (`pt`/`ssrc` already read by the router). */
  receive(packet: Uint8Array, ssrc: number, pt: number, nowMs: number): void {
    const isRtx = this.rtxSsrc !== undefined && ssrc === this.rtxSsrc;
    if (!isRtx) {
      if (this.#telephoneEvent(packet, pt, nowMs)) return;
      const media = this.#codecFor(pt);
      if (media === undefined) {
        this.counters.packetsDiscarded++;
        return;
      }
      if (this.#stream === undefined || this.ssrc !== ssrc || this.codec?.codec.payloadType !== pt) this.#start(ssrc, media);
      const header = rtpHeaderSize(packet);
      this.counters.packetsReceived++;
      this.counters.headerBytesReceived += header;
      this.counters.bytesReceived += packet.length - header - ((packet[0]! & 0x20) !== 0 ? packet[packet.length - 1]! : 0);
      this.track.setMuted(false);
      this.track.deliverRtp(packet);
      this.sources?.onPacket(packet, highResNow());
    } else if (this.#stream === undefined) {
      return;
    }
    this.#stream!.receiveRtp(packet, nowMs);
    this.#drain();
  }

  /** RTCP from the remote sender (SR, BYE). */
  receiveRtcp(packets: RtcpPacket[], nowMs: number): void {
    if (this.#stream === undefined) return;
    this.#stream.receiveRtcp(packets, nowMs);
    for (const p of packets) {
      // RFC 3550 §6.6: the sender left; the track is muted until its media comes again (W3C §4.3.2).
      if (p.type === 'bye' && this.ssrc !== undefined && p.sources.includes(this.ssrc)) this.track.setMuted(true);
      if (p.type !== 'sr' || p.ssrc !== this.ssrc) continue;
      this.remoteOutbound = {
        packetsSent: p.packetCount, bytesSent: p.octetCount, remoteTimestamp: unixMsFromNtpTime(p.ntpTime),
        reportsSent: (this.remoteOutbound?.reportsSent ?? 0) + 1,
      };
    }
  }

  /** Cumulative packets lost and jitter in seconds (RFC 3550 A.3, A.8), once packets came. */
  get reception(): { packetsLost: number; jitter: number } | undefined {
    const s = this.#stream;
    const codec = this.codec;
    if (s === undefined || codec === undefined || this.counters.packetsReceived === 0) return undefined;
    const r = s.reception;
    return { packetsLost: r.packetsLost, jitter: r.jitter / codec.codec.clockRate };
  }

  /** RTCP to send now: RR, NACK, PLI. */
  poll(nowMs: number, rttMs: number | undefined): Uint8Array[] {
    const s = this.#stream;
    if (s === undefined) return [];
    const before = { n: s.stats.nacksSent, p: s.stats.plisSent };
    const out = s.poll(nowMs, rttMs);
    this.counters.nackCount += s.stats.nacksSent - before.n;
    this.counters.pliCount += s.stats.plisSent - before.p;
    this.#drain();
    return out;
  }

  /**
   * An RFC 4733 telephone-event packet (a negotiated telephone-event payload type): counted in
   * inbound-rtp and in the stream's RFC 3550 statistics (not a loss in the RRs), and each new
   * event fires `telephoneevent` on the track. True when it was one.
   */
  #telephoneEvent(packet: Uint8Array, pt: number, nowMs: number): boolean {
    // The media stream's own payload type is not telephone-event: no lookup per media packet.
    if (this.codec?.codec.payloadType === pt) return false;
    if (this.codecs.find((c) => c.payloadType === pt)?.name.toLowerCase() !== 'telephone-event') return false;
    const header = rtpHeaderSize(packet);
    this.counters.packetsReceived++;
    this.counters.headerBytesReceived += header;
    this.counters.bytesReceived += packet.length - header - ((packet[0]! & 0x20) !== 0 ? packet[packet.length - 1]! : 0);
    this.sources?.onPacket(packet, highResNow());
    this.#stream?.receiveOther(packet, nowMs);
    let notice;
    try {
      const p = parseRtpPacket(packet);
      notice = (this.#telephoneEvents ??= new TelephoneEventReceiver()).receive(p.timestamp, p.marker, p.payload);
    } catch (e) {
      if (!(e instanceof RtpError)) throw e;
      this.counters.packetsDiscarded++;
      return true;
    }
    if (notice?.began === true) {
      const { event, volume } = notice.value;
      this.track.dispatchEvent(new RTCTelephoneEventEvent('telephoneevent', { tone: dtmfTone(event) ?? '', event, volume, rtpTimestamp: notice.timestamp }));
    }
    return true;
  }

  /**
   * The payload format of `pt`: the stream's current one while it still applies (no lookup or new
   * object per packet), else looked up among the negotiated codecs.
   */
  #codecFor(pt: number): MediaCodec | undefined {
    const current = this.codec;
    if (current !== undefined && current.codec.payloadType === pt && this.codecs.includes(current.codec)) return current;
    const codec = this.codecs.find((c) => c.payloadType === pt);
    return codec === undefined ? undefined : mediaCodec(this.kind, codec);
  }

  #start(ssrc: number, media: MediaCodec): void {
    this.ssrc = ssrc;
    this.codec = media;
    const rtxPt = rtxPayloadType({ codecs: this.codecs }, media.codec.payloadType);
    const rtx = this.rtxSsrc !== undefined && rtxPt !== undefined ? { ssrc: this.rtxSsrc, payloadType: rtxPt } : undefined;
    const nack = media.video && media.codec.feedback.some((f) => f.type === 'nack' && f.parameter === undefined);
    this.#stream = new RtpReceiveStream({
      ssrc, payloadType: media.codec.payloadType, clockRate: media.codec.clockRate, depacketizer: media.depacketizer(),
      localSsrc: this.localSsrc, video: media.video, nack, cname: this.cname, ...(rtx !== undefined ? { rtx } : {}),
      ...(this.logger !== undefined ? { logger: this.logger } : {}),
    });
  }

  #drain(): void {
    const s = this.#stream;
    const codec = this.codec;
    if (s === undefined || codec === undefined) return;
    for (const f of s.takeFrames()) {
      if (this.#firstTimestamp === undefined) {
        this.#firstTimestamp = f.timestamp;
        this.#lastTimestamp = f.timestamp;
      }
      // Unwrap the 32-bit RTP timestamp relative to the first frame.
      const delta = ((f.timestamp - this.#lastTimestamp) | 0);
      this.#unwrapped += delta;
      this.#lastTimestamp = f.timestamp;
      this.counters.framesReceived++;
      if (f.keyframe && codec.video) this.counters.keyFramesReceived++;
      this.track.deliverFrame({
        data: f.data, rtpTimestamp: f.timestamp, keyframe: f.keyframe, mimeType: codec.mimeType,
        timestamp: Math.round((this.#unwrapped * 1e6) / codec.codec.clockRate),
        ...(this.rid !== undefined ? { rid: this.rid } : {}),
      });
    }
  }
}

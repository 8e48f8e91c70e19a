/**
 * The media controller: after each negotiation it gives every transceiver its sending and
 * receiving RTP streams from the answer (codec, payload types, SSRCs, RTX, header extension ids);
 * it routes unprotected RTP by MID header extension, then SSRC (from `a=ssrc` or learned from a
 * packet that carried the MID), then payload type (RFC 8843 §9.2); it feeds RTCP to the streams
 * it is about and sends SR, RR, NACK, PLI and transport-cc feedback (`transport-feedback-sender.ts`)
 * on a timer. All RTP of the transport leaves through one pacer (`paced-sender.ts`).
 */
import {
  RtpError, SendSideBandwidthEstimator, getRtpExtension, parseRtcp, parseRtpPacket, parseSdesIdExtension, type RtcpPacket, type RtpPacket, type TransportCc,
} from '@x/rtp';
import { DropLog, layerLogger, type Logger } from '@x/base';
import { isRejected, type MediaSection, type SessionDescription } from '@x/sdp';
import { MediaReceiver } from './media-receiver.js';
import { MediaSender, type MediaSenderContext } from './media-sender.js';
import { PacedSender } from './paced-sender.js';
import type { TrackSink } from './media-stream-track.js';
import { extensionIds, sendCodec, rtxPayloadType, transportCcPayloadTypes, type ExtensionIds } from './rtp-codec.js';
import { TransportFeedbackSender } from './transport-feedback-sender.js';
import { TelephoneEventPlayout, telephoneEventCodec } from './dtmf-playout.js';
import { audioLevelExtensionIds } from './rtp-sources.js';
import type { RTCRtpSender, RTCRtpTransceiver } from './transceiver.js';

/** What the controller sends through and reads. */
export interface MediaTransport {
  sendRtp(packet: Uint8Array): boolean;
  sendRtcp(packet: Uint8Array): boolean;
  now(): number;
}

/** Demultiplexer counters of the media path. */
export interface MediaDemuxStats {
  /** RTP no transceiver claimed (unknown MID, SSRC and payload type). */
  unroutedRtp: number;
  /** RTP or RTCP that did not parse. */
  malformed: number;
}

const POLL_MS = 20;
const SR_INTERVAL_MS = 1000;

/** Media of all transceivers of one bundle. */
export class MediaController {
  /** Each transceiver's sending streams, one per encoding (simulcast layer). */
  readonly senders = new Map<RTCRtpTransceiver, MediaSender[]>();
  /** Each transceiver's receiving streams, one per remote simulcast rid (else one). */
  readonly receivers = new Map<RTCRtpTransceiver, MediaReceiver[]>();
  readonly stats: MediaDemuxStats = { unroutedRtp: 0, malformed: 0 };
  /** Transport-cc feedback this transport sends about the RTP it receives. */
  readonly transportFeedback = new TransportFeedbackSender();
  #byMid = new Map<string, MediaReceiver[]>();
  #bySsrc = new Map<number, MediaReceiver>();
  #byPt = new Map<number, MediaReceiver | null>();
  #midId: number | undefined;
  #ridId: number | undefined;
  #repairedRidId: number | undefined;
  #transportCcId: number | undefined;
  #feedbackReceived = 0;
  #timer: ReturnType<typeof setInterval> | undefined;
  #nextSr = 0;
  #ready = false;
  #closed = false;
  readonly #transportCc: TransportCc;
  readonly #ctx: MediaSenderContext;
  /** Handed to the RTP streams, which scope it `[rtp]` themselves. */
  readonly #rtpLogger: Logger | undefined;
  /** RTP and RTCP dropped by the router: the first of each kind said, then counted. */
  readonly #drops: DropLog;
  #pacedSender: PacedSender | undefined;
  readonly #pacing: boolean;
  /** SRTP is keyed: a pacer made from now on starts at once. */
  #pacerStarted = false;

  /**
   * `options.pacing: false` sends each packet as it is written (no pacer queue). `options.logger`
   * goes to every RTP stream and the bandwidth estimate (each scopes it `[rtp]`); without one they
   * log through `NODE_DEBUG=x-rtp`.
   */
  constructor(private readonly transport: MediaTransport, private readonly cname: string, options: { pacing?: boolean; logger?: Logger } = {}) {
    this.#rtpLogger = options.logger;
    this.#drops = new DropLog(layerLogger(options.logger, 'x-rtp'));
    this.#pacing = options.pacing ?? true;
    // The estimator and the pacer are made on first use: a connection with data channels only
    // (most of a server's) never sends RTP, and they are ~2 KB of it.
    const logger = options.logger;
    let estimator: SendSideBandwidthEstimator | undefined;
    this.#transportCc = {
      extensionId: 0,
      get estimator(): SendSideBandwidthEstimator {
        return (estimator ??= new SendSideBandwidthEstimator(logger !== undefined ? { logger } : {}));
      },
      sequence: { next: 1 },
      assignedOnSend: true,
    };
    this.#ctx = {
      sendRtp: (p, kind, onSent) => this.pacedSender.send(p, kind, onSent),
      sendRtcp: (p) => transport.sendRtcp(p),
      now: () => transport.now(),
      unixNow: () => Date.now(),
      transportCc: this.#transportCc,
      logger: options.logger,
    };
  }

  /** The transport's RTP egress: every sender's media and RTX, paced, numbered for transport-cc as it leaves (made on first use). */
  get pacedSender(): PacedSender {
    if (this.#pacedSender === undefined) {
      const paced = new PacedSender(this.transport, this.#transportCc, () => this.#transportCcId, () => this.availableOutgoingBitrate, this.#pacing);
      this.#pacedSender = paced;
      if (this.#closed) paced.close();
      else if (this.#pacerStarted) paced.start();
    }
    return this.#pacedSender;
  }

  /**
   * Offer and answer are applied: streams for every transceiver by its negotiated direction.
   * A sender keeps its stream (sequence numbers, history) while the codec stays the same.
   */
  configure(transceivers: readonly RTCRtpTransceiver[], local: SessionDescription, remote: SessionDescription, answeredBy: 'local' | 'remote'): void {
    if (this.#closed) return;
    const answer = answeredBy === 'local' ? local : remote;
    this.#byMid.clear();
    this.#byPt.clear();
    this.#midId = undefined;
    this.#ridId = undefined;
    this.#repairedRidId = undefined;
    this.#transportCcId = undefined;
    for (const t of transceivers) {
      const mid = t.mid;
      const a = mid === null ? undefined : answer.media.find((m) => m.mid === mid);
      const r = mid === null ? undefined : remote.media.find((m) => m.mid === mid);
      if (mid === null || a === undefined || r === undefined || isRejected(a) || t.stopped || t.stopping) {
        this.#detach(t);
        continue;
      }
      const ids = extensionIds(a);
      this.#midId ??= ids.mid;
      this.#ridId ??= ids.rid;
      this.#repairedRidId ??= ids.repairedRid;
      this.#transportCcId ??= ids.transportCc;
      const dir = t.currentDirection;
      this.#configureSender(t, mid, a, ids, dir === 'sendrecv' || dir === 'sendonly');
      this.#configureReceiver(t, mid, a, r, dir === 'sendrecv' || dir === 'recvonly');
    }
    this.transportFeedback.configure(this.#transportCcId);
    this.#maybeStart();
  }

  /**
   * The send-side bandwidth estimate (bits per second) once transport-cc feedback about our
   * packets has arrived; undefined before (candidate-pair `availableOutgoingBitrate`).
   */
  get availableOutgoingBitrate(): number | undefined {
    return this.#feedbackReceived > 0 ? this.#transportCc.estimator.targetBitrate : undefined;
  }

  /** SRTP is keyed: RTCP timers start. */
  srtpReady(): void {
    this.#ready = true;
    if (!this.#closed) {
      this.#pacerStarted = true;
      this.#pacedSender?.start();
    }
    this.#maybeStart();
  }

  /** An unprotected RTP or RTCP packet. Bad ones are counted and dropped. */
  receive(packet: Uint8Array, rtcp: boolean): void {
    if (this.#closed) return;
    if (rtcp) return this.#receiveRtcp(packet);
    if (packet.length < 12) {
      this.stats.malformed++;
      if (this.#drops.on) this.#drops.drop('malformed RTP', () => `RTP packet of ${packet.length} bytes dropped: shorter than its header`);
      return;
    }
    const pt = packet[1]! & 0x7f;
    const ssrc = ((packet[8]! << 24) | (packet[9]! << 16) | (packet[10]! << 8) | packet[11]!) >>> 0;
    let receiver: MediaReceiver | undefined;
    let parsed: RtpPacket | undefined;
    const midId = this.#midId;
    if (midId !== undefined && (packet[0]! & 0x10) !== 0) {
      try {
        parsed = parseRtpPacket(packet);
        const value = getRtpExtension(parsed, midId);
        const layers = value === undefined ? undefined : this.#byMid.get(parseSdesIdExtension(value));
        if (layers !== undefined && layers.length === 1 && layers[0]!.rid === undefined) {
          receiver = layers[0]!;
          // RFC 8843 §9.2: the MID binds the SSRC from now on.
          if (receiver.rtxSsrc !== ssrc) this.#bySsrc.set(ssrc, receiver);
        } else if (layers !== undefined) {
          receiver = this.#layer(layers, parsed, ssrc, pt);
          // RFC 8852 §4: MID and RID together bind the SSRC (media or RTX) to the layer.
          if (receiver !== undefined) this.#bySsrc.set(ssrc, receiver);
        }
      } catch (e) {
        if (!(e instanceof RtpError)) throw e;
        this.stats.malformed++;
        if (this.#drops.on) this.#drops.drop('malformed RTP', () => `RTP packet of ${packet.length} bytes dropped: ${e.code}: ${e.message}`);
        return;
      }
    }
    receiver ??= this.#bySsrc.get(ssrc) ?? this.#byPt.get(pt) ?? undefined;
    if (receiver === undefined) {
      this.stats.unroutedRtp++;
      if (this.#drops.on) this.#drops.drop('RTP for no transceiver', () => `RTP packet dropped: no transceiver for ${this.#unrouted(packet, parsed, ssrc, pt)}`);
      return;
    }
    const now = this.transport.now();
    if (this.transportFeedback.enabled && receiver.transportCcPayloadTypes.has(pt)) {
      this.transportFeedback.onRtp(packet, parsed, receiver.ssrc ?? ssrc, receiver.localSsrc, now);
    }
    receiver.receive(packet, ssrc, pt, now);
    for (const p of receiver.poll(now, this.#rtt())) this.transport.sendRtcp(p);
  }

  /** Stops timers; streams stay for the last stats. */
  close(): void {
    // The peer hears the streams end (RTCP BYE) before the transports go.
    for (const layers of this.senders.values()) for (const s of layers) s.goodbye();
    this.#closed = true;
    this.#pacedSender?.close();
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    for (const t of this.senders.keys()) t.sender.media = undefined;
  }

  /** What a packet no transceiver claimed carried (ssrc, payload type, mid and rid when present), for the log. */
  #unrouted(packet: Uint8Array, parsed: RtpPacket | undefined, ssrc: number, pt: number): string {
    let p = parsed;
    try {
      p ??= parseRtpPacket(packet);
    } catch {
      p = undefined;
    }
    const sdes = (id: number | undefined): string | undefined => {
      const v = id === undefined || p === undefined ? undefined : getRtpExtension(p, id);
      return v === undefined ? undefined : parseSdesIdExtension(v);
    };
    const mid = sdes(this.#midId);
    const rid = sdes(this.#repairedRidId) ?? sdes(this.#ridId);
    return `ssrc ${ssrc}, payload type ${pt}${mid === undefined ? '' : `, mid ${mid}`}${rid === undefined ? '' : `, rid ${rid}`}`
      + ` (known mids ${[...this.#byMid.keys()].join(', ') || 'none'})`;
  }

  /** The simulcast layer a packet is for, by rtp-stream-id or, for RTX, repaired-rtp-stream-id. */
  #layer(layers: MediaReceiver[], packet: RtpPacket, ssrc: number, pt: number): MediaReceiver | undefined {
    const sdes = (id: number | undefined): string | undefined => {
      const v = id === undefined ? undefined : getRtpExtension(packet, id);
      return v === undefined ? undefined : parseSdesIdExtension(v);
    };
    const repaired = sdes(this.#repairedRidId);
    const rid = repaired ?? sdes(this.#ridId);
    const r = rid === undefined ? undefined : layers.find((x) => x.rid === rid);
    if (r !== undefined && (repaired !== undefined || r.isRtxPayloadType(pt))) r.learnRtxSsrc(ssrc);
    return r;
  }

  /**
   * One send stream per encoding (its own SSRC and RTX SSRC; with simulcast its rid in the
   * rtp-stream-id extension). A stream is kept (sequence numbers, history) while its SSRC,
   * codec and mid stay.
   */
  #configureSender(t: RTCRtpTransceiver, mid: string, answer: MediaSection, ids: ExtensionIds, sending: boolean): void {
    const existing = this.senders.get(t) ?? [];
    if (!sending) {
      for (const s of existing) s.active = false;
      t.sender.media = undefined;
      return;
    }
    const codec = sendCodec(t.kind, answer);
    if (codec === undefined) {
      t.sender.media = undefined;
      return;
    }
    const encodings = t.sender.encodings;
    const simulcast = encodings.length > 1;
    const rtxPt = t.kind === 'video' ? rtxPayloadType(answer, codec.codec.payloadType) : undefined;
    const layers = encodings.map((e) => {
      const same = existing.find((s) => s.ssrc === e.ssrc && s.codec.codec.payloadType === codec.codec.payloadType && s.mid === mid);
      if (same !== undefined) {
        same.active = true;
        return same;
      }
      const rtx = rtxPt !== undefined ? { ssrc: e.rtxSsrc, payloadType: rtxPt } : undefined;
      const s = new MediaSender(e.ssrc, codec, mid, ids, rtx, this.cname, this.#ctx, simulcast ? e.rid : undefined);
      s.onKeyframeRequest = () => t.sender.track?.requestKeyframe();
      return s;
    });
    for (const s of existing) if (!layers.includes(s)) s.active = false;
    this.senders.set(t, layers);
    t.sender.media = encodingsSink(t.sender, layers);
    t.sender.dtmfPlayout = t.kind === 'audio' ? this.#telephoneEvents(layers[0]!, answer) : undefined;
  }

  /** DTMF for an audio sender when the answer has telephone-event (kept while the format stays). */
  #telephoneEvents(s: MediaSender, answer: MediaSection): TelephoneEventPlayout | undefined {
    const te = telephoneEventCodec(answer, s.audioClockRate);
    if (te === undefined) return (s.telephoneEvents = undefined);
    if (s.telephoneEvents?.payloadType !== te.payloadType || s.telephoneEvents.clockRate !== te.clockRate) {
      s.telephoneEvents = new TelephoneEventPlayout(te.payloadType, te.clockRate, s);
    }
    return s.telephoneEvents;
  }

  /** One receive stream, or with remote simulcast (a=simulcast:send in its section) one per rid. */
  #configureReceiver(t: RTCRtpTransceiver, mid: string, answer: MediaSection, remote: MediaSection, receiving: boolean): void {
    const existing = this.receivers.get(t) ?? [];
    if (!receiving) {
      for (const r of existing) this.#unroute(r);
      return;
    }
    const rids = (remote.simulcast?.send ?? []).map((alternatives) => alternatives[0]!.rid)
      .filter((rid) => remote.rids.some((r) => r.id === rid && r.direction === 'send'));
    const wanted: Array<string | undefined> = rids.length > 1 ? rids : [undefined];
    const list = wanted.map((rid) => existing.find((r) => r.rid === rid) ?? new MediaReceiver(t.kind, mid, t.receiver.track, answer.codecs, t.sender.ssrc, this.cname, rid));
    for (const r of existing) if (!list.includes(r)) this.#unroute(r);
    this.receivers.set(t, list);
    const tccPts = transportCcPayloadTypes(answer);
    t.receiver.rtpSources.ids = audioLevelExtensionIds(answer);
    for (const r of list) {
      r.logger = this.#rtpLogger;
      r.codecs = answer.codecs;
      r.transportCcPayloadTypes = tccPts;
      r.sources = t.receiver.rtpSources;
    }
    this.#byMid.set(mid, list);
    if (list.length > 1) return; // layers are learned from mid + rid (RFC 8852 §4)
    const r = list[0]!;
    // a=ssrc of the remote section: the media SSRC and, by a=ssrc-group:FID, its RTX SSRC.
    const fid = remote.ssrcGroups.find((g) => g.semantics === 'FID');
    if (fid !== undefined && fid.ssrcs.length >= 2) {
      this.#bySsrc.set(fid.ssrcs[0]!, r);
      this.#bySsrc.set(fid.ssrcs[1]!, r);
      r.rtxSsrc = fid.ssrcs[1]!;
    }
    for (const s of remote.ssrcs) if (!this.#bySsrc.has(s.ssrc)) this.#bySsrc.set(s.ssrc, r);
    // The payload type routes only when it is unique to one transceiver.
    for (const c of answer.codecs) this.#byPt.set(c.payloadType, this.#byPt.has(c.payloadType) ? null : r);
  }

  #detach(t: RTCRtpTransceiver): void {
    for (const s of this.senders.get(t) ?? []) s.active = false;
    t.sender.media = undefined;
    for (const r of this.receivers.get(t) ?? []) this.#unroute(r);
  }

  #unroute(r: MediaReceiver): void {
    for (const [k, v] of this.#bySsrc) if (v === r) this.#bySsrc.delete(k);
    for (const [k, v] of this.#byMid) if (v.includes(r)) this.#byMid.delete(k);
    for (const [k, v] of this.#byPt) if (v === r) this.#byPt.delete(k);
  }

  #receiveRtcp(packet: Uint8Array): void {
    let packets: RtcpPacket[];
    try {
      packets = parseRtcp(packet);
    } catch (e) {
      if (!(e instanceof RtpError)) throw e;
      this.stats.malformed++;
      if (this.#drops.on) this.#drops.drop('RTCP that does not parse', () => `RTCP packet of ${packet.length} bytes dropped: ${e.code}: ${e.message}`, 'warn');
      return;
    }
    const now = this.transport.now();
    for (const p of packets) if (p.type === 'twcc') this.#feedbackReceived++;
    for (const layers of this.senders.values()) for (const s of layers) s.receiveRtcp(packets);
    for (const layers of this.receivers.values()) for (const r of layers) r.receiveRtcp(packets, now);
  }

  #rtt(): number | undefined {
    for (const layers of this.senders.values()) for (const s of layers) if (s.stream.rttMs !== undefined) return s.stream.rttMs;
    return undefined;
  }

  #maybeStart(): void {
    if (this.#closed || !this.#ready || this.#timer !== undefined) return;
    if (this.senders.size === 0 && this.receivers.size === 0) return;
    this.#timer = setInterval(() => this.tick(), POLL_MS);
    this.#timer.unref();
  }

  /**
   * @internal One timer step (tests call it with a simulated clock): RR/NACK/PLI, transport-cc
   * feedback every 100 ms while packets arrive, SR once a second, and whatever the pacer lets go.
   */
  tick(): void {
    for (const layers of this.senders.values()) layers[0]?.telephoneEvents?.poll();
    this.#pacedSender?.poll();
    const now = this.transport.now();
    const rtt = this.#rtt();
    for (const layers of this.receivers.values()) for (const r of layers) for (const p of r.poll(now, rtt)) this.transport.sendRtcp(p);
    for (const p of this.transportFeedback.poll(now)) this.transport.sendRtcp(p);
    if (now >= this.#nextSr) {
      this.#nextSr = now + SR_INTERVAL_MS;
      for (const layers of this.senders.values()) for (const s of layers) if (s.active) s.senderReport();
    }
  }
}

/**
 * The track's sink for a sender's encodings: a frame or packet goes to the encoding its `rid`
 * names, else to every encoding, while that encoding is active (setParameters).
 */
function encodingsSink(sender: RTCRtpSender, layers: readonly MediaSender[]): TrackSink {
  return {
    frame: (data, init) => {
      for (let i = 0; i < layers.length; i++) {
        const l = layers[i]!;
        if ((init.rid === undefined || init.rid === l.rid) && sender.encodingActive(i)) l.frame(data, init);
      }
    },
    rtp: (packet, options) => {
      for (let i = 0; i < layers.length; i++) {
        const l = layers[i]!;
        if ((options?.rid === undefined || options.rid === l.rid) && sender.encodingActive(i)) l.rtp(packet);
      }
    },
    bye: () => {
      for (const l of layers) l.goodbye();
    },
  };
}

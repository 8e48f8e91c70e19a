/**
 * `RTCRtpTransceiver`, `RTCRtpSender` and `RTCRtpReceiver` (W3C WebRTC §5): the negotiation
 * side (mid, direction, currentDirection, tracks and streams). The media itself runs in the
 * {@link MediaController}, which attaches to senders and receivers after each negotiation.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { defaultAudioCapabilities, defaultVideoCapabilities, type CodecCapability, type Direction, type MediaCapabilities, type MediaSection } from '@x/sdp';
import { RTCDTMFSender, type DtmfPlayout } from './dtmf-sender.js';
import { domException } from './errors.js';
import { MediaStreamTrack, type MediaStream, type TrackSink } from './media-stream-track.js';
import {
  capabilitiesOf, checkSendParameters, codecParameters, headerExtensionParameters, initialEncodings, preferredCapabilities,
  type RTCRtpCapabilities, type RTCRtpCodec, type RTCRtpEncodingParameters, type RTCRtpReceiveParameters, type RTCRtpSendParameters,
} from './rtp-parameters.js';
import { RTCStatsReport } from './stats-report.js';
import { RtpSources, highResNow, type RTCRtpContributingSource, type RTCRtpSynchronizationSource } from './rtp-sources.js';
import type { RTCDtlsTransport } from './transports.js';

/** What a transceiver takes from its connection. */
export interface TransceiverContext {
  /** CNAME of the connection's RTP (rtcp.cname of the parameters). */
  cname: string;
  /** The connection's codecs and header extensions for this kind. */
  capabilities: MediaCapabilities;
  /** The stats selection algorithm (W3C §8.5) for a sender or receiver of the connection. */
  stats?: (selector: RTCRtpSender | RTCRtpReceiver) => Promise<RTCStatsReport>;
  /** The connection's operations chain (replaceTrack runs on it). */
  chain?: <T>(operation: () => Promise<T>) => Promise<T>;
  /** Whether the connection is closed (stop() of a transceiver it no longer lists still throws). */
  closed?: () => boolean;
}

// What the spec does "in parallel" settles in a later task.
const nextTask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The codecs and header extensions of the answer's section for this transceiver. */
export interface NegotiatedSection {
  section: MediaSection;
}

const randomSsrc = (): number => randomBytes(4).readUInt32BE(0) || 1;

function staticCapabilities(kind: string): RTCRtpCapabilities | null {
  if (kind === 'audio') return capabilitiesOf('audio', defaultAudioCapabilities());
  if (kind === 'video') return capabilitiesOf('video', defaultVideoCapabilities());
  return null;
}

function rtpParameters(kind: string, cname: string | undefined, n: NegotiatedSection | undefined): RTCRtpReceiveParameters {
  const reducedSize = n?.section.rtcpRsize ?? false;
  return {
    codecs: (n?.section.codecs ?? []).map((c) => codecParameters(kind, c)),
    headerExtensions: headerExtensionParameters(n?.section.extmaps ?? []),
    // A receiver's rtcp.cname is left out (W3C §5.3 getParameters); a sender's is ours.
    rtcp: cname === undefined ? { reducedSize } : { cname, reducedSize },
  };
}

/** `RTCRtpTransceiverDirection`. */
export type RTCRtpTransceiverDirection = Direction | 'stopped';

const DIRECTIONS: ReadonlySet<string> = new Set(['sendrecv', 'sendonly', 'recvonly', 'inactive']);

/** Throws the WebIDL TypeError for an invalid direction. */
export function checkDirection(d: unknown): asserts d is RTCRtpTransceiverDirection {
  if (typeof d !== 'string' || !(DIRECTIONS.has(d) || d === 'stopped')) {
    throw new TypeError(`'${String(d)}' is not a valid value for enumeration RTCRtpTransceiverDirection`);
  }
}

/** Sends a track: the frames or RTP packets written into it go out as SRTP with the negotiated SSRC, payload type and header extensions. */
export class RTCRtpSender {
  #track: MediaStreamTrack | null = null;
  /** @internal Where the track's media goes once negotiated (set by the media controller). */
  media: TrackSink | undefined;
  // A stopping transceiver keeps its track (W3C §5.4 stop) but sends nothing more.
  readonly #sink: TrackSink = {
    frame: (d, i) => { if (!this.isStopping()) this.media?.frame(d, i); },
    rtp: (p, o) => { if (!this.isStopping()) this.media?.rtp(p, o); },
  };
  /** The DTLS transport media goes over, once negotiated. */
  transport: RTCDtlsTransport | null = null;
  /** DTMF (webrtc-pc §7) for an audio sender; null for video. */
  dtmf: RTCDTMFSender | null = null;
  /** @internal Where DTMF tones are played: set by the media controller when telephone-event is negotiated and the stream sends. */
  dtmfPlayout: DtmfPlayout | undefined;
  /** @internal Stream ids for a=msid. */
  streamIds: string[];
  /** @internal The stream ids its a=msid lines name: each stream once, `-` for none (RFC 8830, W3C §5.2 setStreams). */
  get msidStreamIds(): string[] {
    return this.streamIds.length === 0 ? ['-'] : [...new Set(this.streamIds)];
  }
  /** @internal SSRC for a=ssrc. */
  readonly ssrc: number;
  /** @internal SSRC of the RTX stream (RFC 4588), announced with a=ssrc-group:FID. */
  readonly rtxSsrc: number;
  /** @internal The kind of the transceiver. */
  readonly kind: 'audio' | 'video';
  /** @internal Set by the transceiver. */
  onTrackChange: (() => void) | undefined;
  /** @internal The answer's section, once negotiated. */
  negotiated: NegotiatedSection | undefined;
  /** @internal Whether the transceiver is stopping (setParameters rejects). */
  isStopping: () => boolean = () => false;
  /** @internal Whether the connection is closed (setStreams throws). */
  isClosed: () => boolean = () => false;
  #encodings: RTCRtpEncodingParameters[];
  /** @internal SSRC and RTX SSRC of each encoding, in encoding order (the first is {@link ssrc}). */
  readonly layerSsrcs: Array<{ ssrc: number; rtxSsrc: number }>;
  #lastReturned: RTCRtpSendParameters | undefined;
  readonly #cname: string;
  readonly #stats: TransceiverContext['stats'];
  readonly #chain: TransceiverContext['chain'];

  /** @internal */
  constructor(kind: 'audio' | 'video', track: MediaStreamTrack | null, streamIds: string[], context?: TransceiverContext, sendEncodings?: RTCRtpEncodingParameters[]) {
    this.kind = kind;
    this.#stats = context?.stats;
    this.#chain = context?.chain;
    this.track = track;
    this.rtxSsrc = randomBytes(4).readUInt32BE(0) || 2;
    this.streamIds = streamIds;
    this.ssrc = randomSsrc();
    this.#cname = context?.cname ?? '';
    this.#encodings = initialEncodings(kind, sendEncodings);
    this.layerSsrcs = this.#encodings.map((_, i) => (i === 0 ? { ssrc: this.ssrc, rtxSsrc: this.rtxSsrc } : { ssrc: randomSsrc(), rtxSsrc: randomSsrc() }));
  }

  /**
   * The codecs and header extensions a sender of this kind can use (W3C §5.2 getCapabilities); null
   * for another kind. Static, so it lists the default codecs; a factory with its own codec list
   * checks setCodecPreferences against that list.
   */
  static getCapabilities(kind: string): RTCRtpCapabilities | null {
    return staticCapabilities(kind);
  }

  /** @internal The encodings now (a copy), with their SSRCs. */
  get encodings(): ReadonlyArray<RTCRtpEncodingParameters & { ssrc: number; rtxSsrc: number }> {
    return this.#encodings.map((e, i) => ({ ...e, ...this.layerSsrcs[i]! }));
  }

  /** @internal Whether the encoding at `index` is active (setParameters). */
  encodingActive(index: number): boolean {
    return this.#encodings[index]?.active !== false;
  }

  /** @internal Simulcast: the rids in use (empty for a single encoding). */
  get rids(): string[] {
    return this.#encodings.flatMap((e) => (e.rid === undefined ? [] : [e.rid]));
  }

  /**
   * @internal A remote offer asks to receive simulcast with these rids, and this sender was never
   * negotiated: its encodings become one per rid, in the offer's order (W3C §4.4.1.6).
   */
  useOfferedRids(rids: readonly string[]): void {
    this.#encodings = initialEncodings(this.kind, rids.map((rid) => ({ rid })));
    this.layerSsrcs.splice(0, this.layerSsrcs.length, ...this.#encodings.map((_, i) => (i === 0 ? { ssrc: this.ssrc, rtxSsrc: this.rtxSsrc } : { ssrc: randomSsrc(), rtxSsrc: randomSsrc() })));
  }

  /**
   * @internal The answer kept only these rids (RFC 8853 §5.3; W3C §4.4.1.6 step "remove encodings"):
   * the others go; without simulcast only the first encoding stays, without its rid.
   */
  keepRids(rids: readonly string[] | undefined): void {
    if (this.#encodings.length <= 1) return;
    const keep = rids === undefined ? [0] : this.#encodings.flatMap((e, i) => (e.rid !== undefined && rids.includes(e.rid) ? [i] : []));
    if (keep.length === 0) keep.push(0);
    const encodings = keep.map((i) => this.#encodings[i]!);
    const layers = keep.map((i) => this.layerSsrcs[i]!);
    if (encodings.length === 1) delete encodings[0]!.rid;
    this.#encodings = encodings;
    this.layerSsrcs.splice(0, this.layerSsrcs.length, ...layers);
  }

  /**
   * The parameters now (W3C §5.2 getParameters): a fresh transactionId, the encodings, and the
   * negotiated codecs, header extensions and RTCP settings (empty before negotiation). Give them,
   * changed, to {@link setParameters} before the current task ends.
   */
  getParameters(): RTCRtpSendParameters {
    const p: RTCRtpSendParameters = {
      transactionId: randomUUID(),
      encodings: this.#encodings.map((e) => ({ ...e })),
      ...rtpParameters(this.kind, this.#cname, this.negotiated),
    };
    this.#lastReturned = structuredClone(p);
    // The transaction ends with the task (W3C: "queue a task that sets [[LastReturnedParameters]] to null").
    setImmediate(() => {
      if (this.#lastReturned?.transactionId === p.transactionId) this.#lastReturned = undefined;
    });
    return p;
  }

  /**
   * Changes the encodings (W3C §5.2 setParameters): `active` starts or stops sending an encoding
   * at once; maxBitrate, maxFramerate, scaleResolutionDownBy and priority are kept for the
   * application's encoder (read back with getParameters). InvalidStateError when stopping or
   * without a getParameters() in this task, InvalidModificationError for a stale transactionId,
   * another number of encodings or a read-only change, RangeError for a bad value.
   */
  async setParameters(parameters: RTCRtpSendParameters): Promise<void> {
    if (this.isStopping()) throw domException('InvalidStateError', 'the transceiver is stopping or stopped');
    const last = this.#lastReturned;
    if (last === undefined) throw domException('InvalidStateError', 'call getParameters() first, in the same task');
    const encodings = checkSendParameters(this.kind, last, parameters);
    this.#lastReturned = undefined;
    this.#encodings = encodings;
    // The media stack is configured in parallel; the promise settles in a task after (not chained).
    await nextTask();
  }

  /** The track sent, or null. (Assigned internally by addTrack, removeTrack, replaceTrack and stop.) */
  get track(): MediaStreamTrack | null {
    return this.#track;
  }
  set track(t: MediaStreamTrack | null) {
    this.#track?.removeSink(this.#sink);
    this.#track = t;
    t?.addSink(this.#sink);
  }

  /**
   * Replaces the track without renegotiation (same kind): the new track's frames go out on the
   * same SSRC. W3C §5.2: InvalidStateError once closed or stopping, TypeError for another kind;
   * then an operation on the connection's chain that sets the track in a task after it runs.
   */
  async replaceTrack(track: MediaStreamTrack | null): Promise<void> {
    if (this.isClosed() || this.isStopping()) throw domException('InvalidStateError', 'replaceTrack: the connection is closed or the transceiver stopping');
    if (track !== null && track.kind !== this.kind) throw new TypeError(`a ${track.kind} track cannot replace a ${this.kind} one`);
    const operation = async (): Promise<void> => {
      if (this.isStopping()) throw domException('InvalidStateError', 'replaceTrack: the transceiver is stopping');
      await nextTask();
      if (!this.isClosed()) this.track = track;
    };
    return this.#chain !== undefined ? this.#chain(operation) : operation();
  }

  /**
   * Stats of what this sender sends (W3C §5.2 getStats, §8.5 selection): its outbound-rtp stats,
   * one per encoding once it has sent, and everything they reference (media-source, codec,
   * remote-inbound-rtp, transport, selected candidate pair and its candidates, certificates).
   * Empty before anything was sent.
   */
  async getStats(): Promise<RTCStatsReport> {
    return this.#stats?.(this) ?? new RTCStatsReport();
  }

  /**
   * Sets the streams of a=msid (one line per stream, none with no stream); negotiation is needed
   * (W3C §5.2: InvalidStateError once the connection is closed).
   */
  setStreams(...streams: MediaStream[]): void {
    if (this.isClosed()) throw domException('InvalidStateError', 'setStreams: the RTCPeerConnection is closed');
    this.streamIds = streams.map((s) => s.id);
    this.onTrackChange?.();
  }
}

/** Receives a track: its `track` is the sink of what arrives (see {@link MediaStreamTrack.onFrame}). */
export class RTCRtpReceiver {
  /** Always present; muted until media flows. */
  readonly track: MediaStreamTrack;
  /** The DTLS transport media comes over, once negotiated. */
  transport: RTCDtlsTransport | null = null;
  /** @internal The answer's section, once negotiated. */
  negotiated: NegotiatedSection | undefined;
  /** @internal The sources of the RTP received (fed by the media receiver). */
  readonly rtpSources = new RtpSources();
  readonly #stats: TransceiverContext['stats'];
  /** @internal */
  constructor(kind: 'audio' | 'video', context?: TransceiverContext) {
    this.track = new MediaStreamTrack(kind, { muted: true, label: `remote ${kind}` });
    this.track.markRemote();
    this.#stats = context?.stats;
  }

  /**
   * Stats of what this receiver receives (W3C §5.3 getStats, §8.5 selection): its inbound-rtp
   * stats once a packet came, and everything they reference (codec, remote-outbound-rtp,
   * transport, selected candidate pair and its candidates, certificates). Empty before.
   */
  async getStats(): Promise<RTCStatsReport> {
    return this.#stats?.(this) ?? new RTCStatsReport();
  }

  /** The codecs and header extensions a receiver of this kind can take (W3C §5.3 getCapabilities); null for another kind. */
  static getCapabilities(kind: string): RTCRtpCapabilities | null {
    return staticCapabilities(kind);
  }

  /** The negotiated codecs, header extensions and RTCP settings (W3C §5.3 getParameters); empty before negotiation. */
  getParameters(): RTCRtpReceiveParameters {
    return rtpParameters(this.track.kind, undefined, this.negotiated);
  }

  /**
   * The SSRCs of the RTP received in the last 10 s (webrtc-pc §5.3), the most recent first: when
   * the latest packet of each arrived, its RTP timestamp and, when the ssrc-audio-level extension
   * (RFC 6464) was negotiated and present, its level as linear 0..1.
   */
  getSynchronizationSources(): RTCRtpSynchronizationSource[] {
    return this.rtpSources.synchronizationSources(highResNow());
  }

  /** The CSRCs of the RTP received in the last 10 s (webrtc-pc §5.3), with RFC 6465 levels when negotiated. */
  getContributingSources(): RTCRtpContributingSource[] {
    return this.rtpSources.contributingSources(highResNow());
  }
}

/** @internal A transceiver as it was when the connection was last stable. */
export interface LastStableState {
  /** The sender's and the receiver's transport (the bundle's, or null). */
  transport: RTCDtlsTransport | null;
  remoteStreamIds: string[];
  receptive: boolean;
}

/** A sender and a receiver sharing an m= section (a mid). */
export class RTCRtpTransceiver {
  /** The sender. */
  readonly sender: RTCRtpSender;
  /** The receiver. */
  readonly receiver: RTCRtpReceiver;
  /** @internal The media kind. */
  readonly kind: 'audio' | 'video';
  /** @internal Made by addTrack (may be reused for a remote offer's section). */
  readonly fromAddTrack: boolean;
  #mid: string | null = null;
  #direction: RTCRtpTransceiverDirection;
  #currentDirection: RTCRtpTransceiverDirection | null = null;
  #stopping = false;
  #stopped = false;
  /** The connection closed: stop() throws InvalidStateError. */
  #closed = false;
  /** @internal Called when a change needs negotiation. */
  onNegotiationNeeded: (() => void) | undefined;
  /** @internal Whether the receiver's track was announced in a `track` event and not yet ended. */
  receptive = false;
  /** @internal The sender was negotiated to send at least once (addTrack may not reuse it). */
  everSent = false;
  /** @internal Remote stream ids from a=msid. */
  remoteStreamIds: string[] = [];
  /** @internal addTrack attached a track to it (made by addTrack, or reused by it): a rollback keeps it. */
  addTrackAttached: boolean;
  /**
   * @internal What a rollback restores (W3C §4.4.1.6, the [[LastStableState…]] slots): the
   * transports, remote streams and receptiveness when the connection was last stable.
   */
  lastStable: LastStableState = { transport: null, remoteStreamIds: [], receptive: false };
  /** @internal The id of the msid track, stable across offers. */
  readonly trackId = randomUUID();
  /** @internal setCodecPreferences: the local codecs offers and answers use, in order; undefined for all. */
  codecPreferences: CodecCapability[] | undefined;
  readonly #capabilities: MediaCapabilities | undefined;
  readonly #connectionClosed: () => boolean;

  /** @internal */
  constructor(
    kind: 'audio' | 'video', direction: RTCRtpTransceiverDirection, track: MediaStreamTrack | null, streamIds: string[], fromAddTrack: boolean,
    context?: TransceiverContext, sendEncodings?: RTCRtpEncodingParameters[],
  ) {
    this.kind = kind;
    this.#direction = direction;
    this.sender = new RTCRtpSender(kind, track, streamIds, context, sendEncodings);
    this.receiver = new RTCRtpReceiver(kind, context);
    this.fromAddTrack = fromAddTrack;
    this.addTrackAttached = fromAddTrack;
    this.#capabilities = context?.capabilities;
    this.#connectionClosed = context?.closed ?? (() => false);
    this.sender.onTrackChange = () => this.onNegotiationNeeded?.();
    this.sender.isStopping = () => this.#stopping;
    this.sender.isClosed = () => this.#closed;
    if (kind === 'audio') {
      this.sender.dtmf = new RTCDTMFSender({
        stopping: () => this.#stopping,
        sending: () => this.#currentDirection === 'sendrecv' || this.#currentDirection === 'sendonly',
        playout: () => this.sender.dtmfPlayout,
      });
    }
  }

  /**
   * Orders (and limits) the codecs of this transceiver's m= section in the next offers and answers
   * (W3C §5.4). An empty list goes back to all codecs. InvalidModificationError for a codec that
   * is not in `RTCRtpReceiver.getCapabilities(kind)` (mimeType, clockRate, channels and
   * sdpFmtpLine must match) or for a list of repair formats alone. RTX is offered only when
   * `video/rtx` is in the list.
   */
  setCodecPreferences(codecs: RTCRtpCodec[]): void {
    const caps = this.#capabilities ?? (this.kind === 'audio' ? defaultAudioCapabilities() : defaultVideoCapabilities());
    this.codecPreferences = preferredCapabilities(this.kind, caps, codecs);
  }

  /** @internal The capabilities offers and answers of this transceiver use (preferences applied). */
  localCapabilities(all: MediaCapabilities): MediaCapabilities {
    return this.codecPreferences === undefined ? all : { codecs: this.codecPreferences, headerExtensions: all.headerExtensions };
  }

  /** The mid once negotiated (set when a description with it is applied), else null. */
  get mid(): string | null {
    return this.#mid;
  }
  /** The preferred direction; changing it makes negotiation needed. */
  get direction(): RTCRtpTransceiverDirection {
    return this.#direction;
  }
  set direction(d: RTCRtpTransceiverDirection) {
    checkDirection(d);
    if (this.#stopping) throw domException('InvalidStateError', 'the transceiver is stopping or stopped');
    if (d === 'stopped') throw new TypeError("direction cannot be set to 'stopped'");
    if (d === this.#direction) return;
    this.#direction = d;
    this.onNegotiationNeeded?.();
  }
  /** The negotiated direction, null before negotiation. */
  get currentDirection(): RTCRtpTransceiverDirection | null {
    return this.#currentDirection;
  }
  /** @internal Stopping or stopped. */
  get stopping(): boolean {
    return this.#stopping;
  }
  /** @internal Stopped for good (negotiated as rejected). */
  get stopped(): boolean {
    return this.#stopped;
  }

  /**
   * Stops the transceiver; the next negotiation rejects its m= section (W3C §5.4):
   * InvalidStateError once the connection is closed.
   */
  stop(): void {
    if (this.#closed || this.#connectionClosed()) throw domException('InvalidStateError', 'stop: the RTCPeerConnection is closed');
    if (this.#stopping) return;
    this.#stopping = true;
    // "Stop sending media with sender": the sink drops what the track writes; sender.track stays.
    // The peer hears it at once (RTCP BYE), not at the next negotiation.
    this.sender.media?.bye?.();
    this.sender.dtmf?.stop();
    this.#endReceiverTrack();
    this.#direction = 'stopped';
    this.onNegotiationNeeded?.();
  }

  /** "Stop receiving media": the receiver's track ends in a task of its own (W3C §5.4.1), after the caller's step. */
  #endReceiverTrack(): void {
    const track = this.receiver.track;
    setImmediate(() => track.end());
  }

  /** @internal */
  setMid(mid: string | null): void {
    this.#mid = mid;
  }
  /** @internal */
  setCurrentDirection(d: RTCRtpTransceiverDirection | null): void {
    this.#currentDirection = d;
  }
  /**
   * @internal A remote offer rejected the section (W3C §4.4.1.6: "stop the RTCRtpTransceiver"):
   * stopping and not sending, direction and currentDirection `stopped`, the receiver's track
   * ended (in a task); our answer rejects the section too, which takes it out of the set.
   */
  stopByRemote(): void {
    if (this.#stopping) return;
    this.#stopping = true;
    this.#direction = 'stopped';
    this.#currentDirection = 'stopped';
    this.sender.dtmf?.stop();
    this.#endReceiverTrack();
  }
  /** @internal The state a rollback goes back to is now. */
  markStable(): void {
    this.lastStable = { transport: this.sender.transport, remoteStreamIds: this.remoteStreamIds, receptive: this.receptive };
  }
  /** @internal Negotiated as rejected, or stopped and negotiated; `closed` when the connection closed. */
  markStopped(closed = false): void {
    this.#stopping = true;
    this.#stopped = true;
    this.#direction = 'stopped';
    this.#currentDirection = 'stopped';
    this.sender.dtmf?.stop();
    if (closed) {
      // close(): the tracks end at once, and the transceivers keep their mids.
      this.#closed = true;
      this.receiver.track.end();
      return;
    }
    // Negotiated as stopped: disassociated from its section (no mid), its track ended in a task.
    this.#mid = null;
    this.#endReceiverTrack();
  }
  /** @internal Direction written in an SDP section. */
  get sdpDirection(): Direction {
    return this.#direction === 'stopped' ? 'inactive' : this.#direction;
  }
}

/**
 * W3C `RTCPeerConnection` (WebRTC 1.0 §4): the facade. It owns the operations chain, the
 * signaling state machine and the descriptions; offers and answers come from `jsep.ts`, data
 * channels from the {@link DataChannelController}, transports from the {@link TransportController}.
 */
import type { IceCandidate, SessionDescription } from '@x/sdp';
import type { Logger } from '@x/base';
import { generateRtcCertificate, type AlgorithmIdentifier, type RTCCertificate } from './certificate.js';
import { checkConfigurationChange, copyConfiguration, resolveConfiguration, type RTCConfiguration, type ResolvedConfiguration } from './configuration.js';
import type { RTCDataChannel, RTCDataChannelInit } from './data-channel.js';
import { DataChannelController, validateDataChannelInit } from './data-channel-controller.js';
import { peerConnectionState, type RTCPeerConnectionState } from './connection-state.js';
import { ConnectionLogs, nextConnectionId } from './connection-log.js';
import { closedError, domException } from './errors.js';
import { RTCPeerConnectionEventHandlers } from './peer-connection-events.js';
import { NegotiationNeededFlag } from './negotiation-needed.js';
import { TransceiverSet } from './transceiver-set.js';
import { RTCDataChannelEvent, RTCPeerConnectionIceErrorEvent, RTCPeerConnectionIceEvent, RTCTrackEvent } from './events.js';
import { resolveDependencies, type PeerConnectionDependencies } from './factory.js';
import { RTCIceCandidate, type LocalCandidateOrigin, type RTCIceCandidateInit } from './ice-candidate.js';
import { MediaStream, MediaStreamTrack } from './media-stream-track.js';
import { bundleTransport, dataSection, transportSection } from './negotiation.js';
import { OfferAnswer } from './offer-answer.js';
import { OperationsChain } from './operations-chain.js';
import { applyOfferToReceive } from './legacy-offer-options.js';
import { legacyCall, type RTCPeerConnectionErrorCallback, type RTCSessionDescriptionCallback, type RTCVoidCallback } from './legacy-callbacks.js';
import { RTCSessionDescription, checkSdpType, type RTCLocalSessionDescriptionInit, type RTCSdpType, type RTCSessionDescriptionInit } from './session-description.js';
import type { RTCSignalingState } from './signaling-state.js';
import { SessionDescriptions, type RTCOfferOptions } from './session-descriptions.js';
import { RTCStatsCollector, type CollectOptions } from './stats.js';
import { RTCStatsReport } from './stats-report.js';
import { initialEncodings, type RTCRtpEncodingParameters } from './rtp-parameters.js';
import { RTCRtpTransceiver, checkDirection, type RTCRtpReceiver, type RTCRtpSender, type RTCRtpTransceiverDirection } from './transceiver.js';
import { TransportController } from './transport-controller.js';
import { MediaController } from './media-controller.js';
import { RTCDtlsTransport, RTCIceTransport, RTCSctpTransport } from './transports.js';

/** `RTCIceGatheringState`. */
export type RTCIceGatheringState = 'new' | 'gathering' | 'complete';
/** `RTCIceConnectionState`. */
export type RTCIceConnectionState = 'new' | 'checking' | 'connected' | 'completed' | 'disconnected' | 'failed' | 'closed';

/** addTransceiver options. */
export interface RTCRtpTransceiverInit {
  direction?: RTCRtpTransceiverDirection;
  streams?: MediaStream[];
  /** Encodings; several with rids make a simulcast sender (RFC 8853). */
  sendEncodings?: RTCRtpEncodingParameters[];
}

const queueTask = (fn: () => void): void => void setImmediate(fn);
/**
 * Resolves in a new task. A description is applied, its attributes set and its events fired in a
 * task queued after the call (W3C §4.4.1.5 "set the description", step 4.3), and the promise is
 * resolved in that same task: the attributes do not change while the caller's code still runs.
 */
const nextTask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export type { RTCOfferOptions } from './session-descriptions.js';

/** A WebRTC connection to a peer. */
export class RTCPeerConnection extends RTCPeerConnectionEventHandlers {
  #deps: PeerConnectionDependencies;
  #config: ResolvedConfiguration;
  #certificate: RTCCertificate;
  #chain: OperationsChain;
  #closed = false;
  #gathering: RTCIceGatheringState = 'new';
  #iceState: RTCIceConnectionState = 'new';
  #connState: RTCPeerConnectionState = 'new';
  readonly #nn: NegotiationNeededFlag;
  readonly #desc: SessionDescriptions;
  readonly #tset: TransceiverSet;
  readonly #jsep: OfferAnswer;
  readonly #channels: DataChannelController;
  readonly #transport: TransportController;
  readonly #iceTransport: RTCIceTransport;
  readonly #dtlsTransport: RTCDtlsTransport;
  #sctpTransport: RTCSctpTransport | undefined;
  readonly #stats: RTCStatsCollector;
  readonly #log: Logger;
  readonly #logs: ConnectionLogs;
  #media!: MediaController;

  /**
   * `new RTCPeerConnection(configuration)`; `null` or nothing is the empty configuration, as in
   * browsers (WebIDL). The second argument is how a {@link PeerConnectionFactory} passes its
   * dependencies; leave it out for the default factory.
   */
  constructor(configuration: RTCConfiguration | null = {}, dependencies?: Partial<PeerConnectionDependencies>) {
    super();
    this.#deps = resolveDependencies(dependencies);
    this.#logs = new ConnectionLogs(nextConnectionId(), this.#deps.logger);
    this.#log = this.#logs.pc;
    this.#config = resolveConfiguration(configuration);
    this.#log.debug(`created: bundlePolicy ${this.#config.bundlePolicy}, ${this.#config.iceServers.length} ICE server(s), iceTransportPolicy ${this.#config.iceTransportPolicy}`);
    this.#certificate = this.#config.certificates[0] ?? this.#deps.certificateGenerator();
    this.#chain = new OperationsChain(() => this.#nn.chainEmptied(), () => closedError('operation'));
    this.#nn = new NegotiationNeededFlag({
      isClosed: () => this.#closed,
      chainLength: () => this.#chain.length,
      isStable: () => this.#desc.signaling === 'stable',
      check: () => this.#desc.isNegotiationNeeded(),
      fire: () => this.fire('negotiationneeded'),
    });
    this.#tset = new TransceiverSet(() => this.#changed(), (kind) => ({
      cname: this.#jsep.cname, capabilities: this.#deps.codecs[kind],
      chain: (operation) => this.#chain.chain(operation), closed: () => this.#closed,
      // Stats are gathered "in parallel": the promise settles in a later task.
      stats: async (selector) => nextTask().then(() => this.#selectedStats(selector)),
    }));
    this.#channels = new DataChannelController((ch) => this.dispatchEvent(new RTCDataChannelEvent('datachannel', { channel: ch })), this.#log);
    this.#transport = new TransportController(this.#deps, () => this.#config, this.#certificate, {
      candidate: (c, ufrag, origin) => this.#onLocalCandidate(c, ufrag, origin),
      // Queued with the candidates, so every candidate event comes before `complete`.
      gatheringState: (s) => {
        const generation = this.#transport.generation;
        queueTask(() => {
          if (this.#closed || generation !== this.#transport.generation) return;
          // The local description says a=end-of-candidates by the time gathering is complete.
          if (s === 'complete') this.#desc.localCandidate(null, this.#transport.localIce.usernameFragment);
          this.#iceTransport.setGatheringState(s);
          this.#setGathering(s);
        });
      },
      iceState: (s) => {
        if (this.#closed) return;
        this.#iceTransport.setState(s);
        this.#setIceState(s);
      },
      dtlsState: (s, error) => {
        if (this.#closed) return;
        this.#dtlsTransport.setState(s, true, error && { ...error, fingerprint: error.code === 'fingerprint-mismatch' });
        this.#updateConnectionState();
      },
      selectedPair: (p) => this.#iceTransport.selectedPairChanged(p),
      // Queued with the candidates, before gathering completes (W3C §4.8.3).
      candidateError: (e) => queueTask(() => {
        if (!this.#closed) this.dispatchEvent(new RTCPeerConnectionIceErrorEvent('icecandidateerror', e));
      }),
      media: (p, rtcp) => this.#media.receive(p, rtcp),
      srtpReady: () => this.#media.srtpReady(),
      sctp: (sctp) => {
        this.#channels.attach(sctp);
        sctp.on('statechange', (st) => st === 'established' && this.#sctpTransport?.setState('connected', true, sctp.association.outboundStreams));
        sctp.on('close', () => this.#sctpTransport?.setState('closed', !this.#closed));
      },
    }, this.#logs);
    this.#iceTransport = new RTCIceTransport(this.#transport, () => {
      const d = this.#desc.pendingLocal ?? this.#desc.currentLocal;
      return (d === undefined ? undefined : transportSection(d.applied.model)?.section.mid) ?? '0';
    });
    this.#dtlsTransport = new RTCDtlsTransport(this.#transport, this.#iceTransport);
    this.#jsep = new OfferAnswer({
      transport: this.#transport,
      certificates: this.#config.certificates.length > 0 ? this.#config.certificates : [this.#certificate],
      deps: this.#deps,
      bundlePolicy: () => this.#config.bundlePolicy,
      transceivers: this.#tset.list,
    });
    this.#media = new MediaController(
      { sendRtp: (p) => this.#transport.sendRtp(p), sendRtcp: (p) => this.#transport.sendRtcp(p), now: this.#deps.clock },
      this.#jsep.cname,
      { pacing: this.#deps.pacing, logger: this.#logs.forLayer('x-rtp') },
    );
    this.#desc = new SessionDescriptions({
      closed: () => this.#closed,
      bundlePolicy: () => this.#config.bundlePolicy,
      jsep: this.#jsep,
      tset: this.#tset,
      transport: this.#transport,
      channels: this.#channels,
      media: () => this.#media,
      nn: () => this.#nn,
      signalingChanged: () => this.fire('signalingstatechange'),
      track: (t, streams) => this.dispatchEvent(new RTCTrackEvent('track', { receiver: t.receiver, track: t.receiver.track, streams, transceiver: t })),
      transportsApplied: (model, type, side) => this.#transportsApplied(model, type, side),
      discardTransport: () => {
        this.#transport.discard();
        // The states are `new` at once; the events come in a task of their own, after the
        // operation's promise settled, as those of an ICE agent do.
        const gatheringChanged = this.#gathering !== 'new';
        this.#gathering = 'new';
        queueTask(() => {
          this.#iceTransport.setGatheringState('new');
          if (gatheringChanged && !this.#closed) this.fire('icegatheringstatechange');
          this.#iceTransport.setState('new');
          this.#setIceState('new');
        });
      },
    });
    this.#stats = new RTCStatsCollector(() => ({
      media: this.#media,
      transport: this.#transport,
      channels: this.#channels,
      certificate: this.#certificate,
      remoteCertificate: this.#transport.dtls?.remoteCertificate,
      transceivers: this.#tset.list,
    }));
  }

  /** RTCPeerConnection.generateCertificate (W3C §4.9). */
  static async generateCertificate(keygenAlgorithm: AlgorithmIdentifier): Promise<RTCCertificate> {
    return generateRtcCertificate(keygenAlgorithm);
  }

  // ───────────── attributes ─────────────

  /**
   * Not in the W3C API: the id this connection's log lines carry (`pc1`, `pc2`, … in the order the
   * process made connections): `[pc2 ice] …` with a factory logger, `X-ICE 1234: [pc2] …` with
   * `NODE_DEBUG`. The first `x-pc` line of a connection says it, with its configuration.
   */
  get logId(): string {
    return this.#logs.id;
  }

  /** Where the offer/answer exchange is (W3C §4.3.1). */
  get signalingState(): RTCSignalingState {
    return this.#desc.signaling;
  }
  /** new, gathering or complete. */
  get iceGatheringState(): RTCIceGatheringState {
    return this.#gathering;
  }
  /** The ICE transport's state. */
  get iceConnectionState(): RTCIceConnectionState {
    return this.#iceState;
  }
  /** ICE and DTLS states together (W3C §4.3.3). */
  get connectionState(): RTCPeerConnectionState {
    return this.#connState;
  }
  /** The pending local description, else the current one, with the candidates gathered so far. */
  get localDescription(): RTCSessionDescription | null {
    return (this.#desc.pendingLocal ?? this.#desc.currentLocal)?.desc ?? null;
  }
  /** The local description of the last completed negotiation. */
  get currentLocalDescription(): RTCSessionDescription | null {
    return this.#desc.currentLocal?.desc ?? null;
  }
  /** The local offer or pranswer of a negotiation in progress. */
  get pendingLocalDescription(): RTCSessionDescription | null {
    return this.#desc.pendingLocal?.desc ?? null;
  }
  /** The pending remote description, else the current one, with candidates added since. */
  get remoteDescription(): RTCSessionDescription | null {
    return (this.#desc.pendingRemote ?? this.#desc.currentRemote)?.desc ?? null;
  }
  /** The remote description of the last completed negotiation. */
  get currentRemoteDescription(): RTCSessionDescription | null {
    return this.#desc.currentRemote?.desc ?? null;
  }
  /** The remote offer or pranswer of a negotiation in progress. */
  get pendingRemoteDescription(): RTCSessionDescription | null {
    return this.#desc.pendingRemote?.desc ?? null;
  }
  /** Whether the remote side can trickle (a=ice-options:trickle), null before a remote description. */
  get canTrickleIceCandidates(): boolean | null {
    const r = this.#desc.pendingRemote ?? this.#desc.currentRemote;
    if (r === undefined) return null;
    return bundleTransport(r.applied.model)?.iceOptions.includes('trickle') ?? false;
  }

  // ───────────── configuration ─────────────

  /** The configuration in use (a copy). */
  getConfiguration(): RTCConfiguration {
    return copyConfiguration(this.#config);
  }

  /**
   * Changes ICE servers and policy; certificates, bundlePolicy and rtcpMuxPolicy cannot change
   * (InvalidModificationError). `null` or nothing is the empty configuration (WebIDL), so it
   * resets what may change to the defaults.
   */
  setConfiguration(configuration: RTCConfiguration | null = {}): void {
    if (this.#closed) throw closedError('setConfiguration');
    const next = resolveConfiguration(configuration);
    if (next.certificates.length === 0) next.certificates = [...this.#config.certificates];
    checkConfigurationChange(this.#config, next, this.localDescription !== null);
    this.#config = next;
  }

  // ───────────── offer / answer ─────────────

  /** Makes an offer (W3C §4.4.1.6; InvalidStateError unless stable or have-local-offer). */
  createOffer(options?: RTCOfferOptions): Promise<RTCSessionDescriptionInit>;
  /**
   * The legacy callback form (W3C §4.4.3): the offer goes to `successCallback`, an error to
   * `failureCallback`; the promise resolves with undefined.
   * @deprecated use the promise form.
   */
  createOffer(successCallback: RTCSessionDescriptionCallback, failureCallback: RTCPeerConnectionErrorCallback, options?: RTCOfferOptions): Promise<void>;
  createOffer(...args: unknown[]): Promise<RTCSessionDescriptionInit | void> {
    if (args.length >= 2) {
      return legacyCall('createOffer', args[0], args[1], () => this.#createOffer((args[2] as RTCOfferOptions | undefined) ?? {}), true);
    }
    return this.#createOffer((args[0] as RTCOfferOptions | null | undefined) ?? {});
  }

  #createOffer(options: RTCOfferOptions): Promise<RTCSessionDescriptionInit> {
    if (!this.#closed) applyOfferToReceive(options, this.#tset.list, (kind) => this.addTransceiver(kind, { direction: 'recvonly' }));
    return this.#chain.chain(async () => {
      // W3C §4.4.1.4: the state is checked as the operation starts; the offer is made in a later
      // task, so it covers what changed meanwhile (a transceiver added right after the call).
      this.#desc.checkCreate('offer');
      await nextTask();
      const offer = this.#desc.createOffer(options);
      this.#desc.created('offer');
      return offer;
    });
  }

  /** Makes an answer (InvalidStateError unless have-remote-offer or have-local-pranswer). */
  createAnswer(options?: Record<string, unknown>): Promise<RTCSessionDescriptionInit>;
  /**
   * The legacy callback form (W3C §4.4.3): the answer goes to `successCallback`, an error to
   * `failureCallback`; the promise resolves with undefined.
   * @deprecated use the promise form.
   */
  createAnswer(successCallback: RTCSessionDescriptionCallback, failureCallback: RTCPeerConnectionErrorCallback): Promise<void>;
  createAnswer(...args: unknown[]): Promise<RTCSessionDescriptionInit | void> {
    if (args.length >= 2) {
      return legacyCall('createAnswer', args[0], args[1], () => this.#createAnswer(), true);
    }
    return this.#createAnswer();
  }

  #createAnswer(): Promise<RTCSessionDescriptionInit> {
    return this.#chain.chain(async () => {
      this.#desc.checkCreate('answer');
      await nextTask();
      const answer = this.#desc.createAnswer();
      this.#desc.created('answer');
      return answer;
    });
  }

  /**
   * Applies a local description. Without an argument (or without sdp) it makes the offer or
   * answer the signaling state calls for (W3C §4.4.1.6, "perfect negotiation").
   */
  setLocalDescription(description?: RTCLocalSessionDescriptionInit): Promise<void>;
  /**
   * The legacy callback form (W3C §4.4.3): `successCallback` or `failureCallback` is called; the
   * promise resolves with undefined.
   * @deprecated use the promise form.
   */
  setLocalDescription(description: RTCLocalSessionDescriptionInit, successCallback: RTCVoidCallback, failureCallback: RTCPeerConnectionErrorCallback): Promise<void>;
  setLocalDescription(...args: unknown[]): Promise<void> {
    const description = (args[0] as RTCLocalSessionDescriptionInit | null | undefined) ?? {};
    if (args.length < 2) return this.#setLocalDescription(description);
    return legacyCall('setLocalDescription', args[1], args[2], () => this.#setLocalDescription(description), false);
  }

  #setLocalDescription(description: RTCLocalSessionDescriptionInit): Promise<void> {
    if (typeof description !== 'object') return Promise.reject(new TypeError('description must be a dictionary'));
    if (description.type !== undefined) {
      try {
        checkSdpType(description.type);
      } catch (e) {
        return Promise.reject(e);
      }
    }
    return this.#chain.chain(async () => {
      const step = `setLocalDescription(${description.type ?? 'implicit'})`;
      let plan: ReturnType<SessionDescriptions['planLocal']> | undefined;
      this.#step(step, () => void (plan = this.#desc.planLocal(description)), false);
      await nextTask();
      this.#step(step, () => this.#desc.setLocal(plan!));
    });
  }

  /** Applies a remote description; an offer in have-local-offer rolls the local offer back first. */
  setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void>;
  /**
   * The legacy callback form (W3C §4.4.3): `successCallback` or `failureCallback` is called; the
   * promise resolves with undefined.
   * @deprecated use the promise form.
   */
  setRemoteDescription(description: RTCSessionDescriptionInit, successCallback: RTCVoidCallback, failureCallback: RTCPeerConnectionErrorCallback): Promise<void>;
  setRemoteDescription(...args: unknown[]): Promise<void> {
    const description = args[0] as RTCSessionDescriptionInit;
    if (args.length < 2) return this.#setRemoteDescription(description);
    return legacyCall('setRemoteDescription', args[1], args[2], () => this.#setRemoteDescription(description), false);
  }

  #setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
    try {
      if (description === null || typeof description !== 'object') throw new TypeError('description must be a dictionary');
      checkSdpType(description.type);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#chain.chain(async () => {
      if (this.#closed) throw closedError('setRemoteDescription');
      if (description.type === 'offer' && this.#desc.signaling === 'have-local-offer') {
        // W3C §4.4.3.2 setRemoteDescription step 4.1: an offer that glares with ours first rolls
        // ours back, as setLocalDescription({type: 'rollback'}) would, in its own task.
        await nextTask();
        if (this.#closed) throw closedError('setRemoteDescription');
        this.#desc.rollback();
      }
      if (description.type === 'rollback') this.#desc.checkRollback('remote');
      await nextTask();
      this.#step(`setRemoteDescription(${description.type})`, () => this.#desc.setRemote(description));
    });
  }

  /** Adds a remote candidate, or end-of-candidates for `candidate: ''` (W3C §4.4.1.6). */
  addIceCandidate(candidate?: RTCIceCandidateInit | RTCIceCandidate | null): Promise<void>;
  /**
   * The legacy callback form (W3C §4.4.3): `successCallback` or `failureCallback` is called; the
   * promise resolves with undefined.
   * @deprecated use the promise form.
   */
  addIceCandidate(candidate: RTCIceCandidateInit | RTCIceCandidate | null, successCallback: RTCVoidCallback, failureCallback: RTCPeerConnectionErrorCallback): Promise<void>;
  addIceCandidate(...args: unknown[]): Promise<void> {
    const candidate = (args[0] as RTCIceCandidateInit | null | undefined) ?? {};
    if (args.length < 2) return this.#addIceCandidate(candidate);
    return legacyCall('addIceCandidate', args[1], args[2], () => this.#addIceCandidate(candidate), false);
  }

  #addIceCandidate(c: RTCIceCandidateInit): Promise<void> {
    if (c.candidate !== undefined && c.candidate !== '' && (c.sdpMid ?? null) === null && (c.sdpMLineIndex ?? null) === null) {
      return Promise.reject(new TypeError('sdpMid and sdpMLineIndex are both null'));
    }
    return this.#chain.chain(async () => {
      let written: () => void = () => {};
      this.#step(`addIceCandidate(${c.candidate === undefined || c.candidate === '' ? 'end-of-candidates' : JSON.stringify(c.candidate)})`, () => void (written = this.#desc.addIceCandidate(c)));
      await nextTask();
      written();
    });
  }

  /** Asks for an ICE restart in the next offer; fires negotiationneeded. */
  restartIce(): void {
    if (this.#closed) return;
    // W3C §4.4.3.2: the credentials in use are to be replaced; before any local description there are none, so nothing changes.
    const ufrags = this.#desc.localUfrags();
    if (ufrags.length === 0) return;
    this.#jsep.restartIce(ufrags);
    this.#changed();
  }

  // ───────────── data channels ─────────────

  /** Creates a data channel (W3C §6.1): TypeError for bad options, OperationError for a taken id. */
  createDataChannel(label: string, init: RTCDataChannelInit = {}): RTCDataChannel {
    if (this.#closed) throw closedError('createDataChannel');
    if (arguments.length === 0) throw new TypeError('createDataChannel needs a label');
    const p = validateDataChannelInit(label, init);
    const first = !this.#channels.wanted;
    const ch = this.#channels.create(p);
    if (first) this.#changed();
    return ch;
  }

  /** The SCTP transport, once a description with a data channel section was applied; else null. */
  get sctp(): RTCSctpTransport | null {
    return this.#sctpTransport ?? null;
  }

  // ───────────── transceivers ─────────────

  /** Every transceiver, in creation order. */
  getTransceivers(): RTCRtpTransceiver[] {
    return [...this.#tset.list];
  }
  /** The senders of transceivers that are not stopped. */
  getSenders(): RTCRtpSender[] {
    return this.#tset.list.filter((t) => !t.stopped).map((t) => t.sender);
  }
  /** The receivers of transceivers that are not stopped. */
  getReceivers(): RTCRtpReceiver[] {
    return this.#tset.list.filter((t) => !t.stopped).map((t) => t.receiver);
  }

  /** Adds a transceiver for a kind or a track (W3C §5.1). */
  addTransceiver(trackOrKind: MediaStreamTrack | 'audio' | 'video', init: RTCRtpTransceiverInit = {}): RTCRtpTransceiver {
    if (this.#closed) throw closedError('addTransceiver');
    const track = trackOrKind instanceof MediaStreamTrack ? trackOrKind : null;
    const kind = track?.kind ?? trackOrKind;
    if (kind !== 'audio' && kind !== 'video') throw new TypeError(`'${String(kind)}' is not a valid kind`);
    const direction = init.direction ?? 'sendrecv';
    checkDirection(direction);
    if (direction === 'stopped') throw new TypeError("a new transceiver cannot be 'stopped'");
    const encodings = initialEncodings(kind, init.sendEncodings);
    return this.#tset.add(kind, direction, track, (init.streams ?? []).map((s) => s.id), false, true, encodings);
  }

  /** Sends a track, reusing a transceiver that never sent when it can (W3C §5.1 addTrack). */
  addTrack(track: MediaStreamTrack, ...streams: MediaStream[]): RTCRtpSender {
    if (this.#closed) throw closedError('addTrack');
    if (!(track instanceof MediaStreamTrack)) throw new TypeError('addTrack needs a MediaStreamTrack');
    return this.#tset.addTrack(track, streams);
  }

  /** Stops sending a sender's track (W3C §5.1 removeTrack). */
  removeTrack(sender: RTCRtpSender): void {
    if (this.#closed) throw closedError('removeTrack');
    this.#tset.removeTrack(sender);
  }

  // ───────────── stats and close ─────────────

  /**
   * Stats of the connection, transport, candidates, certificates, data channels, media sources
   * and RTP streams (W3C webrtc-stats), as an {@link RTCStatsReport}. With a track (W3C §8.2),
   * the stats selection algorithm for the one sender or receiver of the connection whose track
   * it is (as `sender.getStats()` / `receiver.getStats()`): InvalidAccessError when no sender or
   * receiver has it, or more than one does.
   */
  async getStats(selector?: MediaStreamTrack | null): Promise<RTCStatsReport> {
    if (selector === undefined || selector === null) return nextTask().then(() => this.#stats.collect(this.#statsOptions()));
    if (!(selector instanceof MediaStreamTrack)) throw new TypeError('getStats takes a MediaStreamTrack or null');
    const live = this.#tset.list.filter((t) => !t.stopped);
    const matches = [...live.filter((t) => t.sender.track === selector).map((t) => t.sender), ...live.filter((t) => t.receiver.track === selector).map((t) => t.receiver)];
    if (matches.length !== 1) throw domException('InvalidAccessError', matches.length === 0 ? 'no sender or receiver has this track' : 'more than one sender or receiver has this track');
    await nextTask();
    return this.#selectedStats(matches[0]!);
  }

  #statsOptions(): CollectOptions {
    return { dataChannels: this.#channels.all, connectionState: this.#connState };
  }

  /** The stats selection algorithm (W3C §8.5) for one of our senders or receivers. */
  #selectedStats(selector: RTCRtpSender | RTCRtpReceiver): RTCStatsReport {
    const t = this.#tset.list.find((x) => x.sender === selector || x.receiver === selector);
    // A transceiver a rollback removed is no longer the connection's: nothing to select.
    if (t === undefined) return new RTCStatsReport();
    return this.#stats.select(this.#statsOptions(), t, t.sender === selector ? 'sender' : 'receiver');
  }

  /** Closes everything at once; no state events fire (W3C §4.4.1.6 close). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#desc.close();
    this.#chain.close();
    for (const t of this.#tset.list) t.markStopped(true);
    this.#channels.close();
    this.#media.close();
    this.#transport.close();
    this.#iceTransport.setState('closed', false);
    this.#dtlsTransport.setState('closed', false);
    this.#sctpTransport?.setState('closed', false);
    this.#iceState = 'closed';
    this.#connState = 'closed';
  }

  // ───────────── internals: events and states ─────────────

  /** A description is applied: the W3C transport objects it implies exist (W3C §4.4.1.6). */
  #transportsApplied(model: SessionDescription, type: RTCSdpType, side: 'local' | 'remote'): void {
    // The SCTP transport is made by the answer (or pranswer) that starts the association, not by
    // an offer (W3C §4.4.1.6 "set the description"): a rolled-back offer leaves pc.sctp null.
    if (this.#sctpTransport === undefined && (type === 'answer' || type === 'pranswer') && dataSection(model) !== undefined) {
      this.#sctpTransport = new RTCSctpTransport(this.#dtlsTransport, () => this.#channels.maxMessageSize);
    }
    // A local description of any type sets the transceivers' transports; a remote one only when
    // it is an answer or pranswer (a remote offer leaves them until our answer).
    if (side === 'remote' && type === 'offer') return;
    for (const t of this.#tset.list) {
      if (t.mid === null || !model.media.some((m) => m.mid === t.mid)) continue;
      t.sender.transport = this.#dtlsTransport;
      t.receiver.transport = this.#dtlsTransport;
    }
  }

  /** Something an offer or answer depends on changed: the last created one is stale, and negotiation may be needed. */
  #changed(): void {
    this.#desc.changed();
    this.#nn.update();
  }

  #onLocalCandidate(c: IceCandidate | null, ufrag: string, origin?: LocalCandidateOrigin): void {
    const generation = this.#transport.generation;
    queueTask(() => {
      if (this.#closed || generation !== this.#transport.generation) return;
      const candidate = this.#desc.localCandidate(c, ufrag, origin);
      // The event's url (deprecated in favour of the candidate's) is the candidate's server too.
      this.dispatchEvent(new RTCPeerConnectionIceEvent('icecandidate', { candidate, url: candidate?.url ?? null }));
    });
  }

  #setGathering(s: RTCIceGatheringState): void {
    if (this.#closed || this.#gathering === s) return;
    this.#gathering = s;
    this.fire('icegatheringstatechange');
  }

  /** Runs one signaling step, saying what it did or why it threw (the exception goes on to the caller). */
  #step(step: string, fn: () => void, done = true): void {
    try {
      fn();
    } catch (e) {
      this.#log.warn(`${step} failed: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
      throw e;
    }
    if (done) this.#log.debug(`${step}: signaling state ${this.#desc.signaling}`);
  }

  #setIceState(s: RTCIceConnectionState): void {
    if (this.#closed || this.#iceState === s) return;
    this.#log.debug(`iceConnectionState ${this.#iceState} -> ${s}`);
    this.#iceState = s;
    this.fire('iceconnectionstatechange');
    this.#updateConnectionState();
  }

  #updateConnectionState(): void {
    if (this.#closed) return;
    const s = peerConnectionState(this.#iceState, this.#transport.dtlsTransportState);
    if (s === this.#connState) return;
    const line = `connectionState ${this.#connState} -> ${s} (ICE ${this.#iceState}, DTLS ${this.#transport.dtlsTransportState})`;
    if (s === 'failed') this.#log.warn(line);
    else this.#log.debug(line);
    this.#connState = s;
    this.fire('connectionstatechange');
  }
}

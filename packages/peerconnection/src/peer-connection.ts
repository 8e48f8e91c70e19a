/**
 * W3C `RTCPeerConnection` (WebRTC 1.0 §4): the facade. It owns the operations chain, the
 * signaling state machine and the descriptions; offers and answers come from `jsep.ts`, data
 * channels from the {@link DataChannelController}, transports from the {@link TransportController}.
 */
import { sctpParameters, write, type IceCandidate, type SessionDescription } from '@x/sdp';
import { generateRtcCertificate, type AlgorithmIdentifier, type RTCCertificate } from './certificate.js';
import { checkConfigurationChange, copyConfiguration, resolveConfiguration, type RTCConfiguration, type ResolvedConfiguration } from './configuration.js';
import type { RTCDataChannel, RTCDataChannelInit } from './data-channel.js';
import { DataChannelController, validateDataChannelInit } from './data-channel-controller.js';
import { peerConnectionState, type RTCPeerConnectionState } from './connection-state.js';
import { closedError, domException } from './errors.js';
import { RTCPeerConnectionEventHandlers } from './peer-connection-events.js';
import { NegotiationNeededFlag } from './negotiation-needed.js';
import { TransceiverSet } from './transceiver-set.js';
import { RTCDataChannelEvent, RTCPeerConnectionIceEvent, RTCTrackEvent } from './events.js';
import { resolveDependencies, type PeerConnectionDependencies } from './factory.js';
import { RTCIceCandidate, type RTCIceCandidateInit } from './ice-candidate.js';
import { MediaStream, MediaStreamTrack } from './media-stream-track.js';
import { bundleTransport, dataSection, negotiationNeeded, parseDescription, transportSection, validateRemote, type AppliedDescription } from './negotiation.js';
import { OfferAnswer } from './offer-answer.js';
import { OperationsChain } from './operations-chain.js';
import { RTCSessionDescription, checkSdpType, type RTCLocalSessionDescriptionInit, type RTCSessionDescriptionInit } from './session-description.js';
import { implicitLocalType, nextSignalingState, type RTCSignalingState } from './signaling-state.js';
import { RTCStatsCollector, type RTCStatsReport } from './stats.js';
import { selectStats } from './rtp-stats.js';
import { RTCRtpTransceiver, checkDirection, type RTCRtpReceiver, type RTCRtpSender, type RTCRtpTransceiverDirection } from './transceiver.js';
import { TransportController } from './transport-controller.js';
import { MediaController } from './media-controller.js';
import { RTCDtlsTransport, RTCIceTransport, RTCSctpTransport } from './transports.js';
import { addLocalCandidate, applyRemoteCandidate } from './description-candidates.js';

/** `RTCIceGatheringState`. */
export type RTCIceGatheringState = 'new' | 'gathering' | 'complete';
/** `RTCIceConnectionState`. */
export type RTCIceConnectionState = 'new' | 'checking' | 'connected' | 'completed' | 'disconnected' | 'failed' | 'closed';

/** createOffer options. */
export interface RTCOfferOptions {
  /** New ICE credentials (RFC 8445 §9). */
  iceRestart?: boolean;
}

/** addTransceiver options. */
export interface RTCRtpTransceiverInit {
  direction?: RTCRtpTransceiverDirection;
  streams?: MediaStream[];
}

interface Described {
  desc: RTCSessionDescription;
  applied: AppliedDescription;
  /** Transceivers a remote offer created (a rollback removes them). */
  created?: RTCRtpTransceiver[];
}

const queueTask = (fn: () => void): void => void setImmediate(fn);

/** A WebRTC connection to a peer. */
export class RTCPeerConnection extends RTCPeerConnectionEventHandlers {
  #deps: PeerConnectionDependencies;
  #config: ResolvedConfiguration;
  #certificate: RTCCertificate;
  #chain: OperationsChain;
  #closed = false;
  #signaling: RTCSignalingState = 'stable';
  #gathering: RTCIceGatheringState = 'new';
  #iceState: RTCIceConnectionState = 'new';
  #connState: RTCPeerConnectionState = 'new';
  readonly #nn: NegotiationNeededFlag;
  #pendingLocal: Described | undefined;
  #currentLocal: Described | undefined;
  #pendingRemote: Described | undefined;
  #currentRemote: Described | undefined;
  readonly #tset: TransceiverSet;
  readonly #jsep: OfferAnswer;
  /** Bumped by every change that makes the last created offer or answer stale. */
  #epoch = 0;
  #createdAt: { type: 'offer' | 'answer'; epoch: number } | undefined;
  readonly #channels: DataChannelController;
  readonly #transport: TransportController;
  readonly #iceTransport: RTCIceTransport;
  readonly #dtlsTransport: RTCDtlsTransport;
  #sctpTransport: RTCSctpTransport | undefined;
  readonly #stats: RTCStatsCollector;
  #media!: MediaController;

  /**
   * `new RTCPeerConnection(configuration)`. The second argument is how a
   * {@link PeerConnectionFactory} passes its dependencies; leave it out for the default factory.
   */
  constructor(configuration: RTCConfiguration = {}, dependencies?: Partial<PeerConnectionDependencies>) {
    super();
    this.#deps = resolveDependencies(dependencies);
    this.#config = resolveConfiguration(configuration);
    this.#certificate = this.#config.certificates[0] ?? this.#deps.certificateGenerator();
    this.#chain = new OperationsChain(() => this.#nn.chainEmptied(), () => closedError('operation'));
    this.#nn = new NegotiationNeededFlag({
      isClosed: () => this.#closed,
      chainLength: () => this.#chain.length,
      isStable: () => this.#signaling === 'stable',
      check: () => this.#isNegotiationNeeded(),
      fire: () => this.fire('negotiationneeded'),
    });
    this.#tset = new TransceiverSet(() => this.#changed());
    this.#channels = new DataChannelController((ch) => this.dispatchEvent(new RTCDataChannelEvent('datachannel', { channel: ch })));
    this.#transport = new TransportController(this.#deps, () => this.#config, this.#certificate, {
      candidate: (c, ufrag) => this.#onLocalCandidate(c, ufrag),
      // Queued with the candidates, so every candidate event comes before `complete`.
      gatheringState: (s) => queueTask(() => {
        if (this.#closed) return;
        this.#iceTransport.setGatheringState(s);
        this.#setGathering(s);
      }),
      iceState: (s) => {
        if (this.#closed) return;
        this.#iceTransport.setState(s);
        this.#setIceState(s);
      },
      dtlsState: (s, error) => {
        if (this.#closed) return;
        this.#dtlsTransport.setState(s, true, error && { fingerprint: error.code === 'fingerprint-mismatch', message: error.message });
        this.#updateConnectionState();
      },
      selectedPair: (p) => this.#iceTransport.selectedPairChanged(p),
      media: (p, rtcp) => this.#media.receive(p, rtcp),
      srtpReady: () => this.#media.srtpReady(),
      sctp: (sctp) => {
        this.#channels.attach(sctp);
        sctp.on('statechange', (st) => st === 'established' && this.#sctpTransport?.setState('connected'));
        sctp.on('close', () => this.#sctpTransport?.setState('closed', !this.#closed));
      },
    });
    this.#iceTransport = new RTCIceTransport(this.#transport, () => {
      const d = this.#pendingLocal ?? this.#currentLocal;
      return (d === undefined ? undefined : transportSection(d.applied.model)?.section.mid) ?? '0';
    });
    this.#dtlsTransport = new RTCDtlsTransport(this.#transport, this.#iceTransport);
    this.#jsep = new OfferAnswer({
      transport: this.#transport,
      certificate: this.#certificate,
      deps: this.#deps,
      bundlePolicy: () => this.#config.bundlePolicy,
      transceivers: this.#tset.list,
    });
    this.#media = new MediaController(
      { sendRtp: (p) => this.#transport.sendRtp(p), sendRtcp: (p) => this.#transport.sendRtcp(p), now: this.#deps.clock },
      this.#jsep.cname,
    );
    this.#stats = new RTCStatsCollector(() => ({
      media: this.#media,
      transport: this.#transport,
      channels: this.#channels,
      certificate: this.#certificate,
      remoteCertificate: this.#transport.dtls?.remoteCertificate,
    }));
  }

  /** RTCPeerConnection.generateCertificate (W3C §4.9). */
  static async generateCertificate(keygenAlgorithm: AlgorithmIdentifier): Promise<RTCCertificate> {
    return generateRtcCertificate(keygenAlgorithm);
  }

  // ───────────── attributes ─────────────

  /** Where the offer/answer exchange is (W3C §4.3.1). */
  get signalingState(): RTCSignalingState {
    return this.#signaling;
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
    return (this.#pendingLocal ?? this.#currentLocal)?.desc ?? null;
  }
  /** The local description of the last completed negotiation. */
  get currentLocalDescription(): RTCSessionDescription | null {
    return this.#currentLocal?.desc ?? null;
  }
  /** The local offer or pranswer of a negotiation in progress. */
  get pendingLocalDescription(): RTCSessionDescription | null {
    return this.#pendingLocal?.desc ?? null;
  }
  /** The pending remote description, else the current one, with candidates added since. */
  get remoteDescription(): RTCSessionDescription | null {
    return (this.#pendingRemote ?? this.#currentRemote)?.desc ?? null;
  }
  /** The remote description of the last completed negotiation. */
  get currentRemoteDescription(): RTCSessionDescription | null {
    return this.#currentRemote?.desc ?? null;
  }
  /** The remote offer or pranswer of a negotiation in progress. */
  get pendingRemoteDescription(): RTCSessionDescription | null {
    return this.#pendingRemote?.desc ?? null;
  }
  /** Whether the remote side can trickle (a=ice-options:trickle), null before a remote description. */
  get canTrickleIceCandidates(): boolean | null {
    const r = this.#pendingRemote ?? this.#currentRemote;
    if (r === undefined) return null;
    return bundleTransport(r.applied.model)?.iceOptions.includes('trickle') ?? false;
  }

  // ───────────── configuration ─────────────

  /** The configuration in use (a copy). */
  getConfiguration(): RTCConfiguration {
    return copyConfiguration(this.#config);
  }

  /** Changes ICE servers and policy; certificates, bundlePolicy and rtcpMuxPolicy cannot change (InvalidModificationError). */
  setConfiguration(configuration: RTCConfiguration = {}): void {
    if (this.#closed) throw closedError('setConfiguration');
    const next = resolveConfiguration(configuration);
    if (next.certificates.length === 0) next.certificates = [...this.#config.certificates];
    checkConfigurationChange(this.#config, next, this.localDescription !== null);
    this.#config = next;
  }

  // ───────────── offer / answer ─────────────

  /** Makes an offer (W3C §4.4.1.6; InvalidStateError unless stable or have-local-offer). */
  createOffer(options: RTCOfferOptions = {}): Promise<RTCSessionDescriptionInit> {
    return this.#chain.chain(async () => {
      const offer = this.#createOffer(options);
      this.#createdAt = { type: 'offer', epoch: this.#epoch };
      return offer;
    });
  }

  /** Makes an answer (InvalidStateError unless have-remote-offer or have-local-pranswer). */
  createAnswer(): Promise<RTCSessionDescriptionInit> {
    return this.#chain.chain(async () => {
      const answer = this.#createAnswer();
      this.#createdAt = { type: 'answer', epoch: this.#epoch };
      return answer;
    });
  }

  /**
   * Applies a local description. Without an argument (or without sdp) it makes the offer or
   * answer the signaling state calls for (W3C §4.4.1.6, "perfect negotiation").
   */
  setLocalDescription(description: RTCLocalSessionDescriptionInit = {}): Promise<void> {
    if (description.type !== undefined) {
      try {
        checkSdpType(description.type);
      } catch (e) {
        return Promise.reject(e);
      }
    }
    return this.#chain.chain(async () => this.#setLocal(description));
  }

  /** Applies a remote description; an offer in have-local-offer rolls the local offer back first. */
  setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
    try {
      if (description === null || typeof description !== 'object') throw new TypeError('description must be a dictionary');
      checkSdpType(description.type);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#chain.chain(async () => {
      if (this.#closed) throw closedError('setRemoteDescription');
      if (description.type === 'offer' && this.#signaling === 'have-local-offer') this.#rollback();
      this.#setRemote(description);
    });
  }

  /** Adds a remote candidate, or end-of-candidates for `candidate: ''` (W3C §4.4.1.6). */
  addIceCandidate(candidate: RTCIceCandidateInit | RTCIceCandidate = {}): Promise<void> {
    const c = candidate ?? {};
    if (c.candidate !== undefined && c.candidate !== '' && (c.sdpMid ?? null) === null && (c.sdpMLineIndex ?? null) === null) {
      return Promise.reject(new TypeError('sdpMid and sdpMLineIndex are both null'));
    }
    return this.#chain.chain(async () => this.#addIceCandidate(c));
  }

  /** Asks for an ICE restart in the next offer; fires negotiationneeded. */
  restartIce(): void {
    if (this.#closed) return;
    this.#jsep.restartRequested = true;
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
    return this.#tset.add(kind, direction, track, (init.streams ?? []).map((s) => s.id), false);
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
   * Stats of the connection, transport, candidates, certificates, data channels and RTP streams
   * (W3C webrtc-stats). With a track (W3C §8.2 stats selection), only the RTP streams of the
   * sender or receiver of that track, their codecs and the transport; InvalidAccessError when no
   * sender or receiver has it.
   */
  async getStats(selector?: MediaStreamTrack | null): Promise<RTCStatsReport> {
    const report = this.#stats.collect({ dataChannels: this.#channels.all, connectionState: this.#connState });
    if (selector === undefined || selector === null) return report;
    const list = this.#tset.list;
    if (!list.some((t) => t.sender.track === selector || t.receiver.track === selector)) throw domException('InvalidAccessError', 'no sender or receiver has this track');
    return selectStats(report, selector.id, list.filter((t) => t.sender.track === selector).map((t) => t.sender.ssrc));
  }

  /** Closes everything at once; no state events fire (W3C §4.4.1.6 close). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#signaling = 'closed';
    this.#chain.close();
    for (const t of this.#tset.list) t.markStopped();
    this.#channels.close();
    this.#media.close();
    this.#transport.close();
    this.#iceTransport.setState('closed', false);
    this.#dtlsTransport.setState('closed', false);
    this.#sctpTransport?.setState('closed', false);
    this.#iceState = 'closed';
    this.#connState = 'closed';
  }

  // ───────────── internals: descriptions ─────────────

  #createOffer(options: RTCOfferOptions): RTCSessionDescriptionInit {
    if (this.#closed) throw closedError('createOffer');
    if (this.#signaling !== 'stable' && this.#signaling !== 'have-local-offer') {
      throw domException('InvalidStateError', `createOffer in state ${this.#signaling}`);
    }
    if (options.iceRestart === true) this.#jsep.restartRequested = true;
    const used = new Set<string>();
    for (const d of [this.#currentLocal, this.#currentRemote, this.#pendingRemote]) for (const m of d?.applied.model.media ?? []) if (m.mid !== undefined) used.add(m.mid);
    for (const t of this.#tset.list) if (t.mid !== null) used.add(t.mid);
    const wantData = this.#channels.wanted || dataSection(this.#currentLocal?.applied.model) !== undefined;
    return { type: 'offer', sdp: this.#jsep.createOffer(this.#currentLocal?.applied.model, used, wantData) };
  }

  #createAnswer(): RTCSessionDescriptionInit {
    if (this.#closed) throw closedError('createAnswer');
    if (this.#signaling !== 'have-remote-offer' && this.#signaling !== 'have-local-pranswer') {
      throw domException('InvalidStateError', `createAnswer in state ${this.#signaling}`);
    }
    return { type: 'answer', sdp: this.#jsep.createAnswer(this.#pendingRemote!.applied.model, (mid) => this.#tset.byMid(mid)) };
  }

  #setLocal(d: RTCLocalSessionDescriptionInit): void {
    if (this.#closed) throw closedError('setLocalDescription');
    const type = d.type ?? implicitLocalType(this.#signaling);
    if (type === 'rollback') {
      if (nextSignalingState(this.#signaling, 'rollback', 'local') === undefined) {
        throw domException('InvalidStateError', `rollback in state ${this.#signaling}`);
      }
      this.#rollback();
      return;
    }
    if (nextSignalingState(this.#signaling, type, 'local') === undefined) {
      throw domException('InvalidStateError', `setLocalDescription(${type}) in state ${this.#signaling}`);
    }
    let sdp = d.sdp ?? '';
    if (type === 'offer') {
      if (sdp === '') sdp = this.#fresh('offer') ? this.#jsep.lastOffer!.sdp : this.#createOffer({}).sdp!;
      else if (sdp !== this.#jsep.lastOffer?.sdp) throw domException('InvalidModificationError', 'the SDP is not the last created offer');
    } else {
      if (sdp === '') sdp = this.#fresh('answer') ? this.#jsep.lastAnswer! : this.#createAnswer().sdp!;
      else if (sdp !== this.#jsep.lastAnswer) throw domException('InvalidModificationError', 'the SDP is not the last created answer');
    }
    const model = parseDescription(sdp);
    const described: Described = { desc: new RTCSessionDescription({ type, sdp }), applied: { type, model } };
    const wasNeeded = this.#nn.value;
    if (type === 'offer') {
      this.#jsep.lastOffer!.owners.forEach((owner, i) => {
        if (owner !== undefined && owner !== 'data') owner.setMid(model.media[i]?.mid ?? null);
      });
      this.#pendingLocal = described;
    } else if (type === 'pranswer') {
      this.#pendingLocal = described;
    } else {
      this.#currentLocal = described;
      this.#currentRemote = this.#pendingRemote;
      this.#pendingLocal = undefined;
      this.#pendingRemote = undefined;
      this.#finishNegotiation(model, this.#currentRemote!.applied.model, 'local');
    }
    const bundle = transportSection(model)?.section;
    if (bundle?.iceUfrag !== undefined && bundle.icePwd !== undefined) {
      const creds = { usernameFragment: bundle.iceUfrag, password: bundle.icePwd };
      this.#transport.applyLocal(creds, type === 'offer');
      this.#jsep.credentialsApplied(creds.usernameFragment);
    }
    this.#applyTransports(model);
    this.#setSignaling(nextSignalingState(this.#signaling, type, 'local')!);
    if (this.#signaling === 'stable') this.#nn.afterStable(wasNeeded);
  }

  #setRemote(d: RTCSessionDescriptionInit): void {
    const type = d.type;
    if (type === 'rollback') {
      if (nextSignalingState(this.#signaling, 'rollback', 'remote') === undefined) {
        throw domException('InvalidStateError', `rollback in state ${this.#signaling}`);
      }
      this.#rollback();
      return;
    }
    const next = nextSignalingState(this.#signaling, type, 'remote');
    if (next === undefined) throw domException('InvalidStateError', `setRemoteDescription(${type}) in state ${this.#signaling}`);
    const sdp = d.sdp ?? '';
    const model = parseDescription(sdp);
    validateRemote(model, type, type === 'offer' ? undefined : this.#pendingLocal?.applied.model);
    const described: Described = { desc: new RTCSessionDescription({ type, sdp }), applied: { type, model } };
    const wasNeeded = this.#nn.value;
    const tracks: RTCRtpTransceiver[] = [];
    const remoteT = bundleTransport(model);
    if (type === 'offer') {
      const applied = this.#tset.applyRemoteOffer(model);
      tracks.push(...applied.receiving);
      const previous = this.#currentRemote === undefined ? undefined : bundleTransport(this.#currentRemote.applied.model);
      if (previous !== undefined && remoteT !== undefined && previous.iceUfrag !== remoteT.iceUfrag && this.#transport.ice !== undefined) {
        // The peer restarts ICE: our answer needs new credentials too (RFC 8445 §9).
        this.#jsep.remoteRestarted();
      }
      described.created = applied.created;
      this.#pendingRemote = described;
    } else if (type === 'pranswer') {
      this.#pendingRemote = described;
    } else {
      this.#currentRemote = described;
      this.#currentLocal = this.#pendingLocal;
      this.#pendingLocal = undefined;
      this.#pendingRemote = undefined;
      tracks.push(...this.#tset.remoteSending(model));
      this.#finishNegotiation(this.#currentLocal!.applied.model, model, 'remote');
    }
    if (remoteT?.iceUfrag !== undefined && remoteT.icePwd !== undefined) {
      this.#transport.setRemote({ usernameFragment: remoteT.iceUfrag, password: remoteT.icePwd, iceLite: remoteT.iceLite }, remoteT.candidates, remoteT.endOfCandidates);
    }
    const muted = type === 'pranswer' ? [] : this.#tset.remoteStoppedSending(model);
    this.#applyTransports(model);
    this.#setSignaling(next);
    for (const t of muted) this.#tset.muteRemote(t);
    for (const t of tracks) {
      const streams = this.#tset.addRemote(t);
      this.dispatchEvent(new RTCTrackEvent('track', { receiver: t.receiver, track: t.receiver.track, streams, transceiver: t }));
    }
    if (this.#signaling === 'stable') this.#nn.afterStable(wasNeeded);
  }

  /** A description is applied: the W3C transport objects it implies exist (W3C §4.4.1.6). */
  #applyTransports(model: SessionDescription): void {
    if (this.#sctpTransport === undefined && dataSection(model) !== undefined) {
      this.#sctpTransport = new RTCSctpTransport(this.#dtlsTransport, () => this.#channels.maxMessageSize);
    }
    for (const t of this.#tset.list) {
      if (t.mid === null || !model.media.some((m) => m.mid === t.mid)) continue;
      t.sender.transport = this.#dtlsTransport;
      t.receiver.transport = this.#dtlsTransport;
    }
  }

  /** Offer and answer are both applied: directions, rejected sections, DTLS role, SCTP. */
  #finishNegotiation(local: SessionDescription, remote: SessionDescription, answeredBy: 'local' | 'remote'): void {
    this.#tset.applyAnswer(answeredBy === 'local' ? local : remote, answeredBy);
    this.#media.configure(this.#tset.list, local, remote, answeredBy);
    const localSetup = transportSection(local)?.section.setup ?? local.setup;
    const remoteT = bundleTransport(remote);
    if (remoteT === undefined) return;
    const role = localSetup === 'active' ? 'client' : localSetup === 'passive' ? 'server' : remoteT.setup === 'active' ? 'server' : 'client';
    this.#channels.setRole(this.#transport.role ?? role);
    this.#transport.setDtlsParameters(role, remoteT.fingerprints);
    const localData = dataSection(local);
    const remoteData = dataSection(remote);
    if (localData !== undefined && remoteData !== undefined) {
      const p = sctpParameters(remoteData)!;
      this.#channels.setRemoteMaxMessageSize(p.maxMessageSize);
      this.#transport.enableSctp(p.port, p.maxMessageSize);
    }
  }

  /** Rollback (RFC 8829 §4.1.8.2): the pending descriptions go, the state is stable again. */
  #rollback(): void {
    // Transceivers that got their mid from the rolled-back offer lose it (RFC 8829 §4.1.8.2).
    const current = this.#currentLocal?.applied.model.media ?? [];
    for (const t of this.#tset.list) if (t.mid !== null && !current.some((m) => m.mid === t.mid)) t.setMid(null);
    // Transceivers the rolled-back remote offer made, and no addTrack used since, go (W3C §4.4.1.6).
    for (const t of this.#pendingRemote?.created ?? []) if (t.sender.track === null) this.#tset.remove(t);
    this.#pendingLocal = undefined;
    this.#pendingRemote = undefined;
    const wasNeeded = this.#nn.value;
    this.#setSignaling('stable');
    this.#nn.afterStable(wasNeeded);
  }

  #addIceCandidate(c: RTCIceCandidateInit): void {
    if (this.#closed) throw closedError('addIceCandidate');
    const remote = this.#pendingRemote ?? this.#currentRemote;
    if (remote === undefined) throw domException('InvalidStateError', 'addIceCandidate before setRemoteDescription');
    const result = applyRemoteCandidate(remote.applied.model, c);
    remote.desc = new RTCSessionDescription({ type: remote.desc.type, sdp: write(remote.applied.model) });
    const bundleUfrag = bundleTransport(remote.applied.model)?.iceUfrag ?? '';
    if (result.endOfCandidates) this.#transport.endOfRemoteCandidates(result.ufrag ?? bundleUfrag);
    else if (result.candidate !== undefined) this.#transport.addRemoteCandidate(result.candidate, result.ufrag ?? bundleUfrag);
  }

  // ───────────── internals: events and states ─────────────

  /** Something an offer or answer depends on changed: the last created one is stale, and negotiation may be needed. */
  #changed(): void {
    this.#epoch++;
    this.#nn.update();
  }

  /** The last created offer/answer is still what createOffer/createAnswer would give (W3C §4.4.1.6 step 4.3). */
  #fresh(type: 'offer' | 'answer'): boolean {
    return this.#createdAt?.type === type && this.#createdAt.epoch === this.#epoch;
  }

  #setSignaling(s: RTCSignalingState): void {
    this.#epoch++;
    if (this.#signaling === s) return;
    this.#signaling = s;
    this.fire('signalingstatechange');
  }

  #onLocalCandidate(c: IceCandidate | null, ufrag: string): void {
    queueTask(() => {
      if (this.#closed) return;
      const candidate = addLocalCandidate([this.#pendingLocal, this.#currentLocal], c, ufrag);
      this.dispatchEvent(new RTCPeerConnectionIceEvent('icecandidate', { candidate }));
    });
  }

  #setGathering(s: RTCIceGatheringState): void {
    if (this.#closed || this.#gathering === s) return;
    this.#gathering = s;
    this.fire('icegatheringstatechange');
  }

  #setIceState(s: RTCIceConnectionState): void {
    if (this.#closed || this.#iceState === s) return;
    this.#iceState = s;
    this.fire('iceconnectionstatechange');
    this.#updateConnectionState();
  }

  #updateConnectionState(): void {
    if (this.#closed) return;
    const s = peerConnectionState(this.#iceState, this.#transport.dtlsTransportState);
    if (s === this.#connState) return;
    this.#connState = s;
    this.fire('connectionstatechange');
  }

  // ───────────── internals: negotiation-needed (W3C §4.7.3) ─────────────

  #isNegotiationNeeded(): boolean {
    return negotiationNeeded({
      iceRestartPending: this.#jsep.restartRequested,
      currentLocal: this.#currentLocal?.applied,
      currentRemote: this.#currentRemote?.applied,
      dataWanted: this.#channels.wanted,
      transceivers: this.#tset.list,
    });
  }
}

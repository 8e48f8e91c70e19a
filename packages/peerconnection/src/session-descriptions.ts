/**
 * The signaling side of the peer connection (W3C §4.4.1.6, RFC 8829 §5.7–5.8): the pending and
 * current local and remote descriptions, the signaling state, and what applying a description
 * does (mids, transceivers, ICE credentials, DTLS role, SCTP, media configuration, rollback).
 * The peer connection is the facade; it runs these inside its operations chain.
 */
import { bundleGroups, isRejected, sctpParameters, write, type IceCandidate, type SessionDescription } from '@x/sdp';
import type { RTCBundlePolicy } from './configuration.js';
import type { DataChannelController } from './data-channel-controller.js';
import { addLocalCandidate, applyRemoteCandidate } from './description-candidates.js';
import { closedError, domException } from './errors.js';
import type { LocalCandidateOrigin, RTCIceCandidateInit } from './ice-candidate.js';
import type { MediaStream } from './media-stream-track.js';
import type { MediaController } from './media-controller.js';
import type { LegacyOfferOptions } from './legacy-offer-options.js';
import type { NegotiationNeededFlag } from './negotiation-needed.js';
import { bundleTransport, dataSection, generateMissingMids, negotiationNeeded, parseDescription, transportSection, validateRemote, type AppliedDescription } from './negotiation.js';
import type { OfferAnswer } from './offer-answer.js';
import { RTCSessionDescription, type RTCLocalSessionDescriptionInit, type RTCSdpType, type RTCSessionDescriptionInit } from './session-description.js';
import { implicitLocalType, nextSignalingState, type RTCSignalingState } from './signaling-state.js';
import type { TransceiverSet } from './transceiver-set.js';
import type { RTCRtpTransceiver } from './transceiver.js';
import type { TransportController } from './transport-controller.js';

/** createOffer options (with the legacy offerToReceive members, see legacy-offer-options.ts). */
export interface RTCOfferOptions extends LegacyOfferOptions {
  /** New ICE credentials (RFC 8445 §9). */
  iceRestart?: boolean;
}

/** A description as the application sees it and as it was applied. */
export interface Described {
  desc: RTCSessionDescription;
  applied: AppliedDescription;
  /** Transceivers a remote offer created (a rollback removes them). */
  created?: RTCRtpTransceiver[];
}

/** The parts of the connection applying a description touches, and what it tells the facade. */
export interface SessionDescriptionsContext {
  closed(): boolean;
  bundlePolicy(): RTCBundlePolicy;
  jsep: OfferAnswer;
  tset: TransceiverSet;
  transport: TransportController;
  channels: DataChannelController;
  media(): MediaController;
  nn(): NegotiationNeededFlag;
  /** The signaling state changed: fire signalingstatechange. */
  signalingChanged(): void;
  /** A remote track was added: fire `track`. */
  track(t: RTCRtpTransceiver, streams: MediaStream[]): void;
  /** A description was applied: the W3C transport objects it implies must exist. */
  transportsApplied(model: SessionDescription, type: RTCSdpType, side: 'local' | 'remote'): void;
  /** The transport is discarded (a rollback of the description that made it): gathering and ICE are `new` again. */
  discardTransport(): void;
}

/** The four descriptions and the signaling state, and the JSEP steps that change them. */
export class SessionDescriptions {
  #signaling: RTCSignalingState = 'stable';
  #pendingLocal: Described | undefined;
  #currentLocal: Described | undefined;
  #pendingRemote: Described | undefined;
  #currentRemote: Described | undefined;
  /** Bumped by every change that makes the last created offer or answer stale. */
  #epoch = 0;
  #createdAt: { type: 'offer' | 'answer'; epoch: number } | undefined;

  constructor(private readonly ctx: SessionDescriptionsContext) {}

  /** The signaling state (W3C §4.3.1). */
  get signaling(): RTCSignalingState {
    return this.#signaling;
  }
  get pendingLocal(): Described | undefined {
    return this.#pendingLocal;
  }
  get currentLocal(): Described | undefined {
    return this.#currentLocal;
  }
  get pendingRemote(): Described | undefined {
    return this.#pendingRemote;
  }
  get currentRemote(): Described | undefined {
    return this.#currentRemote;
  }

  /** close(): the state is closed, no event. */
  close(): void {
    this.#signaling = 'closed';
  }

  /** Something an offer or answer depends on changed: the last created one is stale. */
  changed(): void {
    this.#epoch++;
  }

  /** createOffer/createAnswer made this one now. */
  created(type: 'offer' | 'answer'): void {
    this.#createdAt = { type, epoch: this.#epoch };
  }

  /** A local candidate was gathered: written into the local descriptions; gives the event's candidate. */
  localCandidate(c: IceCandidate | null, ufrag: string, origin?: LocalCandidateOrigin): ReturnType<typeof addLocalCandidate> {
    return addLocalCandidate([this.#pendingLocal, this.#currentLocal], c, ufrag, origin);
  }

  /**
   * The checks "creating an offer" and "creating an answer" make when the operation starts (W3C
   * §4.4.1.4 step 1): closed or a signaling state that cannot make one is InvalidStateError.
   */
  checkCreate(type: 'offer' | 'answer'): void {
    if (this.ctx.closed()) throw closedError(type === 'offer' ? 'createOffer' : 'createAnswer');
    const ok = type === 'offer' ? this.#signaling === 'stable' || this.#signaling === 'have-local-offer' : this.#signaling === 'have-remote-offer' || this.#signaling === 'have-local-pranswer';
    if (!ok) throw domException('InvalidStateError', `${type === 'offer' ? 'createOffer' : 'createAnswer'} in state ${this.#signaling}`);
  }

  /** An offer (InvalidStateError unless stable or have-local-offer). */
  createOffer(options: RTCOfferOptions): RTCSessionDescriptionInit {
    this.checkCreate('offer');
    if (options.iceRestart === true) this.ctx.jsep.restartRequested = true;
    const used = new Set<string>();
    for (const d of [this.#currentLocal, this.#currentRemote, this.#pendingRemote]) for (const m of d?.applied.model.media ?? []) if (m.mid !== undefined) used.add(m.mid);
    for (const t of this.ctx.tset.list) if (t.mid !== null) used.add(t.mid);
    const wantData = this.ctx.channels.wanted || dataSection(this.#currentLocal?.applied.model) !== undefined;
    return { type: 'offer', sdp: this.ctx.jsep.createOffer(this.#currentLocal?.applied.model, used, wantData) };
  }

  /** An answer to the pending remote offer (InvalidStateError unless have-remote-offer or have-local-pranswer). */
  createAnswer(): RTCSessionDescriptionInit {
    this.checkCreate('answer');
    return { type: 'answer', sdp: this.ctx.jsep.createAnswer(this.#pendingRemote!.applied.model, (mid) => this.ctx.tset.byMid(mid)) };
  }

  /**
   * setLocalDescription's steps before the description is applied (W3C §4.4.3.2 setLocalDescription
   * steps 4.1–4.5, then "set the description" step 2), in the spec's order: an SDP that is not the
   * last created offer or answer is InvalidModificationError whatever the signaling state; an
   * empty one is the last created offer or answer, or a new one (InvalidStateError when the state
   * cannot make one); a rollback outside have-local-offer/have-remote-offer is InvalidStateError.
   */
  planLocal(d: RTCLocalSessionDescriptionInit): { type: RTCSdpType; sdp: string } {
    if (this.ctx.closed()) throw closedError('setLocalDescription');
    const type = d.type ?? implicitLocalType(this.#signaling);
    let sdp = d.sdp ?? '';
    if (type === 'rollback') {
      this.checkRollback('local');
      return { type, sdp };
    }
    if (type === 'offer') {
      if (sdp !== '' && sdp !== this.ctx.jsep.lastOffer?.sdp) throw domException('InvalidModificationError', 'the SDP is not the last created offer');
      if (sdp === '') sdp = this.fresh('offer') ? this.ctx.jsep.lastOffer!.sdp : this.createOffer({}).sdp!;
    } else {
      if (sdp !== '' && sdp !== this.ctx.jsep.lastAnswer) throw domException('InvalidModificationError', 'the SDP is not the last created answer');
      if (sdp === '') sdp = this.fresh('answer') ? this.ctx.jsep.lastAnswer! : this.createAnswer().sdp!;
    }
    return { type, sdp };
  }

  /**
   * Applies what {@link planLocal} gave: rollback, or the description when its type is valid for
   * the signaling state (InvalidStateError otherwise: the last created offer is not an answer).
   */
  setLocal({ type, sdp }: { type: RTCSdpType; sdp: string }): void {
    if (this.ctx.closed()) throw closedError('setLocalDescription');
    if (type === 'rollback') {
      this.checkRollback('local');
      this.rollback();
      return;
    }
    if (nextSignalingState(this.#signaling, type, 'local') === undefined) {
      throw domException('InvalidStateError', `setLocalDescription(${type}) in state ${this.#signaling}`);
    }
    const model = parseDescription(sdp);
    const described: Described = { desc: new RTCSessionDescription({ type, sdp }), applied: { type, model } };
    const wasNeeded = this.ctx.nn().value;
    if (type === 'offer') {
      this.ctx.jsep.lastOffer!.owners.forEach((owner, i) => {
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
      this.ctx.transport.applyLocal(creds, type === 'offer');
      this.ctx.jsep.credentialsApplied(creds.usernameFragment);
    }
    this.ctx.transportsApplied(model, type, 'local');
    if (type === 'answer') this.#discardUnused(model);
    this.setSignaling(nextSignalingState(this.#signaling, type, 'local')!);
    if (this.#signaling === 'stable') this.#stable(wasNeeded);
  }

  /** The ICE ufrags of the pending and current local descriptions (what restartIce() replaces). */
  localUfrags(): string[] {
    const ufrags: string[] = [];
    for (const d of [this.#pendingLocal, this.#currentLocal]) {
      const u = d === undefined ? undefined : transportSection(d.applied.model)?.section.iceUfrag;
      if (u !== undefined) ufrags.push(u);
    }
    return ufrags;
  }

  /** A rollback outside have-local-offer/have-remote-offer is InvalidStateError (W3C §4.4.1.5 step 2). */
  checkRollback(side: 'local' | 'remote'): void {
    if (this.ctx.closed()) throw closedError(side === 'local' ? 'setLocalDescription' : 'setRemoteDescription');
    if (nextSignalingState(this.#signaling, 'rollback', side) === undefined) {
      throw domException('InvalidStateError', `rollback in state ${this.#signaling}`);
    }
  }

  /** setRemoteDescription: validated (InvalidAccessError), applied, `track` events after the state change. */
  setRemote(d: RTCSessionDescriptionInit): void {
    const type = d.type;
    if (this.ctx.closed()) throw closedError('setRemoteDescription');
    if (type === 'rollback') {
      this.checkRollback('remote');
      this.rollback();
      return;
    }
    const next = nextSignalingState(this.#signaling, type, 'remote');
    if (next === undefined) throw domException('InvalidStateError', `setRemoteDescription(${type}) in state ${this.#signaling}`);
    const sdp = d.sdp ?? '';
    const model = parseDescription(sdp);
    generateMissingMids(model, type, type === 'offer' ? undefined : this.#pendingLocal?.applied.model);
    validateRemote(model, type, type === 'offer' ? undefined : this.#pendingLocal?.applied.model);
    if (type === 'offer' && this.ctx.bundlePolicy() === 'max-bundle' && bundleGroups(model).length === 0 && model.media.filter((m) => !isRejected(m)).length > 1) {
      // As Chromium: max-bundle has one transport, which an offer without BUNDLE cannot share.
      throw domException('InvalidAccessError', 'max-bundle is configured but the offer has no BUNDLE group');
    }
    const described: Described = { desc: new RTCSessionDescription({ type, sdp }), applied: { type, model } };
    const wasNeeded = this.ctx.nn().value;
    const tracks: RTCRtpTransceiver[] = [];
    const remoteT = bundleTransport(model);
    if (type === 'offer') {
      const applied = this.ctx.tset.applyRemoteOffer(model);
      tracks.push(...applied.receiving);
      const previous = this.#currentRemote === undefined ? undefined : bundleTransport(this.#currentRemote.applied.model);
      if (previous !== undefined && remoteT !== undefined && previous.iceUfrag !== remoteT.iceUfrag && this.ctx.transport.ice !== undefined) {
        // The peer restarts ICE: our answer needs new credentials too (RFC 8445 §9).
        this.ctx.jsep.remoteRestarted();
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
      tracks.push(...this.ctx.tset.remoteSending(model));
      this.#finishNegotiation(this.#currentLocal!.applied.model, model, 'remote');
    }
    if (remoteT?.iceUfrag !== undefined && remoteT.icePwd !== undefined) {
      this.ctx.transport.setRemote({ usernameFragment: remoteT.iceUfrag, password: remoteT.icePwd, iceLite: remoteT.iceLite }, remoteT.candidates, remoteT.endOfCandidates);
    }
    const muted = type === 'pranswer' ? [] : this.ctx.tset.remoteStoppedSending(model);
    this.ctx.transportsApplied(model, type, 'remote');
    if (type === 'answer') this.#discardUnused(model);
    this.setSignaling(next);
    for (const t of muted) this.ctx.tset.muteRemote(t);
    this.#announce(tracks);
    if (this.#signaling === 'stable') this.#stable(wasNeeded);
  }

  /**
   * Remote tracks start (or rejoin streams): every track joins its streams before the first
   * `track` event (W3C §4.4.1.5: the events are fired once all sections are processed), so a
   * stream already holds all its tracks.
   */
  #announce(tracks: readonly RTCRtpTransceiver[]): void {
    const added = tracks.map((t) => ({ t, streams: this.ctx.tset.addRemote(t) }));
    for (const { t, streams } of added) this.ctx.track(t, streams);
  }

  /** An answer that rejects every section leaves no transport (RFC 8829 §5.10): ICE and DTLS go, gathering is `new`. */
  #discardUnused(answer: SessionDescription): void {
    if (answer.media.length > 0 && answer.media.every((m) => isRejected(m))) this.ctx.discardTransport();
  }

  /** Negotiation finished: what a later rollback restores is now, and negotiation may be needed again. */
  #stable(wasNeeded: boolean): void {
    for (const t of this.ctx.tset.list) t.markStable();
    this.ctx.nn().afterStable(wasNeeded);
  }

  /** Offer and answer are both applied: directions, rejected sections, DTLS role, SCTP. */
  #finishNegotiation(local: SessionDescription, remote: SessionDescription, answeredBy: 'local' | 'remote'): void {
    this.ctx.tset.applyAnswer(answeredBy === 'local' ? local : remote, answeredBy);
    this.ctx.jsep.negotiated(transportSection(local)?.section.iceUfrag);
    this.ctx.media().configure(this.ctx.tset.list, local, remote, answeredBy);
    this.ctx.tset.removeStopped();
    const localSetup = transportSection(local)?.section.setup ?? local.setup;
    const remoteT = bundleTransport(remote);
    if (remoteT === undefined) return;
    const role = localSetup === 'active' ? 'client' : localSetup === 'passive' ? 'server' : remoteT.setup === 'active' ? 'server' : 'client';
    this.ctx.channels.setRole(this.ctx.transport.role ?? role);
    this.ctx.transport.setDtlsParameters(role, remoteT.fingerprints);
    const localData = dataSection(local);
    const remoteData = dataSection(remote);
    if (localData !== undefined && remoteData !== undefined) {
      const p = sctpParameters(remoteData)!;
      this.ctx.channels.setRemoteMaxMessageSize(p.maxMessageSize);
      this.ctx.transport.enableSctp(p.port, p.maxMessageSize);
    }
  }

  /**
   * Rollback (RFC 8829 §4.1.8.2, W3C §4.4.1.6): the pending descriptions go, transceivers get back
   * the transports and remote streams of the last stable state, a transport the rolled-back
   * description made is discarded, and the state is stable again.
   */
  rollback(): void {
    // Transceivers that got their mid from the rolled-back offer lose it (RFC 8829 §4.1.8.2).
    const current = this.#currentLocal?.applied.model.media ?? [];
    for (const t of this.ctx.tset.list) if (t.mid !== null && !current.some((m) => m.mid === t.mid)) t.setMid(null);
    // Transceivers the rolled-back remote offer made go, unless addTrack attached a track to them (W3C §4.4.1.6).
    for (const t of this.#pendingRemote?.created ?? []) if (!t.addTrackAttached) this.ctx.tset.remove(t);
    const rejoined = this.ctx.tset.restoreStable();
    // Never negotiated: the transport is the rolled-back description's, and goes with it.
    if (this.#currentLocal === undefined) this.ctx.discardTransport();
    this.#pendingLocal = undefined;
    this.#pendingRemote = undefined;
    const wasNeeded = this.ctx.nn().value;
    this.setSignaling('stable');
    this.#announce(rejoined);
    this.ctx.nn().afterStable(wasNeeded);
  }

  /**
   * addIceCandidate: given to ICE now (OperationError for an unknown mid); the returned function
   * writes it into the remote description the application sees, which the spec does in a task
   * queued after (W3C §4.4.1.6 addIceCandidate), and only if that description is still in use.
   */
  addIceCandidate(c: RTCIceCandidateInit): () => void {
    if (this.ctx.closed()) throw closedError('addIceCandidate');
    const remote = this.#pendingRemote ?? this.#currentRemote;
    if (remote === undefined) throw domException('InvalidStateError', 'addIceCandidate before setRemoteDescription');
    const result = applyRemoteCandidate(remote.applied.model, c);
    const bundleUfrag = bundleTransport(remote.applied.model)?.iceUfrag ?? '';
    if (result.endOfCandidates) this.ctx.transport.endOfRemoteCandidates(result.ufrag ?? bundleUfrag);
    else if (result.candidate !== undefined) this.ctx.transport.addRemoteCandidate(result.candidate, result.ufrag ?? bundleUfrag);
    return () => {
      if (this.ctx.closed() || (this.#pendingRemote !== remote && this.#currentRemote !== remote)) return;
      remote.desc = new RTCSessionDescription({ type: remote.desc.type, sdp: write(remote.applied.model) });
    };
  }

  /** The last created offer/answer is still what createOffer/createAnswer would give (W3C §4.4.1.6 step 4.3). */
  fresh(type: 'offer' | 'answer'): boolean {
    return this.#createdAt?.type === type && this.#createdAt.epoch === this.#epoch;
  }

  /** Moves the signaling state; an offer or answer made before is stale either way. */
  setSignaling(s: RTCSignalingState): void {
    this.#epoch++;
    if (this.#signaling === s) return;
    this.#signaling = s;
    this.ctx.signalingChanged();
  }

  /** W3C §4.7.3 "check if negotiation is needed". */
  isNegotiationNeeded(): boolean {
    return negotiationNeeded({
      iceRestartPending: this.ctx.jsep.restartPending,
      currentLocal: this.#currentLocal?.applied,
      currentRemote: this.#currentRemote?.applied,
      dataWanted: this.ctx.channels.wanted,
      transceivers: this.ctx.tset.list,
    });
  }
}

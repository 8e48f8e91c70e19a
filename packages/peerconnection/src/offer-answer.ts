/**
 * The offer/answer part of the peer connection (RFC 8829): the `o=` session id and version, the
 * last created offer and answer (setLocalDescription must get them unchanged), the CNAME, and the
 * ICE credentials of a pending ICE restart, which every offer or answer carries until applied.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { write, type SessionDescription } from '@x/sdp';
import type { RTCCertificate } from './certificate.js';
import type { RTCBundlePolicy } from './configuration.js';
import type { PeerConnectionDependencies } from './factory.js';
import { buildAnswer, buildOffer, type LocalTransportParameters, type OfferResult, type SessionVersion } from './jsep.js';
import type { RTCRtpTransceiver } from './transceiver.js';
import { TransportController } from './transport-controller.js';

/** What offers and answers are made from. */
export interface OfferAnswerSources {
  transport: TransportController;
  /** Every certificate of the configuration (the first is the one DTLS presents), or the generated one. */
  certificates: readonly RTCCertificate[];
  deps: PeerConnectionDependencies;
  bundlePolicy: () => RTCBundlePolicy;
  transceivers: readonly RTCRtpTransceiver[];
}

type Credentials = { usernameFragment: string; password: string };

/** Makes offers and answers and remembers the last of each. */
export class OfferAnswer {
  readonly #sessionId = randomBytes(8).readBigUInt64BE(0) >> 2n;
  #version = 1n;
  /** CNAME of this connection's RTP senders (RFC 7022: random, per connection). */
  readonly cname = randomUUID();
  /** The last offer made, and which transceiver each of its sections is for. */
  lastOffer: { sdp: string; owners: OfferResult['owners'] } | undefined;
  /** The last answer made. */
  lastAnswer: string | undefined;
  /** createOffer({ iceRestart: true }) asked for new credentials not yet applied. */
  restartRequested = false;
  #restartCredentials: Credentials | undefined;
  /**
   * W3C [[LocalIceCredentialsToReplace]]: the ufrags of the local descriptions restartIce() was
   * called under. Offers restart ICE while it is not empty; an answer that leaves the current
   * local description on other credentials empties it.
   */
  readonly #toReplace = new Set<string>();

  constructor(private readonly src: OfferAnswerSources) {}

  /** An offer; `wantData` adds (or keeps) the data channel section. */
  createOffer(currentLocal: SessionDescription | undefined, usedMids: ReadonlySet<string>, wantData: boolean): string {
    if ((this.restartRequested || this.#toReplace.size > 0) && this.src.transport.ice !== undefined) this.#restartCredentials ??= TransportController.freshCredentials();
    const { description, owners } = buildOffer({
      session: this.#nextSession(),
      transceivers: this.src.transceivers,
      wantData,
      currentLocal,
      usedMids,
      transport: this.#localTransport(),
      bundlePolicy: this.src.bundlePolicy(),
      codecs: this.src.deps.codecs,
      cname: this.cname,
      maxMessageSize: this.src.deps.maxMessageSize,
    });
    const sdp = write(description);
    this.lastOffer = { sdp, owners };
    return sdp;
  }

  /** An answer to `offer`; keeps an established DTLS role (client: active, server: passive). */
  createAnswer(offer: SessionDescription, transceiverFor: (mid: string) => RTCRtpTransceiver | undefined): string {
    const sdp = write(
      buildAnswer({
        session: this.#nextSession(),
        offer,
        transceiverFor,
        transport: this.#localTransport(),
        codecs: this.src.deps.codecs,
        setup: this.src.transport.role === 'server' ? 'passive' : 'active',
        cname: this.cname,
        maxMessageSize: this.src.deps.maxMessageSize,
      }),
    );
    this.lastAnswer = sdp;
    return sdp;
  }

  /** restartIce() (W3C §4.4.3.2): the credentials of the current and pending local descriptions are to be replaced. */
  restartIce(localUfrags: readonly string[]): void {
    for (const u of localUfrags) this.#toReplace.add(u);
  }

  /** An ICE restart asked by restartIce() is still to be negotiated (W3C §4.7.3 "check if negotiation is needed"). */
  get restartPending(): boolean {
    return this.#toReplace.size > 0;
  }

  /** An answer was applied: restartIce() is satisfied once the current local credentials are new. */
  negotiated(localUfrag: string | undefined): void {
    if (localUfrag !== undefined && !this.#toReplace.has(localUfrag)) this.#toReplace.clear();
  }

  /** The peer restarted ICE: our answer needs new credentials too (RFC 8445 §9). */
  remoteRestarted(): void {
    this.#restartCredentials ??= TransportController.freshCredentials();
  }

  /** A local description with these credentials was applied: a pending restart is done. */
  credentialsApplied(usernameFragment: string): void {
    if (this.#restartCredentials?.usernameFragment !== usernameFragment) return;
    this.#restartCredentials = undefined;
    this.restartRequested = false;
  }

  #nextSession(): SessionVersion {
    return { sessionId: this.#sessionId, sessionVersion: this.#version++, iceLite: this.src.deps.ice.lite === true };
  }

  #localTransport(): LocalTransportParameters {
    const t = this.src.transport;
    const credentials = this.#restartCredentials ?? t.localIce;
    const current = credentials.usernameFragment === t.localIce.usernameFragment && t.ice !== undefined;
    // One a=fingerprint per certificate (W3C §4.4.1 certificates; a peer accepts any that matches, RFC 8122 §5).
    const fingerprints = this.src.certificates.map((c) => c.getFingerprints()[0]!).map((fp) => ({ algorithm: fp.algorithm, value: fp.value.toUpperCase() }));
    return {
      iceUfrag: credentials.usernameFragment,
      icePwd: credentials.password,
      fingerprints,
      candidates: current ? [...t.localCandidates] : [],
      endOfCandidates: current && t.gatheringComplete,
    };
  }
}

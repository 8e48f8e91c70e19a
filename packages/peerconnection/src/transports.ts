/**
 * The W3C transport objects (WebRTC §5.5 RTCDtlsTransport, §5.6 RTCIceTransport, §6.1.1
 * RTCSctpTransport): read-only views of the transport controller's ICE, DTLS and SCTP, with
 * their `statechange` events fired before the peer connection's aggregate events.
 */
import type { CandidatePair, Candidate } from '@x/ice';
import { RTCError } from './errors.js';
import { RTCErrorEvent } from './events.js';
import { RTCEventTarget, type EventHandler } from './event-target.js';
import { RTCIceCandidate } from './ice-candidate.js';
import type { TransportController } from './transport-controller.js';

/** `RTCIceTransportState`. */
export type RTCIceTransportState = 'new' | 'checking' | 'connected' | 'completed' | 'disconnected' | 'failed' | 'closed';
/** `RTCIceGathererState`. */
export type RTCIceGathererState = 'new' | 'gathering' | 'complete';
/** `RTCDtlsTransportState`. */
export type RTCDtlsTransportState = 'new' | 'connecting' | 'connected' | 'closed' | 'failed';
/** `RTCSctpTransportState`. */
export type RTCSctpTransportState = 'connecting' | 'connected' | 'closed';

/** ICE ufrag and password. */
export interface RTCIceParameters {
  usernameFragment: string;
  password: string;
}

/** The selected pair. */
export interface RTCIceCandidatePair {
  local: RTCIceCandidate;
  remote: RTCIceCandidate;
}

function toRtc(c: Candidate, mid: string): RTCIceCandidate {
  let line = `candidate:${c.foundation} ${c.component} ${c.transport} ${c.priority} ${c.address} ${c.port} typ ${c.type}`;
  if (c.relatedAddress !== undefined && c.relatedPort !== undefined) line += ` raddr ${c.relatedAddress} rport ${c.relatedPort}`;
  if (c.tcpType !== undefined) line += ` tcptype ${c.tcpType}`;
  return new RTCIceCandidate({ candidate: line, sdpMid: mid, sdpMLineIndex: 0 });
}

/** The ICE transport of the bundle. */
export class RTCIceTransport extends RTCEventTarget {
  #state: RTCIceTransportState = 'new';
  #gathering: RTCIceGathererState = 'new';

  /** @internal */
  constructor(private readonly controller: TransportController, private readonly mid: () => string) {
    super();
  }

  /** controlling, controlled, or unknown before ICE starts. */
  get role(): 'controlling' | 'controlled' | 'unknown' {
    const ice = this.controller.ice;
    return ice === undefined ? 'unknown' : ice.agent.controlling ? 'controlling' : 'controlled';
  }
  /** Always rtp (rtcp-mux). */
  get component(): 'rtp' {
    return 'rtp';
  }
  get state(): RTCIceTransportState {
    return this.#state;
  }
  get gatheringState(): RTCIceGathererState {
    return this.#gathering;
  }
  /** Local candidates gathered so far. */
  getLocalCandidates(): RTCIceCandidate[] {
    return (this.controller.ice?.agent.getLocalCandidates() ?? []).map((c) => toRtc(c, this.mid()));
  }
  /** Remote candidates known so far. */
  getRemoteCandidates(): RTCIceCandidate[] {
    return (this.controller.ice?.agent.getRemoteCandidates() ?? []).map((c) => toRtc(c, this.mid()));
  }
  /** The selected pair, or null. */
  getSelectedCandidatePair(): RTCIceCandidatePair | null {
    const p = this.controller.ice?.selectedPair;
    return p === undefined ? null : { local: toRtc(p.local, this.mid()), remote: toRtc(p.remote, this.mid()) };
  }
  /** Local ufrag and password, null before ICE starts. */
  getLocalParameters(): RTCIceParameters | null {
    const ice = this.controller.ice;
    return ice === undefined ? null : { usernameFragment: ice.localParameters.usernameFragment, password: ice.localParameters.password };
  }
  /** Remote ufrag and password, null before they are known. */
  getRemoteParameters(): RTCIceParameters | null {
    const r = this.controller.ice?.agent.remoteParameters;
    return r === undefined ? null : { usernameFragment: r.usernameFragment, password: r.password };
  }

  get onstatechange(): EventHandler {
    return this.getHandler('statechange');
  }
  set onstatechange(h: EventHandler) {
    this.setHandler('statechange', h);
  }
  get ongatheringstatechange(): EventHandler {
    return this.getHandler('gatheringstatechange');
  }
  set ongatheringstatechange(h: EventHandler) {
    this.setHandler('gatheringstatechange', h);
  }
  get onselectedcandidatepairchange(): EventHandler {
    return this.getHandler('selectedcandidatepairchange');
  }
  set onselectedcandidatepairchange(h: EventHandler) {
    this.setHandler('selectedcandidatepairchange', h);
  }

  /** @internal */
  setState(s: RTCIceTransportState, fire = true): void {
    if (this.#state === s) return;
    this.#state = s;
    if (fire) this.fire('statechange');
  }
  /** @internal */
  setGatheringState(s: RTCIceGathererState): void {
    if (this.#gathering === s) return;
    this.#gathering = s;
    this.fire('gatheringstatechange');
  }
  /** @internal */
  selectedPairChanged(_pair: CandidatePair): void {
    this.fire('selectedcandidatepairchange');
  }
}

/** The DTLS transport of the bundle. */
export class RTCDtlsTransport extends RTCEventTarget {
  #state: RTCDtlsTransportState = 'new';

  /** @internal */
  constructor(private readonly controller: TransportController, readonly iceTransport: RTCIceTransport) {
    super();
  }

  get state(): RTCDtlsTransportState {
    return this.#state;
  }
  /** The peer's certificate chain (the leaf, DER), once connected. */
  getRemoteCertificates(): ArrayBuffer[] {
    const der = this.controller.dtls?.remoteCertificate;
    return der === undefined ? [] : [der.buffer.slice(der.byteOffset, der.byteOffset + der.byteLength) as ArrayBuffer];
  }

  get onstatechange(): EventHandler {
    return this.getHandler('statechange');
  }
  set onstatechange(h: EventHandler) {
    this.setHandler('statechange', h);
  }
  get onerror(): EventHandler<RTCErrorEvent> {
    return this.getHandler('error');
  }
  set onerror(h: EventHandler<RTCErrorEvent>) {
    this.setHandler('error', h);
  }

  /** @internal `failed` comes with an error event first (W3C §5.5.1). */
  setState(s: RTCDtlsTransportState, fire = true, reason?: { fingerprint: boolean; message: string; receivedAlert?: number; sentAlert?: number }): void {
    if (this.#state === s) return;
    this.#state = s;
    if (!fire) return;
    if (s === 'failed') {
      const detail = reason?.fingerprint === true ? 'fingerprint-failure' : 'dtls-failure';
      // W3C §5.5.1: the alert that ended it, received from the peer or sent to it.
      const alerts = { ...(reason?.receivedAlert !== undefined ? { receivedAlert: reason.receivedAlert } : {}), ...(reason?.sentAlert !== undefined ? { sentAlert: reason.sentAlert } : {}) };
      this.dispatchEvent(new RTCErrorEvent('error', { error: new RTCError({ errorDetail: detail, ...alerts }, reason?.message ?? 'DTLS failed') }));
    }
    this.fire('statechange');
  }
}

/** The SCTP transport data channels run over. */
export class RTCSctpTransport extends RTCEventTarget {
  #state: RTCSctpTransportState = 'connecting';
  #maxChannels: number | null = null;

  /** @internal */
  constructor(readonly transport: RTCDtlsTransport, private readonly maxMessage: () => number) {
    super();
  }

  get state(): RTCSctpTransportState {
    return this.#state;
  }
  /** The largest message send() accepts: the peer's a=max-message-size. */
  get maxMessageSize(): number {
    return this.maxMessage();
  }
  /** Streams available once connected (both sides' smaller stream count); null before. */
  get maxChannels(): number | null {
    return this.#maxChannels;
  }
  get onstatechange(): EventHandler {
    return this.getHandler('statechange');
  }
  set onstatechange(h: EventHandler) {
    this.setHandler('statechange', h);
  }

  /**
   * @internal `maxChannels` comes with `connected`: the streams the association can use, the
   * smaller of our count and the one the peer's INIT or INIT ACK allowed.
   */
  setState(s: RTCSctpTransportState, fire = true, maxChannels?: number): void {
    if (this.#state === s) return;
    this.#state = s;
    if (s === 'connected') this.#maxChannels = maxChannels ?? 65535;
    if (fire) this.fire('statechange');
  }
}

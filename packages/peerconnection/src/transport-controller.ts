/**
 * The transport controller: one ICE transport and one DTLS transport for the BUNDLE group, SCTP
 * over DTLS when data channels are negotiated, and the first-byte demultiplexer of RFC 7983
 * (0–3 STUN, inside ICE; 20–63 DTLS; 128–191 RTP/RTCP) between ICE and the rest.
 */
import { DropLog, layerLogger, type Logger } from '@x/base';
import { DtlsEndpoint, type CertificateFingerprint, type DtlsState } from '@x/dtls';
import { IceTransport, formatCandidate, type CandidatePair, generateIceParameters, type IceConnectionState, type IceGatheringState, type LocalCandidate } from '@x/ice';
import { SctpTransport } from '@x/sctp';
import { SrtpError, SrtpSession } from '@x/srtp';
import { parseCandidate as parseSdpCandidate, writeCandidate, type Fingerprint, type IceCandidate } from '@x/sdp';
import type { RTCCertificate } from './certificate.js';
import type { ResolvedConfiguration } from './configuration.js';
import type { ConnectionLogs } from './connection-log.js';
import type { PeerConnectionDependencies } from './factory.js';

/** What the controller reports to the peer connection. */
export interface TransportEvents {
  /** A local candidate (as an SDP candidate), or null when gathering is complete. */
  candidate(c: IceCandidate | null, ufrag: string, origin?: { url?: string; relayProtocol?: 'udp' | 'tcp' | 'tls' }): void;
  gatheringState(s: IceGatheringState): void;
  iceState(s: IceConnectionState): void;
  dtlsState(s: DtlsState, error?: DtlsFailure): void;
  /** ICE selected a (new) pair. */
  selectedPair(p: CandidatePair): void;
  /** The association object exists (before it is established): bind data channels to it. */
  sctp(sctp: SctpTransport): void;
  /** An SRTP or SRTCP packet arrived and was unprotected (RFC 5761 demux by payload type 192–223). */
  media?(packet: Uint8Array, rtcp: boolean): void;
  /** SRTP is keyed: media can be sent. */
  srtpReady?(): void;
  /** A STUN or TURN server refused or could not be reached while gathering (W3C icecandidateerror). */
  candidateError?(e: Parameters<Parameters<IceTransport['onCandidateError']>[0]>[0]): void;
}

/** Why DTLS failed: the DtlsError's code and message, and the alert received or sent (by number). */
export interface DtlsFailure {
  code: string;
  message: string;
  receivedAlert?: number;
  sentAlert?: number;
}

/** The remote side's ICE parameters for the bundle. */
export interface RemoteIceParameters {
  usernameFragment: string;
  password: string;
  iceLite: boolean;
}

/** What went over the selected pair, for transport and candidate-pair stats. */
export interface TransportTraffic {
  packetsSent: number;
  bytesSent: number;
  packetsReceived: number;
  bytesReceived: number;
  lastPacketSentTimestamp: number | undefined;
  lastPacketReceivedTimestamp: number | undefined;
}

/** Counters of the demultiplexer. */
export interface DemuxStats {
  dtlsPackets: number;
  rtpPackets: number;
  /** SRTP/SRTCP packets refused (before keying, authentication or replay failures). */
  srtpDropped: number;
  /** Not STUN, DTLS or RTP (RFC 7983 ranges), dropped. */
  dropped: number;
}

const MAX_EARLY_DTLS = 16;
/** What an SRTP refusal usually means, for the log. */
const SRTP_WHY: Partial<Record<string, string>> = {
  'auth-failed': ' (the authentication tag does not verify: altered in transit, or keyed from another DTLS session)',
  replayed: ' (a packet index already received: a duplicate, RFC 3711 §3.3.2)',
  'too-old': ' (behind the replay window)',
};
/** SCTP packets of WebRTC stacks (usrsctp's 1200; dcsctp's 1191 fits in it): BASE_PLPMTU. */
const SCTP_BASE_MTU = 1200;
/**
 * The largest SCTP packet Path MTU Discovery tries on a loopback pair: its DTLS datagram (record
 * header 13, explicit nonce 8, tag 16; 64 left for any suite) stays within 2048 bytes, the most
 * libwebrtc reads (`kMaxDtlsPacketLen`): a larger probe does not just go unanswered, it makes
 * libwebrtc's DTLS transport fail (seen with @roamhq/wrtc and Chromium at 4096 and 16384). A
 * record could carry 16384 (RFC 6347 §4.1), and two of our stacks gain most there, but a peer
 * connection cannot know what it talks to.
 */
const SCTP_LOOPBACK_MAX_MTU = 2048 - 64;
const FINGERPRINT_ALGORITHMS: ReadonlySet<string> = new Set(['sha-1', 'sha-256', 'sha-384', 'sha-512']);

/** ICE + DTLS (+ SCTP) for one bundle group. */
export class TransportController {
  /** The ICE transport, once a local description started gathering. */
  ice: IceTransport | undefined;
  /** The DTLS endpoint, once ICE connected and the remote fingerprint is known. */
  dtls: DtlsEndpoint | undefined;
  /** SCTP, once DTLS connected and data channels were negotiated. */
  sctp: SctpTransport | undefined;
  /** SRTP keyed from DTLS-SRTP (RFC 5764) once the handshake is done and use_srtp was agreed. */
  srtp: SrtpSession | undefined;
  /** Local ICE credentials in use (or about to be, after a restart). */
  localIce: { usernameFragment: string; password: string } = generateIceParameters();
  /** Demultiplexer counters. */
  readonly demux: DemuxStats = { dtlsPackets: 0, rtpPackets: 0, srtpDropped: 0, dropped: 0 };
  /**
   * Packets and bytes through the selected pair (not counting STUN), and when the last one went
   * each way (stats timestamps: ms since the Unix epoch, `performance.timeOrigin + performance.now()`).
   */
  readonly traffic: TransportTraffic = { packetsSent: 0, bytesSent: 0, packetsReceived: 0, bytesReceived: 0, lastPacketSentTimestamp: undefined, lastPacketReceivedTimestamp: undefined };
  /** Local candidates gathered for the current credentials, as SDP candidates. */
  readonly localCandidates: IceCandidate[] = [];
  /** Gathering finished for the current credentials. */
  gatheringComplete = false;
  /** Bumped when the transport is discarded: events queued before belong to the old one. */
  generation = 0;
  private dtlsState: DtlsState = 'new';
  private dtlsRole: 'client' | 'server' | undefined;
  private remoteFingerprints: CertificateFingerprint[] | undefined;
  private sctpWanted: { remotePort: number; maxMessageSize: number } | undefined;
  private remote: RemoteIceParameters | undefined;
  private remoteAppliedUfrag: string | undefined;
  private readonly remoteCandidates: Array<{ ufrag: string; line: string }> = [];
  private remoteEnded: string | undefined;
  private earlyDtls: Uint8Array[] = [];
  private dtlsIn: ((d: Uint8Array) => void) | undefined;
  private closed = false;
  private readonly log: Logger;
  /** SRTP refusals, said through the connection's RTP log (the first of each reason, then counts). */
  private readonly srtpDrops: DropLog;

  constructor(
    private readonly deps: PeerConnectionDependencies,
    private readonly config: () => ResolvedConfiguration,
    private readonly certificate: RTCCertificate,
    private readonly events: TransportEvents,
    /** The connection's loggers: each layer's lines carry the connection's id. */
    private readonly logs: ConnectionLogs,
  ) {
    this.log = logs.pc;
    this.srtpDrops = new DropLog(layerLogger(logs.forLayer('x-rtp'), 'x-rtp'));
  }

  /** Current DTLS state (new before the endpoint exists). */
  get dtlsTransportState(): DtlsState {
    return this.dtlsState;
  }
  /** ICE connection state. */
  get iceState(): IceConnectionState {
    return this.ice?.state ?? 'new';
  }
  /** The DTLS role, once negotiated. */
  get role(): 'client' | 'server' | undefined {
    return this.dtlsRole;
  }

  /** New local ICE credentials for an ICE restart offer or answer (not applied until the description is). */
  static freshCredentials(): { usernameFragment: string; password: string } {
    return generateIceParameters();
  }

  /**
   * A local description was applied: starts ICE (controlling for the offerer, RFC 8445 §6.1.1)
   * and gathering, or restarts ICE when the description carries new credentials.
   */
  applyLocal(credentials: { usernameFragment: string; password: string }, controlling: boolean): void {
    if (this.closed) return;
    if (this.ice === undefined) {
      this.localIce = credentials;
      this.startIce(controlling);
      return;
    }
    if (credentials.usernameFragment === this.ice.localParameters.usernameFragment) return;
    this.localIce = credentials;
    this.localCandidates.length = 0;
    this.gatheringComplete = false;
    // The description's credentials, not fresh ones: the SDP carries these.
    this.ice.restart(credentials);
    this.applyRemote();
  }

  /** The remote description's ICE parameters and candidates for the bundle. */
  setRemote(p: RemoteIceParameters, candidates: IceCandidate[], endOfCandidates: boolean): void {
    if (this.closed) return;
    this.remote = p;
    for (const c of candidates) this.remoteCandidates.push({ ufrag: p.usernameFragment, line: writeCandidate(c) });
    if (endOfCandidates) this.remoteEnded = p.usernameFragment;
    this.applyRemote();
  }

  /** A trickled remote candidate (already validated against the remote description). */
  addRemoteCandidate(c: IceCandidate, ufrag: string): void {
    if (this.closed) return;
    this.remoteCandidates.push({ ufrag, line: writeCandidate(c) });
    this.applyRemote();
  }

  /** The peer said end-of-candidates. */
  endOfRemoteCandidates(ufrag: string): void {
    if (this.closed) return;
    this.remoteEnded = ufrag;
    this.applyRemote();
  }

  /** Both descriptions are in: the DTLS role and the peer's fingerprints (RFC 8842, RFC 8122). */
  setDtlsParameters(role: 'client' | 'server', fingerprints: Fingerprint[]): void {
    if (this.dtlsRole === undefined) this.dtlsRole = role;
    this.remoteFingerprints = fingerprints
      .filter((f) => FINGERPRINT_ALGORITHMS.has(f.algorithm.toLowerCase()))
      .map((f) => ({ algorithm: f.algorithm.toLowerCase() as CertificateFingerprint['algorithm'], value: f.value.toUpperCase() }));
    this.maybeStartDtls();
  }

  /** Data channels were negotiated: run SCTP over DTLS. */
  enableSctp(remotePort: number, maxMessageSize: number): void {
    if (this.sctpWanted !== undefined) return;
    this.sctpWanted = { remotePort, maxMessageSize };
    this.maybeStartSctp();
  }

  /** Closes SCTP, DTLS (close_notify) and ICE (sockets, timers). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    shutDown(this);
  }

  /**
   * The transport is gone while the connection stays (RFC 8829 §4.1.8.2, §5.10): the description
   * that made it was rolled back, or a negotiation rejected every section. SCTP, DTLS and ICE
   * close as in {@link close}, what they knew of the peer is forgotten, and the next local
   * description starts a fresh transport. The events of the old one are not reported.
   */
  discard(): void {
    if (this.closed || (this.ice === undefined && this.remote === undefined)) return;
    const { ice, dtls, sctp } = this;
    this.log.debug('transport discarded');
    this.generation++;
    this.ice = undefined;
    this.dtls = undefined;
    this.sctp = undefined;
    this.srtp = undefined;
    this.localCandidates.length = 0;
    this.gatheringComplete = false;
    this.dtlsState = 'new';
    this.dtlsRole = undefined;
    this.remoteFingerprints = undefined;
    this.sctpWanted = undefined;
    this.remote = undefined;
    this.remoteAppliedUfrag = undefined;
    this.remoteCandidates.length = 0;
    this.remoteEnded = undefined;
    this.earlyDtls = [];
    this.dtlsIn = undefined;
    shutDown({ ice, dtls, sctp });
  }

  private startIce(controlling: boolean): void {
    const c = this.config();
    const s = this.deps.ice;
    const ice = new IceTransport({
      controlling,
      usernameFragment: this.localIce.usernameFragment,
      password: this.localIce.password,
      // An ICE-lite agent has host candidates only (RFC 8445 §2.5).
      iceServers: s.lite === true ? [] : c.iceServers,
      iceTransportPolicy: c.iceTransportPolicy,
      clock: this.deps.clock,
      ...pick(s),
      logger: this.logs.forLayer('x-ice', 'x-stun'),
    });
    this.log.debug(`ICE starts as ${s.lite === true ? 'lite' : controlling ? 'controlling' : 'controlled'}, ${s.lite === true ? 0 : c.iceServers.length} ICE server(s), policy ${c.iceTransportPolicy}`);
    this.ice = ice;
    // A discarded transport's events are not ours any more.
    ice.onLocalCandidate((lc) => this.ice === ice && this.onLocalCandidate(lc));
    ice.onGatheringStateChange((g) => {
      if (this.ice !== ice) return;
      if (g === 'complete') this.gatheringComplete = true;
      this.events.gatheringState(g);
    });
    ice.onStateChange((st) => {
      if (this.ice !== ice) return;
      this.events.iceState(st);
      if (st === 'connected' || st === 'completed') this.maybeStartDtls();
    });
    ice.onData((d) => this.ice === ice && this.demultiplex(d));
    ice.onSelectedPairChange((p) => this.ice === ice && this.events.selectedPair(p));
    ice.onCandidateError((e) => this.ice === ice && this.events.candidateError?.(e));
    this.applyRemote();
    ice.gather().catch((e: unknown) => this.log.warn('ICE gathering failed', e));
  }

  private onLocalCandidate(lc: LocalCandidate | null): void {
    if (lc === null) {
      this.events.candidate(null, this.localIce.usernameFragment);
      return;
    }
    let c: IceCandidate;
    try {
      c = parseSdpCandidate(formatCandidate(lc));
    } catch (e) {
      this.log.warn('local candidate did not format', e);
      return;
    }
    this.localCandidates.push(c);
    this.events.candidate(c, this.localIce.usernameFragment, { ...(lc.url !== undefined ? { url: lc.url } : {}), ...(lc.relayProtocol !== undefined ? { relayProtocol: lc.relayProtocol } : {}) });
  }

  /** Hands remote parameters and candidates to ICE once they belong to the generation ICE is in. */
  private applyRemote(): void {
    const ice = this.ice;
    const remote = this.remote;
    if (ice === undefined || remote === undefined) return;
    if (remote.usernameFragment !== this.remoteAppliedUfrag) {
      try {
        ice.setRemoteParameters({ usernameFragment: remote.usernameFragment, password: remote.password, iceLite: remote.iceLite });
        this.remoteAppliedUfrag = remote.usernameFragment;
      } catch (e) {
        // The peer restarted and our restart has not been applied yet: wait for it.
        this.log.debug('remote ICE parameters deferred until our ICE restart is applied', e);
        return;
      }
    }
    const mine = this.remoteCandidates.filter((c) => c.ufrag === this.remoteAppliedUfrag);
    // Candidates of an older generation are dropped; those of a pending restart wait.
    const later = this.remoteCandidates.filter((c) => c.ufrag !== this.remoteAppliedUfrag && c.ufrag === remote.usernameFragment);
    this.remoteCandidates.splice(0, this.remoteCandidates.length, ...later);
    for (const c of mine) void ice.addRemoteCandidate(c.line);
    if (this.remoteEnded === this.remoteAppliedUfrag) {
      this.remoteEnded = undefined;
      ice.endOfRemoteCandidates();
    }
  }

  private demultiplex(d: Uint8Array): void {
    const b = d[0] ?? 0;
    this.traffic.packetsReceived++;
    this.traffic.bytesReceived += d.length;
    this.traffic.lastPacketReceivedTimestamp = performance.timeOrigin + performance.now();
    if (b >= 20 && b <= 63) {
      this.demux.dtlsPackets++;
      if (this.dtlsIn !== undefined) this.dtlsIn(d);
      else if (this.earlyDtls.length < MAX_EARLY_DTLS) this.earlyDtls.push(d.slice());
      return;
    }
    if (b >= 128 && b <= 191) {
      this.demux.rtpPackets++;
      this.receiveMedia(d);
      return;
    }
    this.demux.dropped++;
  }

  /** Starts DTLS once possible; a failure to start is DTLS failing, never an exception out of a socket callback. */
  private maybeStartDtls(): void {
    try {
      this.startDtls();
    } catch (e) {
      this.log.warn('DTLS could not start', e);
      this.setDtlsState('failed', { code: 'internal', message: e instanceof Error ? e.message : String(e) });
    }
  }

  private startDtls(): void {
    if (this.closed || this.dtls !== undefined || this.ice === undefined) return;
    if (this.dtlsRole === undefined || this.remoteFingerprints === undefined) return;
    const st = this.ice.state;
    if (st !== 'connected' && st !== 'completed') return;
    const ice = this.ice;
    const dtls = new DtlsEndpoint(
      {
        send: (d) => {
          this.traffic.packetsSent++;
          this.traffic.bytesSent += d.length;
          this.traffic.lastPacketSentTimestamp = performance.timeOrigin + performance.now();
          ice.send(d);
        },
        onData: (cb) => {
          this.dtlsIn = cb;
        },
        close: () => undefined,
      },
      {
        role: this.dtlsRole,
        certificate: this.certificate.dtls,
        remoteFingerprints: this.remoteFingerprints,
        // No HelloVerifyRequest: ICE's checks already proved that the peer receives at this
        // address (the cookie's only job, RFC 6347 §4.2.1), and libwebrtc's server sends none
        // either, so every client takes a server without it. One round trip less per connection.
        cookies: false,
        now: this.deps.clock,
        logger: this.logs.forLayer('x-dtls'),
      },
    );
    this.log.debug(`DTLS starts as ${this.dtlsRole} over ${ice.selectedPair?.toString() ?? 'ICE'}`);
    this.dtls = dtls;
    this.setDtlsState('connecting');
    dtls.on('connected', () => {
      if (this.dtls !== dtls) return;
      this.keySrtp(dtls);
      this.setDtlsState('connected');
      this.maybeStartSctp();
    });
    dtls.on('error', (e) => {
      if (this.dtls !== dtls) return;
      this.log.warn(`DTLS failed: ${e.code}: ${e.message}`);
      const alert = e.alert === undefined ? {} : e.code === 'alert-received' ? { receivedAlert: e.alert } : { sentAlert: e.alert };
      this.setDtlsState('failed', { code: e.code, message: e.message, ...alert });
    });
    dtls.on('close', () => {
      if (this.dtls === dtls && this.dtlsState !== 'failed') this.setDtlsState('closed');
    });
    dtls.start();
    const early = this.earlyDtls;
    this.earlyDtls = [];
    for (const d of early) this.dtlsIn?.(d);
  }

  /**
   * The largest SCTP packet Path MTU Discovery may try. Probes are confirmed end to end, so DATA
   * only ever fills a size that arrived; but node:dgram cannot set the don't-fragment bit
   * (IP_MTU_DISCOVER), so on a real path the kernel would fragment a probe larger than the link
   * and discovery would confirm a size that only crosses as IP fragments, which many NATs and
   * firewalls drop. On a loopback pair (both ends 127/8 or ::1; the interface carries 64 KiB,
   * nothing is fragmented) that cannot happen, and discovery goes up to {@link SCTP_LOOPBACK_MAX_MTU}. Elsewhere
   * packets stay at the WebRTC base of 1200 bytes, as libwebrtc (usrsctp and dcsctp) keeps them.
   * A path that changes later and shrinks is caught by SCTP's black-hole detection.
   */
  private sctpMaxMtu(): number {
    const pair = this.ice?.selectedPair;
    if (!this.config().sctpPathMtuDiscovery || pair === undefined) return SCTP_BASE_MTU;
    return isLoopbackAddress(pair.local.address) && isLoopbackAddress(pair.remote.address) ? SCTP_LOOPBACK_MAX_MTU : SCTP_BASE_MTU;
  }

  /** Protects and sends one RTP packet; false when SRTP is not keyed yet (or the packet is refused). */
  sendRtp(packet: Uint8Array): boolean {
    return this.sendMedia(packet, false);
  }

  /** Protects and sends one RTCP (compound) packet; false when SRTP is not keyed yet. */
  sendRtcp(packet: Uint8Array): boolean {
    return this.sendMedia(packet, true);
  }

  private sendMedia(packet: Uint8Array, rtcp: boolean): boolean {
    const srtp = this.srtp;
    const ice = this.ice;
    if (srtp === undefined || ice === undefined || this.closed) return false;
    let out: Uint8Array;
    try {
      out = rtcp ? srtp.protectRtcp(packet) : srtp.protectRtp(packet);
    } catch (e) {
      this.log.debug('SRTP protect failed', e);
      return false;
    }
    this.traffic.packetsSent++;
    this.traffic.bytesSent += out.length;
    this.traffic.lastPacketSentTimestamp = performance.timeOrigin + performance.now();
    ice.send(out);
    return true;
  }

  /** RFC 5764 §4.2: keys from the exporter, profile from use_srtp, directions from our DTLS role. */
  private keySrtp(dtls: DtlsEndpoint): void {
    if (this.srtp !== undefined || this.dtlsRole === undefined) return;
    try {
      const keys = dtls.getSrtpKeyingMaterial();
      if (keys === undefined) return; // use_srtp not agreed: data channels only
      this.srtp = new SrtpSession({ profile: keys.profile, keys, role: this.dtlsRole });
    } catch (e) {
      this.log.warn('SRTP could not be keyed', e);
      return;
    }
    this.events.srtpReady?.();
  }

  /** RTP and RTCP share the port (RFC 5761 §4): payload type 192–223 is RTCP. */
  private receiveMedia(d: Uint8Array): void {
    const srtp = this.srtp;
    const pt = d[1] ?? 0;
    const rtcp = pt >= 192 && pt <= 223;
    if (srtp === undefined) {
      this.demux.srtpDropped++;
      if (this.srtpDrops.on) this.srtpDrops.drop('SRTP before keying', () => `${rtcp ? 'SRTCP' : 'SRTP'} packet dropped: SRTP is not keyed yet (DTLS ${this.dtlsState})`);
      return;
    }
    let plain: Uint8Array;
    try {
      plain = rtcp ? srtp.unprotectRtcp(d) : srtp.unprotectRtp(d);
    } catch (e) {
      // The session counted it (srtp.stats.dropped by code); a log says why, once a reason.
      this.demux.srtpDropped++;
      if (this.srtpDrops.on) this.srtpDrop(e, d, rtcp);
      return;
    }
    try {
      this.events.media?.(plain, rtcp);
    } catch (e) {
      this.log.warn('media handler failed', e);
    }
  }

  private srtpDrop(e: unknown, d: Uint8Array, rtcp: boolean): void {
    const code = e instanceof SrtpError ? e.code : 'malformed';
    const kind = `${rtcp ? 'SRTCP' : 'SRTP'} ${code}`;
    this.srtpDrops.drop(kind, () => {
      const ssrc = d.length >= (rtcp ? 8 : 12) ? ((d[rtcp ? 4 : 8]! << 24) | (d[rtcp ? 5 : 9]! << 16) | (d[rtcp ? 6 : 10]! << 8) | d[rtcp ? 7 : 11]!) >>> 0 : undefined;
      const which = rtcp ? `SRTCP packet${ssrc === undefined ? '' : ` from ssrc ${ssrc}`}` : `SRTP packet${ssrc === undefined ? '' : ` ssrc ${ssrc} seq ${(d[2]! << 8) | d[3]!}`}`;
      return `${which} dropped: ${code}${SRTP_WHY[code] ?? ''}`;
    }, code === 'replayed' || code === 'too-old' ? 'debug' : 'warn');
  }

  private setDtlsState(s: DtlsState, error?: DtlsFailure): void {
    if (this.dtlsState === s) return;
    this.dtlsState = s;
    this.events.dtlsState(s, error);
  }

  private maybeStartSctp(): void {
    try {
      this.startSctp();
    } catch (e) {
      this.log.warn('SCTP could not start', e);
    }
  }

  private startSctp(): void {
    if (this.closed || this.sctp !== undefined || this.sctpWanted === undefined) return;
    if (this.dtls === undefined || this.dtlsState !== 'connected' || this.dtlsRole === undefined) return;
    const sctp = new SctpTransport(this.dtls.asTransport(), {
      role: this.dtlsRole,
      maxMessageSize: this.sctpWanted.maxMessageSize,
      localPort: 5000,
      remotePort: this.sctpWanted.remotePort,
      clock: this.deps.clock,
      mtu: SCTP_BASE_MTU,
      maxMtu: this.sctpMaxMtu(),
      // Packets travel inside DTLS records, which are authenticated (RFC 9653, EDMID 1); opt-in,
      // see RTCConfiguration.sctpZeroChecksum.
      zeroChecksum: this.config().sctpZeroChecksum,
      logger: this.logs.forLayer('x-sctp'),
    });
    this.log.debug(`SCTP starts as ${this.dtlsRole}, remote port ${this.sctpWanted.remotePort}, max message ${this.sctpWanted.maxMessageSize}`);
    this.sctp = sctp;
    this.events.sctp(sctp);
    sctp.connect();
  }
}

/** Closes SCTP (ABORT), DTLS (close_notify), then ICE in a later turn, so what the first two just handed to the sockets goes out. */
function shutDown(parts: { ice: IceTransport | undefined; dtls: DtlsEndpoint | undefined; sctp: SctpTransport | undefined }): void {
  const ice = parts.ice;
  try {
    parts.sctp?.close();
  } finally {
    parts.dtls?.close();
    if (ice !== undefined) setImmediate(() => ice.close());
  }
}

/** 127.0.0.0/8, ::1 and ::ffff:127.x (a v4-mapped loopback). */
function isLoopbackAddress(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address.toLowerCase().startsWith('::ffff:127.');
}

function pick(s: PeerConnectionDependencies['ice']): Partial<ConstructorParameters<typeof IceTransport>[0]> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) if (v !== undefined) out[k] = v;
  return out;
}

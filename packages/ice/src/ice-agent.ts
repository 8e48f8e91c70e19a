import { randomBytes } from 'node:crypto';
import { remoteKey, RTP_COMPONENT, type Candidate, type LocalCandidate, type RelayProtocol, type TcpType } from './candidate.js';
import { hostCandidate, peerReflexivePriority, relayCandidate, serverReflexiveCandidate, tcpHostCandidate } from './local-candidate.js';
import { handleCheckRequest, handleCheckResponse, integrityOk, type CheckHost, type PreviousGeneration } from './check-processing.js';
import { TransactionTable, type Transaction, type TransactionInit } from './stun-transactions.js';
import { CandidatePair } from './candidate-pair.js';
import { Checklist, pairToNominate } from './checklist.js';
import { connectionStateOf } from './connection-state.js';
import { encodeCheckRequest, encodeServerBindingRequest } from './connectivity-check.js';
import { IceError } from './errors.js';
import {
  newAgentStats,
  resolveAgentOptions,
  type ResolvedAgentOptions,
  type IceAgentEvent,
  type IceAgentOptions,
  type IceAgentStats,
  type IceConnectionState,
  type IceGatheringState,
  type Transmit,
} from './ice-agent-types.js';
import { generateIceParameters, validateIceParameters, type IceParameters } from './ice-parameters.js';
import {
  decodeMessage,
  ErrorCode,
  isStunMessage,
  MappedAddress,
  newTransactionId,
  StunClass,
  StunMethod,
  XorMappedAddress,
  type StunMessage,
} from '@x/stun';
import { addressFamily, sameAddress, type TransportAddress } from './transport-address.js';
import { layerLogger } from '@x/base';
import { IceAgentLog, type StateFacts } from './ice-log.js';

/** Interval (ms, uniformly random) of checks on a pair in use but not yet nominated. */
const UNNOMINATED_RECHECK: readonly [number, number] = [800, 1200];

/**
 * A sans-IO ICE agent (RFC 8445) for one component, with trickle (RFC 8838) and consent
 * freshness (RFC 7675). Feed it datagrams with `handleDatagram` and time with `handleTimeout`;
 * take what it wants sent from `pollTransmit`, its next deadline from `pollTimeout` and its
 * events from `pollEvent`. It owns no socket and no clock.
 */
export class IceAgent {
  /** Counters of work done and packets dropped. */
  readonly stats: IceAgentStats = newAgentStats();
  /** The checklist (one component). */
  readonly checklist = new Checklist();

  private readonly opts: ResolvedAgentOptions;
  private local: IceParameters;
  private remote: IceParameters | undefined;
  private controllingRole: boolean;
  private readonly tieBreaker: bigint;
  private readonly localCandidates: LocalCandidate[] = [];
  private readonly baseBySocket = new Map<number, LocalCandidate>();
  private readonly remoteCandidates = new Map<string, Candidate>();
  private readonly extraValid: CandidatePair[] = [];
  private readonly transactions: TransactionTable;
  private readonly host: CheckHost;
  private readonly transmits: Transmit[] = [];
  private readonly events: IceAgentEvent[] = [];
  private now = 0;
  private nextCheckAt = 0;
  private firstValidAt: number | undefined;
  private allFailedSince: number | undefined;
  private nominating: CandidatePair | undefined;
  private nominationQueued: CandidatePair | undefined;
  private selected: CandidatePair | undefined;
  private restarting = false;
  /** The generation before a restart, while its selected pair still carries data (see check-processing.ts). */
  private previous: PreviousGeneration | undefined;
  private consentLost = false;
  private closed = false;
  private localEndOfCandidates = false;
  private remoteEndOfCandidates = false;
  private gathering: IceGatheringState = 'new';
  private connection: IceConnectionState = 'new';
  private readonly log: IceAgentLog;

  constructor(options: IceAgentOptions) {
    this.opts = resolveAgentOptions(options);
    this.log = new IceAgentLog(layerLogger(options.logger, 'x-ice'), this.stats);
    const lite = this.opts.lite;
    const generated = generateIceParameters();
    this.local = {
      usernameFragment: options.usernameFragment ?? generated.usernameFragment,
      password: options.password ?? generated.password,
      iceLite: lite,
    };
    validateIceParameters(this.local);
    this.controllingRole = lite ? false : options.controlling;
    this.tieBreaker = options.tieBreaker ?? new DataView(randomBytes(8).buffer).getBigUint64(0);
    this.transactions = new TransactionTable(this.opts.checkRto, this.opts.maxRto);
    const agent = this;
    this.host = {
      get now() {
        return agent.now;
      },
      lite,
      get controlling() {
        return agent.controllingRole;
      },
      tieBreaker: this.tieBreaker,
      get local() {
        return agent.local;
      },
      get remote() {
        return agent.remote;
      },
      get previous() {
        return agent.previous;
      },
      stats: this.stats,
      checklist: this.checklist,
      baseBySocket: this.baseBySocket,
      remoteCandidates: this.remoteCandidates,
      localCandidates: this.localCandidates,
      extraValid: this.extraValid,
      transmit: (t) => this.transmits.push(t),
      setRole: (controlling) => this.setRole(controlling),
      foundValid: (pair) => {
        this.firstValidAt ??= this.now;
        this.useValidPair(pair);
      },
      nominated: (pair) => {
        this.nominating = undefined;
        this.select(pair);
      },
      nominate: (pair) => this.nominate(pair),
      failed: (pair) => this.nominationFailed(pair),
    };
  }

  /** This agent's ufrag, password and lite flag, for the SDP. */
  get localParameters(): IceParameters {
    return this.local;
  }
  /** The peer's parameters, once set. */
  get remoteParameters(): IceParameters | undefined {
    return this.remote;
  }
  /** True while controlling. */
  get controlling(): boolean {
    return this.controllingRole;
  }
  /** Current connection state. */
  get connectionState(): IceConnectionState {
    return this.connection;
  }
  /** Current gathering state. */
  get gatheringState(): IceGatheringState {
    return this.gathering;
  }
  /**
   * The pair data is sent on, if any: the nominated pair (RFC 8445 §8.1.1) once there is one;
   * before that the best valid pair, since data MAY flow on a valid pair before nomination (§12.1,
   * what libwebrtc does), so DTLS need not wait for the nomination's Ta-paced check. `nominated`
   * on the pair tells the two apart. Kept across an ICE restart until replaced.
   */
  get selectedPair(): CandidatePair | undefined {
    return this.selected;
  }
  /** Whether application data may be sent on the selected pair (selected, consent not lost). */
  get canSend(): boolean {
    return this.selected !== undefined && !this.consentLost && !this.closed;
  }
  /** Local candidates, including learned peer-reflexive ones. */
  getLocalCandidates(): readonly LocalCandidate[] {
    return this.localCandidates;
  }
  /** Remote candidates, including learned peer-reflexive ones. */
  getRemoteCandidates(): Candidate[] {
    return [...this.remoteCandidates.values()];
  }

  /** STUN servers (IP addresses) asked for server-reflexive candidates of host candidates added later. */
  setStunServers(servers: readonly TransportAddress[]): void {
    this.opts.stunServers = [...servers];
  }

  /** Sets the peer's ufrag and password (and ICE-lite). Checks can start. */
  setRemoteParameters(p: IceParameters, now = this.now): void {
    this.tick(now);
    validateIceParameters(p);
    if (this.remote && this.remote.usernameFragment !== p.usernameFragment && !this.restarting) {
      // The peer restarted first; a restart is mutual (RFC 8445 §9).
      throw new IceError('invalid-state', 'remote credentials changed without restart()');
    }
    this.remote = { ...p };
    if (p.iceLite && !this.opts.lite && !this.controllingRole) this.setRole(true);
    this.updateState();
  }

  /**
   * Adds a host candidate on a socket this agent may send from. `interfaceIndex` orders
   * interfaces in the local preference. Gathering to each STUN server of its family starts.
   */
  addHostCandidate(socketId: number, address: TransportAddress, interfaceIndex = 0, now = this.now): LocalCandidate {
    this.tick(now);
    const candidate = hostCandidate(socketId, address, interfaceIndex);
    const family = addressFamily(address.address);
    this.addLocal(candidate);
    for (const server of this.opts.stunServers) {
      if (addressFamily(server.address) !== family) continue;
      const transactionId = newTransactionId();
      this.startTransaction(transactionId, {
        kind: 'gather',
        data: encodeServerBindingRequest(transactionId),
        socketId,
        destination: server,
        maxSends: 5,
        gatherBase: candidate,
      });
    }
    return candidate;
  }

  /**
   * Adds a relayed candidate (RFC 8445 §5.1.1.2): `socketId` names the TURN allocation, which the
   * adapter wraps sends in; `mapped` is the server-reflexive address the TURN server saw;
   * `protocol` is how the TURN server is reached (it ranks the candidate).
   */
  addRelayCandidate(
    socketId: number,
    relayed: TransportAddress,
    mapped: TransportAddress,
    server: string,
    now = this.now,
    protocol: RelayProtocol = 'udp',
  ): LocalCandidate {
    this.tick(now);
    const candidate = relayCandidate(socketId, relayed, mapped, server, protocol);
    this.addLocal(candidate);
    return candidate;
  }

  /**
   * Adds a TCP host candidate (RFC 6544): `passive` on a listening socket (`address` its port),
   * `active` on a local address the adapter connects from when a pair of it is checked (`socketId`
   * then names those connections; it is announced with port 9). A passive candidate forms pairs
   * only from checks that arrive on it (§6.2), so it never sends a check first.
   */
  addTcpCandidate(socketId: number, address: TransportAddress, tcpType: TcpType, interfaceIndex = 0, now = this.now): LocalCandidate {
    this.tick(now);
    const candidate = tcpHostCandidate(socketId, address, tcpType, interfaceIndex);
    this.addLocal(candidate);
    return candidate;
  }

  /**
   * The adapter's TCP connection for `socketId` to `remote` failed or closed (RFC 6544 §7.1): its
   * pairs fail, their checks stop, and a selected pair on it loses consent.
   */
  tcpPathClosed(socketId: number, remote: TransportAddress, now = this.now): void {
    this.tick(now);
    if (this.closed) return;
    const on = (p: CandidatePair): boolean => p.local.socketId === socketId && p.local.transport === 'tcp' && sameAddress(p.remote, remote);
    for (const p of [...this.checklist.pairs, ...this.extraValid]) {
      if (!on(p)) continue;
      if (p.state !== 'succeeded') p.state = 'failed';
      p.valid = false;
      this.nominationFailed(p);
    }
    this.transactions.removeWhere((t) => t.pair !== undefined && on(t.pair));
    if (this.nominationQueued && on(this.nominationQueued)) this.nominationQueued = undefined;
    if (this.selected && on(this.selected)) this.consentLost = true;
    this.updateState();
  }

  /** Says no more host or relay candidates will be added; gathering completes once STUN answers. */
  endOfLocalCandidates(now = this.now): void {
    this.tick(now);
    this.localEndOfCandidates = true;
    this.maybeGatheringComplete();
  }

  /**
   * Adds a remote candidate (trickled or from the SDP). Returns false when it is ignored: neither
   * UDP nor TCP, not component 1, or already known (a UDP and a TCP candidate on one address and
   * port are two). A TCP one pairs with local active candidates if it is passive (RFC 6544 §6.2). An unresolved `.local` name throws `invalid-candidate`;
   * resolve mDNS names first.
   */
  addRemoteCandidate(candidate: Candidate, now = this.now): boolean {
    this.tick(now);
    const transport = candidate.transport.toLowerCase();
    if ((transport !== 'udp' && transport !== 'tcp') || candidate.component !== RTP_COMPONENT) {
      this.log.remoteCandidate(candidate, candidate.component !== RTP_COMPONENT ? `component ${candidate.component} (rtcp-mux: only 1 is used)` : `unsupported protocol ${candidate.transport}`, 0, this.localCandidates);
      return false;
    }
    if (addressFamily(candidate.address) === 0) {
      throw new IceError('invalid-candidate', `unresolved address ${candidate.address}`);
    }
    const key = remoteKey(transport, candidate);
    if (this.remoteCandidates.has(key)) {
      this.log.remoteCandidate(candidate, 'already known', 0, this.localCandidates);
      return false;
    }
    this.remoteCandidates.set(key, candidate);
    const paired = this.checklist.addPairs(this.checkingBases(), [candidate], this.controllingRole);
    this.log.remoteCandidate(candidate, undefined, paired.length, this.localCandidates);
    this.updateState();
    return true;
  }

  /** The peer signalled end-of-candidates (RFC 8838 §8.2). */
  endOfRemoteCandidates(now = this.now): void {
    this.tick(now);
    this.remoteEndOfCandidates = true;
    this.updateState();
  }

  /**
   * ICE restart (RFC 8445 §9): new local credentials, the remote ones, candidates and checklist
   * are forgotten, and local candidates are announced again. The selected pair keeps carrying
   * data until checks select a new one. Call `setRemoteParameters` with the peer's new ones.
   * `replaced`: sockets whose candidates the adapter gathers anew (relays it allocates again): they
   * are not announced again, and gathering completes at the next {@link endOfLocalCandidates}.
   */
  restart(parameters?: { usernameFragment: string; password: string }, now = this.now, replaced: readonly number[] = []): void {
    this.tick(now);
    const next = parameters ?? generateIceParameters();
    validateIceParameters(next);
    const keepsPair = this.selected !== undefined && !this.consentLost;
    // Until the new generation selects a pair, the peer still checks consent and sends on the old one.
    this.previous = keepsPair && this.remote !== undefined
      ? { local: this.local, remote: this.remote, remoteKeys: new Set(this.remoteCandidates.keys()) }
      : undefined;
    this.local = { ...next, iceLite: this.opts.lite };
    this.remote = undefined;
    this.remoteCandidates.clear();
    this.remoteEndOfCandidates = false;
    this.checklist.clear();
    this.extraValid.length = 0;
    this.transactions.retainOnly('gather');
    this.firstValidAt = undefined;
    this.nominating = undefined;
    this.nominationQueued = undefined;
    this.restarting = keepsPair;
    if (!this.restarting) {
      this.selected = undefined;
      this.consentLost = false;
    }
    for (let i = this.localCandidates.length - 1; i >= 0; i--) {
      const c = this.localCandidates[i]!;
      if (c.type === 'prflx') this.localCandidates.splice(i, 1);
      else if (replaced.includes(c.socketId)) {
        // The adapter gathers a new one (a fresh TURN allocation); the old stays only on the selected pair.
        this.localCandidates.splice(i, 1);
        this.baseBySocket.delete(c.socketId);
      }
    }
    if (replaced.length !== 0) this.localEndOfCandidates = false;
    this.setGathering('gathering');
    for (const c of this.localCandidates) this.events.push({ type: 'local-candidate', candidate: c });
    this.maybeGatheringComplete();
    this.updateState();
  }

  /** Stops everything; state `closed`. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.previous = undefined;
    this.transactions.retainOnly(undefined);
    this.checklist.clear();
    this.setConnection('closed');
  }

  /**
   * Takes a datagram that arrived on local socket `socketId` from `source`. STUN is consumed;
   * other data from a known remote candidate is returned for the application (a view, not a
   * copy); everything else is dropped and counted. Never throws.
   */
  handleDatagram(data: Uint8Array, socketId: number, source: TransportAddress, now: number): Uint8Array | undefined {
    this.tick(now);
    if (this.closed) return undefined;
    if (data.length > 0 && data[0]! < 4) {
      if (!isStunMessage(data)) {
        this.stats.droppedMalformed++;
        return undefined;
      }
      let msg: StunMessage;
      try {
        // Checks FINGERPRINT when present.
        msg = decodeMessage(data);
      } catch {
        this.stats.droppedMalformed++;
        return undefined;
      }
      try {
        this.handleStun(msg, socketId, source);
      } catch {
        // A bad attribute inside an otherwise well-formed message.
        this.stats.droppedMalformed++;
      }
      if (this.log.on) this.log.drops();
      // A new valid pair may be worth nominating now, not at the next timer.
      this.maybeNominate();
      this.updateState();
      return undefined;
    }
    const sel = this.selected;
    // The selected pair's source is the common case: no key is built for it.
    if (sel && sameAddress(sel.remote, source)) return data;
    const key = remoteKey(this.baseBySocket.get(socketId)?.transport ?? 'udp', source);
    if (this.remoteCandidates.has(key) || this.previous?.remoteKeys.has(key)) return data;
    if (this.stats.droppedUnknownSource++ === 0) this.log.drops();
    return undefined;
  }

  /** Advances time: retransmissions, paced checks, nomination, consent, state. */
  handleTimeout(now: number): void {
    this.tick(now);
    if (this.closed) return;
    this.transactions.advance(
      now,
      (t) => {
        this.transmit(t);
        this.stats.retransmissions++;
      },
      (t) => this.onTransactionTimeout(t),
    );
    this.maybeNominate();
    if (now >= this.nextCheckAt) this.sendNextCheck();
    this.maybeConsentCheck();
    this.updateState();
  }

  /** Next datagram to send, or undefined. */
  pollTransmit(): Transmit | undefined {
    return this.transmits.shift();
  }

  /** Next event, or undefined. */
  pollEvent(): IceAgentEvent | undefined {
    return this.events.shift();
  }

  /** When `handleTimeout` should next be called (ms), or undefined when nothing is pending. */
  pollTimeout(): number | undefined {
    if (this.closed) return undefined;
    let next = this.transactions.nextDeadline();
    if (this.canCheck() && (this.checklist.hasPendingWork() || this.nominationQueued)) next = Math.min(next, this.nextCheckAt);
    if (this.controllingRole && this.firstValidAt !== undefined && !this.nominating && !this.hasNominated()) {
      next = Math.min(next, this.firstValidAt + this.opts.nominationTimeout);
    }
    if (this.allFailedSince !== undefined && (this.connection === 'checking' || this.connection === 'disconnected')) next = Math.min(next, this.allFailedSince + this.opts.failedTimeout);
    const sel = this.selected;
    if (sel && !this.consentLost && !this.restarting && !this.opts.lite) next = Math.min(next, sel.nextConsentAt);
    // The consent timeouts, also during a restart begun while disconnected (see connectionStateOf).
    if (sel && !this.consentLost && (!this.restarting || this.connection === 'disconnected')) {
      for (const limit of [this.opts.disconnectedTimeout, this.opts.failedTimeout]) {
        const at = sel.lastConsentAt + limit;
        if (at > this.now) next = Math.min(next, at);
      }
    }
    return next === Infinity ? undefined : Math.max(next, this.now);
  }

  // ---- internals ----

  private tick(now: number): void {
    if (now > this.now) this.now = now;
  }

  private addLocal(candidate: LocalCandidate): void {
    if (this.closed) throw new IceError('invalid-state', 'agent closed');
    if (this.baseBySocket.has(candidate.socketId)) throw new IceError('invalid-parameter', `socket ${candidate.socketId} has a candidate`);
    this.localCandidates.push(candidate);
    this.baseBySocket.set(candidate.socketId, candidate);
    this.setGathering('gathering');
    this.events.push({ type: 'local-candidate', candidate });
    this.log.localCandidate(candidate);
    // A passive TCP candidate pairs only with the connections that reach it (RFC 6544 §6.2).
    if (candidate.tcpType !== 'passive') this.checklist.addPairs([candidate], this.remoteCandidates.values(), this.controllingRole);
    this.updateState();
  }

  /** Local bases that start checks: all but passive TCP ones (RFC 6544 §6.2). */
  private *checkingBases(): Iterable<LocalCandidate> {
    for (const c of this.baseBySocket.values()) if (c.tcpType !== 'passive') yield c;
  }

  private startTransaction(transactionId: Uint8Array, init: TransactionInit, rto?: number): void {
    this.transmit(this.transactions.start(transactionId, init, this.now, rto));
  }

  private transmit(t: Transaction): void {
    this.transmits.push({ socketId: t.socketId, destination: t.destination, data: t.data });
  }

  private canCheck(): boolean {
    return !this.opts.lite && this.remote !== undefined && !this.closed;
  }

  private sendNextCheck(): void {
    if (!this.canCheck()) return;
    let pair: CandidatePair | undefined;
    let useCandidate = false;
    if (this.nominationQueued) {
      pair = this.nominationQueued;
      this.nominationQueued = undefined;
      useCandidate = true;
    } else {
      while (!pair && this.checklist.triggered.length > 0) {
        const p = this.checklist.triggered.shift()!;
        if (p.state !== 'in-progress' && p.state !== 'succeeded') pair = p;
      }
      pair ??= this.checklist.nextOrdinary();
    }
    // Look again after Ta even when nothing could be sent (frozen pairs wait for their foundation).
    this.nextCheckAt = this.now + this.opts.ta;
    if (pair) this.sendCheck(pair, useCandidate, 'check');
  }

  private sendCheck(pair: CandidatePair, useCandidate: boolean, kind: 'check' | 'consent'): void {
    const remote = this.remote!;
    const transactionId = newTransactionId();
    const priority = peerReflexivePriority(pair.local);
    const data = encodeCheckRequest({
      transactionId,
      username: `${remote.usernameFragment}:${this.local.usernameFragment}`,
      password: remote.password,
      priority,
      controlling: this.controllingRole,
      tieBreaker: this.tieBreaker,
      useCandidate,
      ...(this.opts.software !== undefined ? { software: this.opts.software } : {}),
    });
    if (kind === 'check' && pair.state !== 'succeeded') pair.state = 'in-progress';
    if (kind === 'check') this.log.checkSent(pair, useCandidate, this.controllingRole);
    pair.requestsSent++;
    if (kind === 'check') this.stats.checksSent++;
    else this.stats.consentChecksSent++;
    // RFC 8445 §14.3: RTO = MAX(500 ms, Ta × (waiting + in-progress pairs)) for checks.
    let rto = kind === 'check' ? Math.max(this.opts.checkRto, this.opts.ta * (this.checklist.count('waiting') + this.checklist.count('in-progress'))) : this.opts.checkRto;
    let maxSends = kind === 'check' ? this.opts.maxCheckTransmissions : 4;
    if (pair.local.transport === 'tcp') {
      // No retransmission over TCP (RFC 6544 §7.1): one send, answered or given up after as long
      // as the UDP retransmissions would have taken.
      rto = this.transactions.giveUpAfter(rto, maxSends);
      maxSends = 1;
    }
    const init: TransactionInit = {
      kind,
      data,
      socketId: pair.local.socketId,
      destination: { address: pair.remote.address, port: pair.remote.port },
      maxSends,
      pair,
      useCandidate,
      controlling: this.controllingRole,
      priority,
      password: remote.password,
    };
    this.startTransaction(transactionId, init, rto);
  }

  private handleStun(msg: StunMessage, socketId: number, source: TransportAddress): void {
    if (msg.method !== StunMethod.Binding) {
      this.stats.droppedMalformed++;
      return;
    }
    const cls = msg.messageClass;
    if (cls === StunClass.Request) handleCheckRequest(this.host, msg, socketId, source);
    else if (cls === StunClass.SuccessResponse || cls === StunClass.ErrorResponse) {
      this.handleResponse(msg, socketId, source, cls === StunClass.SuccessResponse);
    }
    // Binding indications are keepalives: nothing to do.
  }

  private handleResponse(msg: StunMessage, socketId: number, source: TransportAddress, success: boolean): void {
    const t = this.transactions.get(msg.transactionId);
    if (!t) {
      this.stats.droppedUnknownTransaction++;
      return;
    }
    if (t.kind === 'gather') {
      if (!sameAddress(source, t.destination) || socketId !== t.socketId) {
        this.stats.droppedUnknownTransaction++;
        return;
      }
      this.transactions.delete(msg.transactionId);
      this.stats.responsesReceived++;
      if (success) this.onServerReflexive(t, msg);
      else {
        const error = msg.get(ErrorCode);
        this.serverError(t, error?.code ?? 0, `STUN error ${error?.code ?? 'without ERROR-CODE'}${error?.reason ? ` ${error.reason}` : ''}`);
      }
      this.maybeGatheringComplete();
      return;
    }
    if (!integrityOk(msg, t.password!)) {
      this.stats.droppedBadIntegrity++;
      return;
    }
    this.transactions.delete(msg.transactionId);
    this.stats.responsesReceived++;
    handleCheckResponse(this.host, t, msg, socketId, source, success);
    if (this.log.on) this.log.checkAnswered(t.pair!, t.kind, success, success ? undefined : msg.get(ErrorCode)?.code, t.sends === 1 ? this.now - t.startedAt : undefined);
  }

  private onServerReflexive(t: Transaction, msg: StunMessage): void {
    const mapped = msg.get(XorMappedAddress) ?? msg.get(MappedAddress);
    const base = t.gatherBase!;
    if (!mapped || sameAddress(mapped, base)) return;
    if (this.localCandidates.some((c) => c.type === 'srflx' && sameAddress(c, mapped))) return;
    const candidate: LocalCandidate = { ...serverReflexiveCandidate(base, mapped, t.destination.address), server: { address: t.destination.address, port: t.destination.port } };
    this.localCandidates.push(candidate);
    this.events.push({ type: 'local-candidate', candidate });
    this.log.localCandidate(candidate);
  }

  private serverError(t: Transaction, errorCode: number, errorText: string): void {
    const base = t.gatherBase!;
    this.log.serverError(`${t.destination.address}:${t.destination.port}`, errorCode, errorText);
    this.events.push({ type: 'server-error', server: t.destination, base: { address: base.address, port: base.port }, errorCode, errorText });
  }

  private onTransactionTimeout(t: Transaction): void {
    if (t.kind === 'gather') {
      this.serverError(t, 701, 'STUN binding request timed out');
      this.maybeGatheringComplete();
    } else if (t.kind === 'check' && t.pair && t.pair.state === 'in-progress') {
      t.pair.state = 'failed';
      this.log.checkTimedOut(t.pair, t.sends, this.now - t.startedAt);
      this.nominationFailed(t.pair);
    } else if (t.kind === 'check' && t.pair && t.useCandidate) {
      this.nominationFailed(t.pair);
    }
  }

  private nominationFailed(pair: CandidatePair): void {
    if (this.nominating === pair || this.nominating?.validPair === pair) this.nominating = undefined;
  }

  private hasNominated(): boolean {
    return this.selected !== undefined && this.selected.nominated && !this.restarting;
  }

  /**
   * A check made `pair` valid: send data on it until a pair is nominated, when it is better than
   * the pair in use (or that one is from before a restart, or lost consent). Nomination still
   * runs as before and its pair replaces this one.
   */
  private useValidPair(pair: CandidatePair): void {
    const sel = this.selected;
    if (this.closed || sel === pair) return;
    if (sel !== undefined && !this.restarting && !this.consentLost && (sel.nominated || sel.priority >= pair.priority)) return;
    this.select(pair);
  }

  /** Controlling, regular nomination (§8.1.1): nominate the best valid pair when it is clear. */
  private maybeNominate(): void {
    if (!this.controllingRole || this.opts.lite || this.nominating || this.hasNominated() || this.firstValidAt === undefined) return;
    const best = pairToNominate(this.checklist.pairs, this.extraValid, this.now >= this.firstValidAt + this.opts.nominationTimeout);
    if (!best) return;
    this.log.nominating(best, this.now >= this.firstValidAt + this.opts.nominationTimeout);
    this.nominating = best;
    this.nominationQueued = best;
  }

  /** Controlled: a nominated valid pair; the highest-priority one is selected (§8.1.1). */
  private nominate(pair: CandidatePair): void {
    pair.nominated = true;
    this.log.peerNominated(pair);
    const sel = this.selected;
    if (!sel || !sel.nominated || this.restarting || pair.priority > sel.priority || this.consentLost) this.select(pair);
  }

  private select(pair: CandidatePair): void {
    if (pair.nominated) {
      // Checks of lower-priority pairs are no longer needed (§8.1.2); a pair used before
      // nomination leaves them be, since the peer may still nominate one of them.
      for (const p of [...this.checklist.pairs]) {
        if ((p.state === 'waiting' || p.state === 'frozen') && p.priority < pair.priority) this.checklist.remove(p);
      }
    }
    if (this.selected === pair) return;
    this.selected = pair;
    this.restarting = false;
    this.previous = undefined;
    this.consentLost = false;
    pair.lastConsentAt = this.now;
    pair.nextConsentAt = this.now + this.consentDelay(pair);
    this.log.selected(pair);
    this.events.push({ type: 'selected-pair', pair });
  }

  /**
   * Until the pair in use is nominated, its checks repeat about every second rather than every
   * 4–6 s: a controlling peer may have dropped our only check (werift, after an ICE restart,
   * throws away checks that arrive before it has applied our answer and then checks nothing
   * itself), and it nominates only in a triggered check answering a later one of ours.
   */
  private consentDelay(pair?: CandidatePair): number {
    const [clo, chi] = this.opts.consentInterval;
    // Never rarer than consent asks: with a short consent interval (and so short timeouts) a
    // one-second recheck would let the pair go disconnected between two answers.
    const [lo, hi] = pair !== undefined && !pair.nominated ? [Math.min(UNNOMINATED_RECHECK[0], clo), Math.min(UNNOMINATED_RECHECK[1], chi)] : [clo, chi];
    return lo + (hi - lo) * this.opts.random();
  }

  /** Consent freshness (RFC 7675 §5.1): one check every 4–6 s on the selected pair. */
  private maybeConsentCheck(): void {
    const sel = this.selected;
    if (!sel || this.opts.lite || this.consentLost || this.restarting || !this.remote) return;
    if (this.now < sel.nextConsentAt) return;
    sel.nextConsentAt = this.now + this.consentDelay(sel);
    this.sendCheck(sel, this.controllingRole && sel.nominated, 'consent');
  }

  private setRole(controlling: boolean): void {
    if (this.controllingRole === controlling) return;
    this.controllingRole = controlling;
    this.checklist.resort(controlling);
    for (const p of this.extraValid) p.updatePriority(controlling);
    if (!controlling) {
      this.nominating = undefined;
      this.nominationQueued = undefined;
    }
    this.log.roleChange(controlling);
    this.events.push({ type: 'role-change', controlling });
  }

  private maybeGatheringComplete(): void {
    if (!this.localEndOfCandidates) return;
    if (!this.transactions.has('gather')) this.setGathering('complete');
  }

  private setGathering(state: IceGatheringState): void {
    if (this.gathering === state) return;
    this.gathering = state;
    this.events.push({ type: 'gathering-state', state });
    if (state === 'complete' && this.log.on) this.log.waiting(this.connection, this.logFacts());
  }

  private setConnection(state: IceConnectionState): void {
    if (this.connection === state) return;
    // W3C: `completed` comes after `connected`, never straight from `checking`.
    if (state === 'completed' && (this.connection === 'new' || this.connection === 'checking')) this.setConnection('connected');
    if (this.log.on) this.log.stateChange(this.connection, state, this.logFacts());
    this.connection = state;
    this.events.push({ type: 'connection-state', state });
  }

  private updateState(): void {
    if (this.closed) return;
    const pairs = this.checklist.pairs;
    const allFailed = !this.selected && pairs.length > 0 && pairs.every((p) => p.state === 'failed');
    this.allFailedSince = allFailed ? (this.allFailedSince ?? this.now) : undefined;
    const { state, consentLost } = connectionStateOf({
      now: this.now,
      selected: this.selected,
      consentLost: this.consentLost,
      restarting: this.restarting,
      disconnectedTimeout: this.opts.disconnectedTimeout,
      failedTimeout: this.opts.failedTimeout,
      gatheringComplete: this.gathering === 'complete',
      remoteEndOfCandidates: this.remoteEndOfCandidates,
      remoteKnown: this.remote !== undefined,
      remoteCandidates: this.remoteCandidates.size,
      pairs,
      allFailedSince: this.allFailedSince,
      previous: this.connection,
    });
    // Consent lost: stop sending on the pair (RFC 7675 §5.1).
    this.consentLost = consentLost;
    this.setConnection(state);
    if (this.log.on) this.log.waiting(state, this.logFacts());
  }

  private logFacts(): StateFacts {
    return {
      now: this.now,
      selected: this.selected,
      pairs: this.checklist.pairs,
      remoteKnown: this.remote !== undefined,
      remoteCandidates: this.remoteCandidates.size,
      localCandidates: this.localCandidates,
      remoteList: this.remoteCandidates.values(),
      gatheringComplete: this.gathering === 'complete',
      remoteEndOfCandidates: this.remoteEndOfCandidates,
      consentLost: this.consentLost,
      disconnectedTimeout: this.opts.disconnectedTimeout,
      failedTimeout: this.opts.failedTimeout,
    };
  }
}

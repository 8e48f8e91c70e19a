import { CauseCode, ChunkType } from './chunk-type.js';
import type { Chunk, InitChunk } from './chunk.js';
import { DataReceiver } from './data-receiver.js';
import { COMMON_HEADER_SIZE, encodePacket } from './packet.js';
import { PathMtuDiscovery } from './plpmtud.js';
import { RetransmissionQueue } from './retransmission-queue.js';
import { DEFAULT_RTO, type RtoOptions } from './rto.js';
import type { AssociationHandler, AssociationOptions, AssociationCongestion, AssociationState, AssociationStats } from './association-options.js';
import { SendQueue } from './send-queue.js';

/** Error Detection Method Identifier 1: SCTP over DTLS (RFC 9653 §5.2, RFC 8261). */
export const EDMID_DTLS = 1;
import type { StateCookieContents } from './state-cookie.js';
import { causeChunk, checkCookieEcho, initIsValid, makeInitAck, peerExtensions, staleCookieError } from './handshake.js';
import { StreamResetter } from './stream-reset.js';
import { SctpLog } from './sctp-log.js';
import type { Tlv } from './tlv.js';

/**
 * The state every part of the association shares, the handshake (§5) and shutdown (§9.2). The
 * public class is {@link Association}; this base only keeps each file to one concern.
 */
export abstract class AssociationCore {
  /** The current state. */
  state: AssociationState = 'closed';
  /** The cause code of the peer's ABORT that closed the association, if one did (W3C `RTCError.sctpCauseCode`). */
  closeCause: number | undefined;
  readonly stats: AssociationStats = {
    packetsReceived: 0, packetsSent: 0, packetsDropped: 0, dataDropped: 0,
    retransmissions: 0, fastRetransmits: 0, t3Expiries: 0, forwardTsnSent: 0,
  };
  /** Peer supports FORWARD TSN (PR-SCTP); known once established. */
  peerForwardTsn = false;
  /**
   * Both ends announced Zero Checksum Acceptable for DTLS (RFC 9653): established-state packets
   * go with a checksum of 0. Known once the handshake got that far.
   */
  zeroChecksum = false;
  /** We announce Zero Checksum Acceptable and take packets with a zero checksum (RFC 9653). */
  protected readonly zeroChecksumAcceptable: boolean;
  /** Peer supports RE-CONFIG (stream reset). */
  peerReconfig = false;
  /** Streams we may send on: ours, bounded by the peer's inbound streams once known. */
  outboundStreams: number;
  /** @hidden */
  protected readonly sendQueue: SendQueue;
  protected readonly h: AssociationHandler;
  protected readonly localPort: number;
  protected readonly remotePort: number;
  /** The packet size DATA fills: `mtu`, or larger once Path MTU Discovery confirmed it. */
  protected mtu: number;
  /**
   * Largest user data in one DATA chunk: what fits a packet of the base `mtu` alone. A chunk keeps
   * its TSN and size for life, so when the path shrinks back to the base (a black hole, RFC 8899
   * §4.3) every outstanding chunk can still be retransmitted; larger packets bundle several.
   */
  protected readonly maxFragment: number;
  private readonly maxMtu: number;
  private readonly pmtuProbeTimeout: number;
  /** Path MTU Discovery while established, when `maxMtu` > `mtu`. */
  protected pmtud: PathMtuDiscovery | undefined;
  protected readonly rcvBuf: number;
  protected readonly streams: number;
  protected readonly rtoOpts: RtoOptions;
  protected readonly delayedAckTime: number;
  protected readonly heartbeatInterval: number;
  protected readonly maxRetrans: number;
  protected readonly maxInitRetrans: number;
  protected readonly cookieLife: number;
  protected readonly random: (b: Uint8Array) => void;
  protected readonly maxBurst: number;
  protected readonly hystart: boolean;
  protected burst = 0;
  /** The last burst was sent (pollTransmit drained): the next input opens a new one. */
  protected burstSpent = true;
  protected readonly cookieKey = new Uint8Array(32);
  protected localTag = 0;
  protected peerTag = 0;
  protected localInitialTsn = 0;
  /** @hidden */
  protected rq: RetransmissionQueue | undefined;
  /** @hidden */
  protected rx: DataReceiver | undefined;
  /** @hidden */
  protected resetter: StreamResetter | undefined;
  protected control: Uint8Array[] = [];
  protected pendingChunks: Chunk[] = [];
  protected t1: { deadline: number; rto: number; count: number; packet: Uint8Array } | undefined;
  protected t2: { deadline: number; rto: number; count: number } | undefined;
  protected heartbeatDeadline: number | undefined;
  protected heartbeatOutstanding = false;
  protected forwardTsnPending = false;
  protected now = 0;
  protected readonly scratch: Chunk[] = [];
  protected readonly log: SctpLog;

  constructor(opts: AssociationOptions) {
    this.h = opts.handler;
    this.log = new SctpLog(opts.logger);
    this.localPort = opts.localPort ?? 5000;
    this.remotePort = opts.remotePort ?? 5000;
    this.mtu = opts.mtu ?? 1200;
    this.maxFragment = this.mtu - COMMON_HEADER_SIZE - 16; // 16: the DATA chunk header
    this.maxMtu = opts.maxMtu ?? this.mtu;
    this.zeroChecksumAcceptable = opts.zeroChecksum ?? false;
    this.pmtuProbeTimeout = opts.pmtuProbeTimeout ?? 15_000;
    this.rcvBuf = opts.receiveBufferSize ?? 2 * 1024 * 1024;
    this.streams = opts.streams ?? 65535;
    this.outboundStreams = this.streams;
    this.rtoOpts = opts.rto ?? DEFAULT_RTO;
    this.delayedAckTime = opts.delayedAckTime ?? 200;
    this.heartbeatInterval = opts.heartbeatInterval ?? 30_000;
    this.maxRetrans = opts.maxRetransmissions ?? 10;
    this.maxInitRetrans = opts.maxInitRetransmits ?? 8;
    this.cookieLife = opts.cookieLifetime ?? 60_000;
    this.random = opts.random ?? ((b) => crypto.getRandomValues(b));
    this.maxBurst = opts.maxBurst ?? 4;
    this.hystart = opts.hystart !== false;
    this.burst = this.maxBurst;
    this.random(this.cookieKey);
    this.sendQueue = new SendQueue((sid) => this.h.onBufferedAmountLow?.(sid));
  }

  /**
   * The sender's congestion state and both receive windows, copied out for diagnostics (a bench's
   * cwnd-over-time trace, RFC 9260 §7); undefined before the association is established.
   */
  get congestion(): AssociationCongestion | undefined {
    const rq = this.rq;
    if (rq === undefined) return undefined;
    return {
      cwnd: rq.cwnd,
      ssthresh: rq.ssthresh,
      flightSize: rq.flightSize,
      peerRwnd: rq.peerRwnd,
      localRwnd: this.rx?.rwnd ?? this.rcvBuf,
      srtt: rq.rto.srtt,
      rto: rq.rto.rto,
    };
  }

  /** The packet size DATA currently fills (`mtu`, or what Path MTU Discovery confirmed). */
  get pathMtu(): number {
    return this.mtu;
  }

  /** Sends ABORT (User-Initiated Abort) and closes at once. */
  abort(reason = 'user abort'): void {
    if (this.state === 'closed') return;
    if (this.peerTag !== 0) {
      const cause: Tlv = { type: CauseCode.USER_INITIATED_ABORT, value: new TextEncoder().encode(reason) };
      this.control.push(encodePacket(this.header(this.peerTag), [{ type: ChunkType.ABORT, reflected: false, causes: [cause] }]));
    }
    this.closeWith(reason);
  }

  // ───────────────────────── handshake (§5) ─────────────────────────

  protected localInitParameters(tag: number, initialTsn: number) {
    return {
      tag,
      initialTsn,
      receiverWindow: this.rcvBuf,
      streams: this.streams,
      ...(this.zeroChecksumAcceptable ? { zeroChecksumEdmid: EDMID_DTLS } : {}),
    };
  }

  protected handleInit(init: InitChunk): void {
    if (!initIsValid(init)) {
      // §3.3.2: invalid mandatory parameter → ABORT with the peer's tag.
      if (init.initiateTag !== 0) this.control.push(encodePacket(this.header(init.initiateTag), [causeChunk(ChunkType.ABORT, CauseCode.INVALID_MANDATORY_PARAMETER)]));
      return;
    }
    let p;
    if (this.state === 'closed') p = this.localInitParameters(this.randomTag(), this.randomUint32());
    // §5.2.1: INIT collision; answer with our existing tag and TSN.
    else if (this.state === 'cookie-wait' || this.state === 'cookie-echoed') p = this.localInitParameters(this.localTag, this.localInitialTsn);
    else return; // Restart (§5.2.2) is not supported over DTLS; the INIT is dropped.
    this.control.push(encodePacket(this.header(init.initiateTag), [makeInitAck(init, p, this.now, this.cookieKey)]));
  }

  protected handleInitAck(ack: InitChunk): void {
    if (this.state !== 'cookie-wait') return;
    if (!initIsValid(ack) || !ack.stateCookie) {
      this.control.push(encodePacket(this.header(ack.initiateTag), [causeChunk(ChunkType.ABORT, CauseCode.MISSING_MANDATORY_PARAMETER)]));
      return this.closeWith('invalid INIT ACK');
    }
    const ext = peerExtensions(ack);
    this.peerTag = ack.initiateTag;
    this.peerForwardTsn = ext.forwardTsn;
    this.peerReconfig = ext.reconfig;
    this.zeroChecksum = this.zeroChecksumAcceptable && ack.zeroChecksumEdmid === EDMID_DTLS;
    this.outboundStreams = Math.min(this.streams, ack.numberOfInboundStreams);
    this.createTcb(ack.initialTsn, ack.advertisedReceiverWindowCredit);
    const packet = encodePacket(this.header(this.peerTag), [{ type: ChunkType.COOKIE_ECHO, cookie: ack.stateCookie }]);
    this.control.push(packet);
    this.t1 = { deadline: this.now + this.rtoOpts.initial, rto: this.rtoOpts.initial, count: 0, packet };
    this.setState('cookie-echoed');
  }

  protected handleCookieEcho(cookie: Uint8Array, tag: number): boolean {
    const check = checkCookieEcho(cookie, tag, this.cookieKey, this.now, this.cookieLife);
    if (check.kind === 'invalid') {
      this.stats.packetsDropped++;
      return false;
    }
    if (check.kind === 'stale') {
      this.control.push(encodePacket(this.header(check.peerTag), [staleCookieError(check.stalenessMs)]));
      return false;
    }
    const c = check.cookie;
    const cookieAck = (): void => {
      this.control.push(encodePacket(this.header(this.peerTag), [{ type: ChunkType.COOKIE_ACK, reflected: false }]));
    };
    if (this.state === 'closed') {
      this.adoptCookie(c);
      cookieAck();
      this.setState('established');
      return true;
    }
    const localMatch = c.localVerificationTag === this.localTag;
    const peerMatch = this.peerTag !== 0 && c.peerVerificationTag === this.peerTag;
    if (this.state === 'cookie-wait' || this.state === 'cookie-echoed') {
      // §5.2.4: D (both tags match) completes the handshake; B (our tag matches, the peer's does not:
      // an INIT collision) takes the peer's side from the cookie. A cookie made before we sent INIT
      // (we were closed when the peer's INIT came, then connected) matches neither tag while we know
      // no peer tag yet: nothing was exchanged, so it is adopted too. C (late cookie) is dropped.
      if (!(localMatch && peerMatch && this.rq !== undefined)) {
        if (!localMatch && this.peerTag !== 0) return false;
        this.adoptCookie(c);
      }
      this.t1 = undefined;
      cookieAck();
      this.setState('established');
      return true;
    }
    // Established or later: a repeated COOKIE ECHO (our COOKIE ACK was lost) is answered again;
    // a restart (§5.2.4 A) is not supported.
    if (localMatch && peerMatch) cookieAck();
    return true;
  }

  /** @hidden */
  protected adoptCookie(c: StateCookieContents): void {
    this.localTag = c.localVerificationTag;
    this.peerTag = c.peerVerificationTag;
    this.localInitialTsn = c.localInitialTsn;
    this.peerForwardTsn = c.peerForwardTsn;
    this.peerReconfig = c.peerReconfig;
    this.zeroChecksum = this.zeroChecksumAcceptable && c.peerZeroChecksum === true;
    this.outboundStreams = Math.min(this.streams, c.peerInboundStreams);
    this.createTcb(c.peerInitialTsn, c.peerReceiverWindow);
  }

  protected createTcb(peerInitialTsn: number, peerRwnd: number): void {
    this.rq = new RetransmissionQueue({
      initialTsn: this.localInitialTsn,
      mtu: this.mtu,
      peerRwnd,
      rto: this.rtoOpts,
      partialReliability: this.peerForwardTsn,
      hystart: this.hystart,
      onAbandon: (m) => this.sendQueue.discard(m),
    });
    this.rx = new DataReceiver(peerInitialTsn, this.rcvBuf, this.delayedAckTime, (sid, ppid, data, unordered) =>
      this.h.onMessage(sid, ppid, data, unordered),
    );
    this.ensureResetter(peerInitialTsn);
  }

  protected ensureResetter(peerInitialTsn?: number): void {
    if (this.resetter !== undefined && peerInitialTsn === undefined) return;
    const pending = this.resetter?.pending;
    this.resetter = new StreamResetter(this.localInitialTsn, peerInitialTsn ?? 0);
    if (pending) for (const s of pending) this.resetter.pending.add(s);
  }

  protected onT1(now: number): void {
    const t = this.t1!;
    const count = ++t.count;
    if (count <= this.maxInitRetrans) t.rto = Math.min(this.rtoOpts.max, t.rto * 2);
    this.log.t1(this.state, count, this.maxInitRetrans, t.rto);
    if (count > this.maxInitRetrans) return this.fail('handshake timed out');
    t.deadline = now + t.rto;
    this.control.push(t.packet);
  }

  // ───────────────────────── shutdown (§9.2) ─────────────────────────

  protected handleShutdown(cumulativeTsnAck: number): void {
    if (this.rq === undefined) return;
    this.rq.handleSack({ type: ChunkType.SACK, cumulativeTsnAck, advertisedReceiverWindowCredit: this.rq.peerRwnd + this.rq.flightSize, gapAckBlocks: [], duplicateTsns: [] }, this.now);
    if (this.state === 'established' || this.state === 'shutdown-pending') {
      this.setState('shutdown-received');
      this.maybeShutdown();
    } else if (this.state === 'shutdown-sent') {
      this.sendShutdownAck();
    }
  }

  protected maybeShutdown(): void {
    if (!this.sendQueue.empty || !this.rq?.allAcked) return;
    if (this.state === 'shutdown-pending') {
      this.setState('shutdown-sent');
      this.sendShutdown();
    } else if (this.state === 'shutdown-received') {
      this.sendShutdownAck();
    }
  }

  protected sendShutdown(): void {
    this.control.push(encodePacket(this.header(this.peerTag), [{ type: ChunkType.SHUTDOWN, cumulativeTsnAck: this.rx!.tracker.cumulativeTsn }]));
    this.armT2();
  }

  protected sendShutdownAck(): void {
    this.setState('shutdown-ack-sent');
    this.control.push(encodePacket(this.header(this.peerTag), [{ type: ChunkType.SHUTDOWN_ACK, reflected: false }]));
    this.armT2();
  }

  protected armT2(): void {
    const rto = this.rq?.rto.rto ?? this.rtoOpts.initial;
    if (this.t2 === undefined) this.t2 = { deadline: this.now + rto, rto, count: 0 };
  }

  protected onT2(now: number): void {
    const t = this.t2!;
    if (++t.count > this.maxRetrans) return this.fail('shutdown timed out');
    t.rto = Math.min(this.rtoOpts.max, t.rto * 2);
    t.deadline = now + t.rto;
    if (this.state === 'shutdown-sent') this.control.push(encodePacket(this.header(this.peerTag), [{ type: ChunkType.SHUTDOWN, cumulativeTsnAck: this.rx!.tracker.cumulativeTsn }]));
    else if (this.state === 'shutdown-ack-sent') this.control.push(encodePacket(this.header(this.peerTag), [{ type: ChunkType.SHUTDOWN_ACK, reflected: false }]));
  }

  protected sendShutdownCompleteOob(tag: number): void {
    // §8.4 (5): answer an out-of-the-blue SHUTDOWN ACK with SHUTDOWN COMPLETE, T bit set.
    this.control.push(encodePacket(this.header(tag), [{ type: ChunkType.SHUTDOWN_COMPLETE, reflected: true }]));
  }

  // ───────────────────────── helpers ─────────────────────────

  protected header(verificationTag: number) {
    return { sourcePort: this.localPort, destinationPort: this.remotePort, verificationTag };
  }

  protected setState(s: AssociationState): void {
    if (this.state === s) return;
    this.log.state(this.state, s);
    this.state = s;
    if (s === 'established' && this.heartbeatInterval > 0) this.heartbeatDeadline = this.now + this.heartbeatInterval;
    if (s === 'established' && this.maxMtu > this.mtu) this.pmtud = new PathMtuDiscovery(this.mtu, this.maxMtu, this.pmtuProbeTimeout, this.random);
    this.h.onStateChange?.(s);
  }

  protected fail(reason: string): void {
    this.abort(reason);
  }

  protected closeWith(reason: string): void {
    this.t1 = this.t2 = undefined;
    this.heartbeatDeadline = undefined;
    this.pmtud = undefined;
    if (this.rx) this.rx.delayedAckDeadline = undefined;
    if (this.rq) this.rq.t3Deadline = undefined;
    if (this.resetter) this.resetter.inFlight = undefined;
    this.pendingChunks = [];
    const was = this.state;
    if (was !== 'closed') this.log.closed(was, reason);
    this.setState('closed');
    if (was !== 'closed') this.h.onClose?.(reason);
  }

  protected randomUint32(): number {
    const b = new Uint8Array(4);
    this.random(b);
    return ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  }

  protected randomTag(): number {
    for (;;) {
      const t = this.randomUint32();
      if (t !== 0) return t;
    }
  }
}

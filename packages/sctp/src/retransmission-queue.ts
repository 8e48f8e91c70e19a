import { ChunkType } from './chunk-type.js';
import type { DataChunk, ForwardTsnChunk, ForwardTsnStream, SackChunk } from './chunk.js';
import { CSS_GROWTH_DIVISOR, HyStart, type SlowStartPhase } from './hystart.js';
import { RtoCalculator, type RtoOptions } from './rto.js';
import type { OutboundMessage } from './send-queue.js';
import { tsnAdd, tsnDiff, tsnGt, tsnLt, tsnLte } from './serial-number.js';

/** A DATA chunk we sent, kept until the peer acknowledges it or it is abandoned. */
export class OutstandingData implements DataChunk {
  readonly type = ChunkType.DATA;
  immediate = false;
  /** Time of the last transmission, ms. */
  sentAt = 0;
  /** How many times it was sent. */
  transmissions = 0;
  /** Acknowledged by a Gap Ack Block. */
  acked = false;
  /** Abandoned under PR-SCTP. */
  abandoned = false;
  /** Counted in the flight size. */
  inFlight = false;
  /** Waiting in the retransmission list. */
  marked = false;
  /** Already sent once by fast retransmit (§7.2.4: at most once). */
  fastRetransmitted = false;
  missIndications = 0;

  constructor(
    public tsn: number,
    readonly streamIdentifier: number,
    readonly streamSequenceNumber: number,
    readonly payloadProtocolIdentifier: number,
    readonly userData: Uint8Array,
    readonly unordered: boolean,
    readonly beginning: boolean,
    readonly ending: boolean,
    readonly message: OutboundMessage,
  ) {}
}

/** What a SACK changed, for the association. */
export interface SackResult {
  /** The cumulative TSN ack point moved. */
  cumulativeAdvanced: boolean;
  /** A FORWARD TSN should be sent (PR-SCTP ack point ahead of the peer's). */
  forwardTsnNeeded: boolean;
  /** User-data bytes newly acknowledged (cumulatively or by gap blocks). */
  bytesAcked: number;
}

/**
 * The sender's side of RFC 9260 §6 and §7: TSNs in flight, SACK processing (cumulative ack, gap
 * blocks, miss indications and fast retransmit), T3-rtx, RTO, and congestion control (slow start,
 * congestion avoidance with partial_bytes_acked, fast recovery), plus PR-SCTP abandonment
 * (RFC 3758 §3.5). Outstanding chunks sit in TSN order, so a TSN maps to an index in O(1) and a
 * SACK costs O(acked chunks + gap span), never O(n²).
 */
export class RetransmissionQueue {
  /** Congestion window, bytes. */
  cwnd: number;
  /** The last send stopped at cwnd with data waiting (cleared when the sender runs out of data). */
  cwndLimited = false;
  /** Slow start threshold, bytes. */
  ssthresh: number;
  partialBytesAcked = 0;
  /** Bytes sent and not yet acknowledged, abandoned or marked lost. */
  flightSize = 0;
  /** Peer's receive window as last advertised, less what we sent since. */
  peerRwnd: number;
  /** The last TSN the peer acknowledged cumulatively. */
  cumulativeTsnAck: number;
  /** The TSN the next new chunk gets. */
  nextTsn: number;
  /** PR-SCTP Advanced.Peer.Ack.Point. */
  advancedPeerAckPoint: number;
  /** T3-rtx deadline, ms, or undefined when stopped. */
  t3Deadline: number | undefined;
  /** Consecutive T3 expiries without progress (association error counter). */
  errorCount = 0;
  /** A fast retransmit may send one packet regardless of cwnd. */
  fastRetransmitPending = false;
  readonly rto: RtoCalculator;
  private inFastRecovery = false;
  private fastRecoveryExit = 0;
  private queue: OutstandingData[] = [];
  private head = 0;
  private retransmitList: OutstandingData[] = [];
  private retransmitHead = 0;
  /** Absolute TSN ranges the last SACK's gap blocks acknowledged: start0, end0, start1, … */
  private gapRanges: number[] = [];
  private mtu: number;
  private readonly onAbandon: (m: OutboundMessage) => void;
  private readonly partialReliability: boolean;
  /** HyStart++ for the initial slow start; dropped once a loss sets ssthresh. */
  private hystart: HyStart | undefined;
  /** How the current SACK may grow cwnd in slow start (HyStart++'s verdict). */
  private slowStartPhase: SlowStartPhase = 'slow-start';

  constructor(opts: {
    initialTsn: number;
    mtu: number;
    peerRwnd: number;
    rto?: RtoOptions;
    /** The peer supports FORWARD TSN; without it nothing sent is ever abandoned. */
    partialReliability?: boolean;
    /** HyStart++ (RFC 9406) in the initial slow start; default true. */
    hystart?: boolean;
    onAbandon: (m: OutboundMessage) => void;
  }) {
    this.partialReliability = opts.partialReliability !== false;
    this.mtu = opts.mtu;
    this.nextTsn = opts.initialTsn;
    this.cumulativeTsnAck = tsnAdd(opts.initialTsn, -1);
    this.advancedPeerAckPoint = this.cumulativeTsnAck;
    this.peerRwnd = opts.peerRwnd;
    // §7.2.1: initial cwnd = min(4 MTU, max(2 MTU, 4380)); ssthresh = the peer's a_rwnd.
    this.cwnd = Math.min(4 * opts.mtu, Math.max(2 * opts.mtu, 4380));
    this.ssthresh = opts.peerRwnd;
    this.rto = new RtoCalculator(opts.rto);
    this.onAbandon = opts.onAbandon;
    if (opts.hystart !== false) this.hystart = new HyStart();
  }

  /** Whether the initial slow start is in HyStart++'s Conservative Slow Start (for traces and tests). */
  get inConservativeSlowStart(): boolean {
    return this.hystart?.inConservativeSlowStart ?? false;
  }

  /** Path MTU Discovery confirmed a new packet size: cwnd arithmetic follows it. */
  setMtu(mtu: number): void {
    this.mtu = mtu;
  }

  /** Chunks sent and neither acknowledged cumulatively nor dropped. */
  get outstandingCount(): number {
    return this.queue.length - this.head;
  }

  /** Whether every chunk sent has been acknowledged (or abandoned and forwarded). */
  get allAcked(): boolean {
    return this.queue.length === this.head;
  }

  /** Whether a new chunk of `size` bytes may go out now (cwnd and peer window, §6.1 A, B). */
  canSend(size: number): boolean {
    if (this.flightSize >= this.cwnd && !this.fastRetransmitPending) {
      this.cwndLimited = true;
      return false;
    }
    if (this.peerRwnd >= size || this.flightSize === 0) return true;
    this.cwndLimited = false;
    return false;
  }

  /** Creates the next chunk for `message` with a fresh TSN. */
  add(message: OutboundMessage, userData: Uint8Array, beginning: boolean, ending: boolean): OutstandingData {
    const c = new OutstandingData(
      this.nextTsn,
      message.streamIdentifier,
      message.unordered ? 0 : message.ssn,
      message.ppid,
      userData,
      message.unordered,
      beginning,
      ending,
      message,
    );
    this.nextTsn = tsnAdd(this.nextTsn, 1);
    this.queue.push(c);
    return c;
  }

  /** Notes a (re)transmission of `c` at `now`. */
  sent(c: OutstandingData, now: number): void {
    c.transmissions++;
    c.sentAt = now;
    c.inFlight = true;
    if (c.marked && this.retransmitList[this.retransmitHead] === c) this.retransmitHead++;
    c.marked = false;
    const n = c.userData.length;
    this.flightSize += n;
    this.peerRwnd = Math.max(0, this.peerRwnd - n);
    if (this.t3Deadline === undefined) this.t3Deadline = now + this.rto.rto;
  }

  /** The next chunk to retransmit, or undefined. Abandons expired ones on the way. */
  nextRetransmission(now: number): OutstandingData | undefined {
    const list = this.retransmitList;
    while (this.retransmitHead < list.length) {
      const c = list[this.retransmitHead]!;
      if (!c.marked || c.acked || c.abandoned) {
        this.retransmitHead++;
        continue;
      }
      if (this.expired(c, now)) {
        this.abandon(c);
        this.retransmitHead++;
        continue;
      }
      return c;
    }
    if (list.length !== 0) {
      list.length = 0;
      this.retransmitHead = 0;
    }
    return undefined;
  }

  /** Whether chunks wait for retransmission. */
  get hasRetransmissions(): boolean {
    const list = this.retransmitList;
    while (this.retransmitHead < list.length) {
      const c = list[this.retransmitHead]!;
      if (c.marked && !c.acked && !c.abandoned) return true;
      this.retransmitHead++;
    }
    return false;
  }

  /** Processes a SACK (§6.2.1, §7.2). */
  handleSack(sack: SackChunk, now: number): SackResult {
    const cum = sack.cumulativeTsnAck;
    const result: SackResult = { cumulativeAdvanced: false, forwardTsnNeeded: false, bytesAcked: 0 };
    // Stale SACKs, and SACKs acknowledging what we never sent, are dropped.
    if (tsnLt(cum, this.cumulativeTsnAck) || !tsnLt(cum, this.nextTsn)) return result;
    const flightBefore = this.flightSize;
    let bytesAcked = 0;
    let rttSample: OutstandingData | undefined;
    let highestNewlyAcked: number | undefined;

    while (this.head < this.queue.length && tsnLte(this.queue[this.head]!.tsn, cum)) {
      const c = this.queue[this.head++]!;
      if (!c.acked && !c.abandoned) {
        bytesAcked += c.userData.length;
        if (c.transmissions === 1) rttSample = c;
        highestNewlyAcked = c.tsn;
      }
      if (c.inFlight) this.flightSize -= c.userData.length;
      c.inFlight = false;
      c.acked = true;
    }
    if (tsnGt(cum, this.cumulativeTsnAck)) {
      result.cumulativeAdvanced = true;
      this.cumulativeTsnAck = cum;
      this.errorCount = 0;
    }
    if (tsnLt(this.advancedPeerAckPoint, cum)) this.advancedPeerAckPoint = cum;
    this.compact();

    // Gap blocks. A receiver does not renege, so the spans the last SACK reported are skipped: each
    // SACK costs O(blocks + newly acknowledged chunks), not O(window).
    const n = this.queue.length - this.head;
    const prev = this.gapRanges;
    const next: number[] = [];
    let p = 0;
    let lastEnd = 0;
    for (const g of sack.gapAckBlocks) {
      if (g.start <= lastEnd || g.end < g.start) continue; // zero, overlapping or unordered: ignored
      const last = Math.min(g.end, n);
      lastEnd = g.end;
      if (last < g.start) continue;
      const s0 = tsnAdd(cum, g.start);
      const e0 = tsnAdd(cum, last);
      next.push(s0, e0);
      for (let off = g.start; off <= last; ) {
        const tsn = tsnAdd(cum, off);
        while (p < prev.length && tsnLt(prev[p + 1]!, tsn)) p += 2;
        if (p < prev.length && tsnLte(prev[p]!, tsn)) {
          off += tsnDiff(prev[p + 1]!, tsn) + 1;
          continue;
        }
        const c = this.queue[this.head + off - 1]!;
        off++;
        if (c.acked) continue;
        c.acked = true;
        if (c.abandoned) continue;
        bytesAcked += c.userData.length;
        if (c.inFlight) this.flightSize -= c.userData.length;
        c.inFlight = false;
        if (c.transmissions === 1) rttSample = c;
        if (highestNewlyAcked === undefined || tsnGt(c.tsn, highestNewlyAcked)) highestNewlyAcked = c.tsn;
      }
    }
    this.gapRanges = next;
    if (rttSample !== undefined) this.rto.measure(now - rttSample.sentAt);
    this.slowStartPhase = 'slow-start';
    if (this.hystart !== undefined && this.cwnd <= this.ssthresh) {
      this.slowStartPhase = this.hystart.onSack(rttSample === undefined ? undefined : now - rttSample.sentAt, cum, tsnAdd(this.nextTsn, -1));
    }

    // Miss indications (§7.2.4) for chunks below the highest newly acknowledged TSN: only the holes
    // between the gap blocks are visited.
    let newlyMarked = false;
    if (highestNewlyAcked !== undefined && next.length !== 0) {
      const limit = Math.min(n, tsnDiff(highestNewlyAcked, cum));
      let from = 0;
      for (let k = 0; k <= next.length && from < limit; k += 2) {
        const to = k < next.length ? Math.min(limit, tsnDiff(next[k]!, cum) - 1) : limit;
        for (let i = from; i < to; i++) {
          const c = this.queue[this.head + i]!;
          if (c.acked || c.abandoned || !c.inFlight || c.fastRetransmitted) continue;
          if (++c.missIndications === 3) {
            c.fastRetransmitted = true;
            this.markForRetransmit(c, now);
            newlyMarked = true;
          }
        }
        if (k < next.length) from = tsnDiff(next[k + 1]!, cum);
      }
    }

    if (this.inFastRecovery && tsnGte(cum, this.fastRecoveryExit)) this.inFastRecovery = false;
    if (newlyMarked) {
      if (!this.inFastRecovery) {
        this.inFastRecovery = true;
        this.hystart = undefined;
        this.fastRecoveryExit = tsnAdd(this.nextTsn, -1);
        this.ssthresh = Math.max(this.cwnd >> 1, 4 * this.mtu);
        this.cwnd = this.ssthresh;
        this.partialBytesAcked = 0;
      }
      this.fastRetransmitPending = true;
    } else if (result.cumulativeAdvanced && !this.inFastRecovery) {
      this.grow(bytesAcked, flightBefore);
    }

    this.peerRwnd = Math.max(0, sack.advertisedReceiverWindowCredit - this.flightSize);
    if (this.flightSize === 0) this.partialBytesAcked = 0;

    result.forwardTsnNeeded = this.updateAdvancedPeerAckPoint();
    result.bytesAcked = bytesAcked;
    if (this.allAcked) this.t3Deadline = undefined;
    else if (result.cumulativeAdvanced) this.t3Deadline = now + this.rto.rto;
    return result;
  }

  /** §7.2.1 slow start and §7.2.2 congestion avoidance. */
  private grow(bytesAcked: number, flightBefore: number): void {
    // "Fully utilized": within one MTU of cwnd, since message boundaries rarely fill it exactly.
    // Or the last send stopped at cwnd with data waiting: SACKs read together in one batch each
    // see the flight the ones before them shrank, though the window was full when it was sent.
    const fullyUsed = this.cwndLimited || flightBefore + this.mtu >= this.cwnd;
    if (this.cwnd <= this.ssthresh) {
      if (this.slowStartPhase === 'exit') {
        // HyStart++ ends slow start here: congestion avoidance from this cwnd on.
        this.hystart = undefined;
        this.ssthresh = this.cwnd;
        return;
      }
      const divisor = this.slowStartPhase === 'conservative' ? CSS_GROWTH_DIVISOR : 1;
      if (fullyUsed) this.cwnd += Math.floor(Math.min(bytesAcked, this.mtu) / divisor);
      return;
    }
    this.partialBytesAcked += bytesAcked;
    if (this.partialBytesAcked >= this.cwnd && fullyUsed) {
      this.partialBytesAcked -= this.cwnd;
      this.cwnd += this.mtu;
    }
  }

  /** T3-rtx expired (§6.3.3): back off, shrink cwnd, mark every outstanding chunk. */
  handleT3(now: number): boolean {
    this.t3Deadline = undefined;
    if (this.allAcked) return false;
    this.errorCount++;
    this.hystart = undefined;
    this.ssthresh = Math.max(this.cwnd >> 1, 4 * this.mtu);
    this.cwnd = this.mtu;
    this.partialBytesAcked = 0;
    this.inFastRecovery = false;
    this.rto.backOff();
    for (let i = this.head; i < this.queue.length; i++) {
      const c = this.queue[i]!;
      if (!c.acked && !c.abandoned && !c.marked) this.markForRetransmit(c, now);
    }
    this.t3Deadline = now + this.rto.rto;
    return this.updateAdvancedPeerAckPoint();
  }

  private markForRetransmit(c: OutstandingData, now: number): void {
    if (c.inFlight) this.flightSize -= c.userData.length;
    c.inFlight = false;
    c.missIndications = 0;
    if (this.expired(c, now)) {
      this.abandon(c);
      return;
    }
    c.marked = true;
    this.retransmitList.push(c);
  }

  private expired(c: OutstandingData, now: number): boolean {
    const m = c.message;
    if (!this.partialReliability) return false;
    if (m.abandoned) return true;
    if (m.maxRetransmits !== undefined && c.transmissions > m.maxRetransmits) return true;
    return m.expiresAt !== undefined && now >= m.expiresAt;
  }

  /** Abandons the whole message `c` belongs to (RFC 3758 §3.5 A1–A3). */
  abandon(c: OutstandingData): void {
    const m = c.message;
    m.abandoned = true;
    const first = this.head + tsnDiff(c.tsn, this.cumulativeTsnAck) - 1;
    for (let i = first; i >= this.head && this.queue[i]!.message === m; i--) this.abandonChunk(this.queue[i]!);
    for (let i = first + 1; i < this.queue.length && this.queue[i]!.message === m; i++) this.abandonChunk(this.queue[i]!);
    this.onAbandon(m);
  }

  private abandonChunk(c: OutstandingData): void {
    if (c.abandoned) return;
    c.abandoned = true;
    c.marked = false;
    if (c.inFlight) this.flightSize -= c.userData.length;
    c.inFlight = false;
  }

  /** Moves Advanced.Peer.Ack.Point over abandoned chunks (§3.5 C1); true if ahead of the peer. */
  updateAdvancedPeerAckPoint(): boolean {
    let i = this.head + tsnDiff(this.advancedPeerAckPoint, this.cumulativeTsnAck);
    while (i < this.queue.length && this.queue[i]!.abandoned) {
      this.advancedPeerAckPoint = this.queue[i]!.tsn;
      i++;
    }
    return tsnGt(this.advancedPeerAckPoint, this.cumulativeTsnAck);
  }

  /** The FORWARD TSN for the current ack point, with the last skipped SSN per ordered stream. */
  forwardTsn(): ForwardTsnChunk | undefined {
    if (!tsnGt(this.advancedPeerAckPoint, this.cumulativeTsnAck)) return undefined;
    const last = new Map<number, number>();
    const end = this.head + tsnDiff(this.advancedPeerAckPoint, this.cumulativeTsnAck);
    for (let i = this.head; i < end && i < this.queue.length; i++) {
      const c = this.queue[i]!;
      if (!c.unordered) last.set(c.streamIdentifier, c.streamSequenceNumber);
    }
    const streams: ForwardTsnStream[] = [];
    for (const [streamIdentifier, streamSequenceNumber] of last) streams.push({ streamIdentifier, streamSequenceNumber });
    return { type: ChunkType.FORWARD_TSN, newCumulativeTsn: this.advancedPeerAckPoint, streams };
  }

  /** Ensures T3-rtx runs (a FORWARD TSN was sent, §3.5 C3). */
  ensureTimer(now: number): void {
    if (this.t3Deadline === undefined) this.t3Deadline = now + this.rto.rto;
  }

  private compact(): void {
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    } else if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }
}

function tsnGte(a: number, b: number): boolean {
  return !tsnLt(a, b);
}

import { CauseCode, ChunkType, ReconfigParameterType, padded } from './chunk-type.js';
import { chunkSize, isUnknownChunk, type AbortChunk, type Chunk, type DataChunk } from './chunk.js';
import { COMMON_HEADER_SIZE, decodePacket, encodePacket, type Packet } from './packet.js';
import type { OutstandingData } from './retransmission-queue.js';
import type { ReconfigParameter } from './reconfig-parameter.js';
import { SctpError } from './sctp-error.js';
import { OutboundMessage, type SendOptions } from './send-queue.js';
import { AssociationCore } from './association-core.js';
import { BLACK_HOLE_TIMEOUTS } from './plpmtud.js';
import { causeChunk, makeInit, noUserDataAbort, unrecognizedChunkError } from './handshake.js';
import { abortReason } from './sctp-log.js';

export type { AssociationHandler, AssociationOptions, AssociationCongestion, AssociationState, AssociationStats } from './association-options.js';

/**
 * A sans-IO SCTP association (RFC 9260) as WebRTC uses it over DTLS (RFC 8261): feed it packets with
 * {@link Association.handlePacket}, the clock with {@link Association.handleTimeout}, drain packets
 * with {@link Association.pollTransmit} after each call, and arm a timer for
 * {@link Association.nextTimeout}. It keeps references to the packets and messages given to it; the
 * caller must not reuse their memory.
 */
export class Association extends AssociationCore {
  // ───────────────────────── public API ─────────────────────────

  /** Starts the four-way handshake by sending INIT (§5.1 A). */
  connect(now: number): void {
    if (this.state !== 'closed') throw new SctpError('invalid-state', `connect() in state ${this.state}`);
    this.now = now;
    this.localTag = this.randomTag();
    this.localInitialTsn = this.randomUint32();
    const init = makeInit(this.localInitParameters(this.localTag, this.localInitialTsn));
    const packet = encodePacket(this.header(0), [init]);
    this.control.push(packet);
    this.t1 = { deadline: now + this.rtoOpts.initial, rto: this.rtoOpts.initial, count: 0, packet };
    this.setState('cookie-wait');
  }

  /**
   * Queues a user message on a stream. Throws {@link SctpError} for an empty message, a bad stream
   * id, or when the association is closed or shutting down.
   */
  send(streamIdentifier: number, ppid: number, data: Uint8Array, options: SendOptions = {}, now = this.now): void {
    if (this.state === 'closed' || this.state.startsWith('shutdown')) {
      throw new SctpError('invalid-state', `send() in state ${this.state}`);
    }
    if (!Number.isInteger(streamIdentifier) || streamIdentifier < 0 || streamIdentifier >= this.outboundStreams) {
      throw new SctpError('invalid-argument', `stream ${streamIdentifier} out of range`);
    }
    if (data.length === 0) throw new SctpError('invalid-argument', 'DATA chunks cannot be empty (RFC 9260 §3.3.1)');
    const pr = this.state !== 'established' || this.peerForwardTsn;
    this.sendQueue.push(
      new OutboundMessage(
        streamIdentifier,
        ppid >>> 0,
        data,
        options.unordered === true,
        pr ? options.maxRetransmits : undefined,
        pr && options.maxPacketLifeTime !== undefined ? now + options.maxPacketLifeTime : undefined,
        options.counted !== false,
      ),
    );
  }

  /** Forgets the outgoing state of a stream that is closed and drained (its SSN starts at 0 again). */
  forgetStream(streamIdentifier: number): void {
    this.sendQueue.deleteStream(streamIdentifier);
  }

  /** Whether nothing is queued for sending on any stream. */
  get sendQueueEmpty(): boolean {
    return this.sendQueue.empty;
  }

  /** Bytes queued on a stream and not yet sent. */
  bufferedAmount(streamIdentifier: number): number {
    return this.sendQueue.stream(streamIdentifier).buffered;
  }

  /** Sets the threshold below which {@link AssociationHandler.onBufferedAmountLow} fires. */
  setBufferedAmountLowThreshold(streamIdentifier: number, threshold: number): void {
    this.sendQueue.stream(streamIdentifier).lowThreshold = threshold;
  }

  /** Resets outgoing streams (RFC 6525 §5.1.2) once their queued data has been sent. */
  resetStreams(streams: readonly number[]): void {
    if (this.state === 'closed') return;
    this.ensureResetter();
    for (const s of streams) this.resetter!.pending.add(s);
  }

  /** Graceful SHUTDOWN (§9.2): sends what is queued, then closes. */
  shutdown(now: number): void {
    this.now = now;
    if (this.state === 'established') {
      this.setState('shutdown-pending');
      this.maybeShutdown();
    } else if (this.state === 'cookie-wait' || this.state === 'cookie-echoed') {
      this.closeWith('shutdown before established');
    }
  }

  /** The next time {@link handleTimeout} should run, or undefined. */
  nextTimeout(): number | undefined {
    let t: number | undefined;
    const min = (d: number | undefined) => {
      if (d !== undefined && (t === undefined || d < t)) t = d;
    };
    min(this.t1?.deadline);
    min(this.t2?.deadline);
    min(this.rq?.t3Deadline);
    min(this.rx?.delayedAckDeadline);
    min(this.heartbeatDeadline);
    min(this.pmtud?.deadline);
    min(this.resetter?.inFlight?.deadline);
    return t;
  }

  /** Runs every timer due at `now`. */
  handleTimeout(now: number): void {
    this.now = now;
    this.openBurst();
    if (this.t1 !== undefined && now >= this.t1.deadline) this.onT1(now);
    if (this.t2 !== undefined && now >= this.t2.deadline) this.onT2(now);
    const rq = this.rq;
    if (rq?.t3Deadline !== undefined && now >= rq.t3Deadline) {
      this.stats.t3Expiries++;
      if (rq.handleT3(now)) this.forwardTsnPending = true;
      if (rq.errorCount > this.maxRetrans) return this.fail('too many retransmissions');
      if (rq.errorCount >= BLACK_HOLE_TIMEOUTS && this.pmtud?.onBlackHole(now)) {
        this.mtu = this.pmtud.mtu;
        rq.setMtu(this.mtu);
      }
    }
    if (this.rx?.delayedAckDeadline !== undefined && now >= this.rx.delayedAckDeadline) this.rx.onDelayedAckTimer();
    if (this.heartbeatDeadline !== undefined && now >= this.heartbeatDeadline) this.onHeartbeatTimer(now);
    this.pmtud?.handleTimeout(now);
    const f = this.resetter?.inFlight;
    if (f !== undefined && now >= f.deadline) {
      const c = this.resetter!.retransmit(now, rq?.rto.rto ?? this.rtoOpts.initial);
      if (c) this.pendingChunks.push(c);
    }
  }

  /**
   * Max.Burst counts from the last time output was drained, not from each input: an adapter that
   * reads several SACKs before it sends must keep the credit of each (what each acknowledged), or
   * the sender sends Max.Burst packets per batch, never fills cwnd, and cwnd never grows.
   */
  private openBurst(): void {
    if (!this.burstSpent) return;
    this.burstSpent = false;
    this.burst = this.maxBurst;
  }

  /** Handles one received SCTP packet (already out of DTLS). Bad packets are counted and dropped. */
  handlePacket(bytes: Uint8Array, now: number): void {
    this.now = now;
    this.openBurst();
    this.stats.packetsReceived++;
    let packet: Packet;
    try {
      packet = decodePacket(bytes, this.zeroChecksumAcceptable);
    } catch (e) {
      if (!(e instanceof SctpError)) throw e;
      this.stats.packetsDropped++;
      return;
    }
    if (packet.destinationPort !== this.localPort || packet.sourcePort !== this.remotePort) {
      this.stats.packetsDropped++;
      return;
    }
    if (!this.acceptTag(packet)) {
      this.stats.packetsDropped++;
      return;
    }
    let hadData = false;
    let immediate = false;
    for (const c of packet.chunks) {
      if (this.state === 'closed' && c.type !== ChunkType.INIT && c.type !== ChunkType.COOKIE_ECHO) {
        if (c.type === ChunkType.SHUTDOWN_ACK) this.sendShutdownCompleteOob(packet.verificationTag);
        break;
      }
      if (isUnknownChunk(c)) {
        if ((c.type & 0x40) !== 0) this.pendingChunks.push(unrecognizedChunkError(c));
        if ((c.type & 0x80) === 0) break;
        continue;
      }
      if (c.type === ChunkType.DATA) {
        if (!this.handleData(c)) return;
        hadData = true;
        immediate ||= c.immediate;
        continue;
      }
      if (!this.handleControl(c, packet)) break;
    }
    if (hadData) this.afterData(immediate);
    // A SACK due now (every second DATA packet, a gap, a duplicate) leaves now, on its own, rather
    // than with whatever this endpoint sends after the adapter has read every datagram waiting:
    // a window's packets read in one batch would otherwise get one SACK, and the sender's cwnd,
    // which grows by at most one MTU per SACK (RFC 9260 §7.2.1), would crawl on paths with delay.
    if (this.rx !== undefined && this.rx.wantsSack(false) && this.canCarryData() && this.state !== 'cookie-echoed') {
      this.control.push(encodePacket(this.header(this.peerTag), [this.rx.takeSack()], this.zeroChecksum));
    }
  }

  /**
   * The next packet to send, or undefined when there is nothing (more) to send now. Call it in a
   * loop after every other call.
   */
  pollTransmit(now: number): Uint8Array | undefined {
    this.now = now;
    if (this.control.length !== 0) {
      this.stats.packetsSent++;
      return this.control.shift();
    }
    if (this.pmtud !== undefined && this.state === 'established') {
      const size = this.pmtud.probeDue(now);
      if (size !== undefined) {
        this.stats.packetsSent++;
        return this.pmtud.probePacket(this.header(this.peerTag), size);
      }
    }
    if (this.rq === undefined || !this.canCarryData()) return undefined;
    const p = this.buildPacket(now);
    if (p !== undefined) this.stats.packetsSent++;
    else this.burstSpent = true;
    return p;
  }

  // ───────────────────────── verification and dispatch ─────────────────────────

  private acceptTag(p: Packet): boolean {
    const first = p.chunks[0]!;
    if (first.type === ChunkType.INIT) return p.verificationTag === 0 && p.chunks.length === 1;
    if (first.type === ChunkType.COOKIE_ECHO) return true; // checked against the cookie (§5.1.5)
    for (const c of p.chunks) {
      if ((c.type === ChunkType.ABORT || c.type === ChunkType.SHUTDOWN_COMPLETE) && !isUnknownChunk(c)) {
        const reflected = (c as AbortChunk).reflected;
        // §8.5.1 B, C: a T-bit chunk carries the peer's own tag, others ours.
        return reflected ? this.peerTag !== 0 && p.verificationTag === this.peerTag : this.localTag !== 0 && p.verificationTag === this.localTag;
      }
    }
    if (this.state === 'closed') return first.type === ChunkType.SHUTDOWN_ACK;
    return this.localTag !== 0 && p.verificationTag === this.localTag;
  }

  /** Handles a control chunk; false stops processing the rest of the packet. */
  private handleControl(c: Chunk, p: Packet): boolean {
    switch (c.type) {
      case ChunkType.INIT:
        this.handleInit(c);
        return false;
      case ChunkType.INIT_ACK:
        this.handleInitAck(c);
        return false;
      case ChunkType.COOKIE_ECHO:
        return this.handleCookieEcho(c.cookie, p.verificationTag);
      case ChunkType.COOKIE_ACK:
        if (this.state === 'cookie-echoed') {
          this.t1 = undefined;
          this.setState('established');
        }
        return true;
      case ChunkType.SACK:
        if (this.rq !== undefined && this.state !== 'cookie-wait') {
          const r = this.rq.handleSack(c, this.now);
          // Max.Burst bounds what goes out beyond the ACK clock: what this SACK acknowledged may be
          // replaced, plus the one MTU slow start may add per SACK, plus Max.Burst packets per batch.
          if (r.bytesAcked > 0) this.burst += Math.ceil(r.bytesAcked / (this.mtu - 28)) + 1;
          if (r.forwardTsnNeeded) this.forwardTsnPending = true;
          if (this.rq.errorCount === 0) this.heartbeatOutstanding = false;
          if (r.cumulativeAdvanced) this.maybeShutdown();
        }
        return true;
      case ChunkType.FORWARD_TSN:
        if (this.rx !== undefined) {
          this.rx.forward(c.newCumulativeTsn, c.streams);
          this.checkDeferredReset();
        }
        return true;
      case ChunkType.RE_CONFIG:
        this.handleReconfig(c.parameters);
        return true;
      case ChunkType.HEARTBEAT:
        this.pendingChunks.push({ type: ChunkType.HEARTBEAT_ACK, heartbeatInformation: c.heartbeatInformation });
        return true;
      case ChunkType.HEARTBEAT_ACK:
        if (this.pmtud?.onHeartbeatAck(c.heartbeatInformation)) {
          if (this.pmtud.mtu > this.mtu) {
            this.mtu = this.pmtud.mtu;
            this.rq?.setMtu(this.mtu);
          }
        } else if (c.heartbeatInformation.length === 8) {
          const sent = new DataView(c.heartbeatInformation.buffer, c.heartbeatInformation.byteOffset, 8).getFloat64(0);
          if (sent <= this.now && this.heartbeatOutstanding) this.rq?.rto.measure(this.now - sent);
          this.heartbeatOutstanding = false;
          if (this.rq) this.rq.errorCount = 0;
        }
        return true;
      case ChunkType.ABORT:
        this.closeCause = c.causes[0]?.type;
        this.closeWith(abortReason(c.causes));
        return false;
      case ChunkType.ERROR:
        return true;
      case ChunkType.SHUTDOWN:
        this.handleShutdown(c.cumulativeTsnAck);
        return true;
      case ChunkType.SHUTDOWN_ACK:
        if (this.state === 'shutdown-sent' || this.state === 'shutdown-ack-sent') {
          this.control.push(encodePacket(this.header(this.peerTag), [{ type: ChunkType.SHUTDOWN_COMPLETE, reflected: false }]));
          this.closeWith('shutdown');
        }
        return false;
      case ChunkType.SHUTDOWN_COMPLETE:
        if (this.state === 'shutdown-ack-sent') this.closeWith('shutdown');
        return false;
      default:
        return true;
    }
  }

  // ───────────────────────── data receive (§6.2) ─────────────────────────

  /** Handles one DATA chunk; false when the association was aborted because of it. */
  private handleData(c: DataChunk): boolean {
    if (this.rx === undefined || !this.canReceiveData()) return true;
    if (c.userData.length === 0) {
      this.control.push(encodePacket(this.header(this.peerTag), [noUserDataAbort(c.tsn)]));
      this.closeWith('DATA chunk without user data');
      return false;
    }
    if (c.streamIdentifier >= this.streams) {
      // §6.5: acknowledge the TSN as usual, report Invalid Stream Identifier, drop the data.
      this.rx.acknowledgeOnly(c.tsn);
      const v = new Uint8Array(4);
      new DataView(v.buffer).setUint16(0, c.streamIdentifier);
      this.pendingChunks.push(causeChunk(ChunkType.ERROR, CauseCode.INVALID_STREAM_IDENTIFIER, v));
      return true;
    }
    if (this.rx.handleData(c) === 'dropped') this.stats.dataDropped++;
    return true;
  }

  private afterData(immediate: boolean): void {
    this.rx!.afterPacket(immediate || this.state !== 'established', this.now);
    this.checkDeferredReset();
  }

  // ───────────────────────── stream reset (RFC 6525) ─────────────────────────

  private handleReconfig(params: readonly ReconfigParameter[]): void {
    const r = this.resetter;
    if (r === undefined || this.rx === undefined) return;
    for (const p of params) {
      switch (p.type) {
        case ReconfigParameterType.OUTGOING_SSN_RESET_REQUEST: {
          const out = r.handleRequest(p, this.rx.tracker.cumulativeTsn);
          if (out.performed) this.resetIncoming(out.performed);
          this.pendingChunks.push(out.response);
          break;
        }
        case ReconfigParameterType.INCOMING_SSN_RESET_REQUEST:
          this.pendingChunks.push(r.handleIncomingRequest(p.requestSequenceNumber, p.streams));
          break;
        case ReconfigParameterType.RECONFIGURATION_RESPONSE: {
          const done = r.handleResponse(p);
          if (done === 'retry') {
            const c = r.retransmit(this.now, this.rq!.rto.rto);
            if (c) r.inFlight!.deadline = this.now + Math.min(this.rq!.rto.rto, 100);
          } else if (done.length) {
            this.sendQueue.resetSsn(done);
            this.h.onOutgoingStreamsReset?.(done);
          }
          break;
        }
        default:
          this.pendingChunks.push(r.deny(p.requestSequenceNumber));
      }
    }
  }

  private checkDeferredReset(): void {
    const streams = this.resetter?.takeDeferred(this.rx!.tracker.cumulativeTsn);
    if (streams) this.resetIncoming(streams);
  }

  private resetIncoming(streams: number[]): void {
    this.rx!.reassembly.resetStreams(streams);
    this.h.onIncomingStreamsReset?.(streams);
  }

  // ───────────────────────── heartbeat (§8.3) ─────────────────────────

  private onHeartbeatTimer(now: number): void {
    this.heartbeatDeadline = now + this.heartbeatInterval;
    // Only an idle path is probed: with DATA outstanding, T3-rtx already watches the peer.
    if (this.rq !== undefined && !this.rq.allAcked && !this.heartbeatOutstanding) return;
    if (this.heartbeatOutstanding && this.rq && ++this.rq.errorCount > this.maxRetrans) return this.fail('peer unreachable');
    const info = new Uint8Array(8);
    new DataView(info.buffer).setFloat64(0, now);
    this.heartbeatOutstanding = true;
    this.pendingChunks.push({ type: ChunkType.HEARTBEAT, heartbeatInformation: info });
  }

  // ───────────────────────── transmit ─────────────────────────

  private canCarryData(): boolean {
    return this.state !== 'closed' && this.state !== 'cookie-wait';
  }

  private canReceiveData(): boolean {
    return this.state === 'established' || this.state === 'shutdown-pending' || this.state === 'shutdown-sent' || this.state === 'cookie-echoed';
  }

  private buildPacket(now: number): Uint8Array | undefined {
    const rq = this.rq!;
    const chunks = this.scratch;
    chunks.length = 0;
    let room = this.mtu - COMMON_HEADER_SIZE;
    const established = this.state !== 'cookie-echoed';
    const dataAllowed = established && this.state !== 'shutdown-sent' && this.state !== 'shutdown-ack-sent';
    const wantData =
      dataAllowed && (rq.hasRetransmissions || (!this.sendQueue.empty && rq.canSend(1)));
    if (established && this.rx!.wantsSack(wantData)) {
      const sack = this.rx!.takeSack();
      chunks.push(sack);
      room -= chunkSize(sack);
    }
    if (established && this.forwardTsnPending) {
      this.forwardTsnPending = false;
      const f = rq.forwardTsn();
      if (f !== undefined && chunkSize(f) <= room) {
        chunks.push(f);
        room -= padded(chunkSize(f));
        rq.ensureTimer(now);
        this.stats.forwardTsnSent++;
      }
    }
    if (established && this.resetter !== undefined && this.peerReconfig) {
      const c = this.resetter.makeRequest((sid) => !this.sendQueue.hasQueued(sid), (rq.nextTsn - 1) >>> 0, now, rq.rto.rto);
      if (c) this.pendingChunks.push(c);
    }
    while (this.pendingChunks.length !== 0 && padded(chunkSize(this.pendingChunks[0]!)) <= room) {
      const c = this.pendingChunks.shift()!;
      chunks.push(c);
      room -= padded(chunkSize(c));
    }
    if (dataAllowed) room = this.fillData(chunks, room, now);
    if (chunks.length === 0) return undefined;
    // RFC 9653 §5.3: agreed zero checksums once established; the handshake's packets keep theirs.
    return encodePacket(this.header(this.peerTag), chunks, this.zeroChecksum && established);
  }

  private fillData(chunks: Chunk[], room: number, now: number): number {
    const rq = this.rq!;
    // Retransmissions first (§6.1 C), within cwnd unless a fast retransmit is due (§7.2.4).
    while (rq.hasRetransmissions && (rq.flightSize < rq.cwnd || rq.fastRetransmitPending)) {
      const c = rq.nextRetransmission(now);
      if (c === undefined) break;
      const size = 16 + c.userData.length;
      if (size > room) break;
      if (c.fastRetransmitted && c.transmissions === 1) this.stats.fastRetransmits++;
      rq.sent(c, now);
      this.stats.retransmissions++;
      chunks.push(c);
      room -= padded(size);
    }
    rq.fastRetransmitPending = false;
    if (this.burst <= 0 && rq.flightSize > 0) {
      rq.cwndLimited = false; // Max.Burst, not cwnd, holds data back
      return room;
    }
    const before = chunks.length;
    while (room > 16 + 32) {
      const m = this.sendQueue.front(now);
      if (m === undefined) {
        rq.cwndLimited = false; // application-limited: cwnd is not what holds data back
        break;
      }
      const left = m.data.length - m.offset;
      const take = Math.min(left, room - 16, this.maxFragment);
      if (!rq.canSend(take)) break;
      if (m.offset === 0 && !m.unordered) {
        const s = this.sendQueue.stream(m.streamIdentifier);
        m.ssn = s.nextSsn;
        s.nextSsn = (s.nextSsn + 1) & 0xffff;
      }
      const c = rq.add(m, m.data.subarray(m.offset, m.offset + take), m.offset === 0, take === left);
      this.sendQueue.consumed(m, take);
      rq.sent(c, now);
      chunks.push(c);
      room -= padded(16 + take);
    }
    if (chunks.length !== before) {
      this.burst--;
      // RFC 7053: ask for an immediate SACK when this packet ends what we can send for now, so the
      // peer's delayed-SACK timer does not stall a window-limited sender.
      if (this.burst <= 0 || (!this.sendQueue.empty && !rq.canSend(1))) (chunks[chunks.length - 1] as OutstandingData).immediate = true;
    }
    if (rq.t3Deadline === undefined && !rq.allAcked) rq.ensureTimer(now);
    return room;
  }
}

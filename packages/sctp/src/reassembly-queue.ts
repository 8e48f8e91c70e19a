import type { DataChunk, ForwardTsnStream } from './chunk.js';
import { ssnLt, ssnLte, tsnAdd, tsnLte } from './serial-number.js';

/** Receives each complete user message, in order per stream where the message is ordered. */
export type DeliverMessage = (streamIdentifier: number, ppid: number, data: Uint8Array, unordered: boolean) => void;

interface PendingMessage {
  ppid: number;
  data: Uint8Array;
}

/** Ordered-delivery state of one inbound stream. */
interface InboundStream {
  nextSsn: number;
  /** Complete messages waiting for an earlier SSN. */
  pending: Map<number, PendingMessage>;
}

/**
 * Puts fragments back together (RFC 9260 §6.9) and delivers messages, in SSN order on ordered
 * streams (§6.6). Fragments of one message carry consecutive TSNs, so a message is found by walking
 * TSNs from any fragment to its B and E fragments; the walk is only tried when a fragment ends a
 * message or fills a hole, so in-order arrival costs O(fragments).
 */
export class ReassemblyQueue {
  /** Bytes held: fragments not yet complete plus complete messages waiting for their turn. */
  bytes = 0;
  private readonly fragments = new Map<number, DataChunk>();
  private readonly streams = new Map<number, InboundStream>();
  private readonly deliver: DeliverMessage;

  constructor(deliver: DeliverMessage) {
    this.deliver = deliver;
  }

  /**
   * Adds a new DATA chunk (not a duplicate). `fillsHole` says it arrived below the highest TSN seen,
   * so it may complete a message whose E fragment came earlier.
   */
  add(chunk: DataChunk, fillsHole: boolean): void {
    if (chunk.beginning && chunk.ending) {
      this.complete(chunk.streamIdentifier, chunk.streamSequenceNumber, chunk.payloadProtocolIdentifier, chunk.userData, chunk.unordered);
      return;
    }
    this.fragments.set(chunk.tsn, chunk);
    this.bytes += chunk.userData.length;
    if (chunk.ending || fillsHole) this.tryAssemble(chunk);
  }

  private tryAssemble(chunk: DataChunk): void {
    const f = this.fragments;
    let first = chunk;
    while (!first.beginning) {
      const prev = f.get(tsnAdd(first.tsn, -1));
      if (prev === undefined || prev.ending) return;
      first = prev;
    }
    let last = chunk;
    let size = 0;
    for (let c = first; ; ) {
      size += c.userData.length;
      if (c.ending) {
        last = c;
        break;
      }
      const next = f.get(tsnAdd(c.tsn, 1));
      if (next === undefined || next.beginning) return;
      c = next;
    }
    const data = new Uint8Array(size);
    let off = 0;
    for (let tsn = first.tsn; ; tsn = tsnAdd(tsn, 1)) {
      const c = f.get(tsn)!;
      data.set(c.userData, off);
      off += c.userData.length;
      f.delete(tsn);
      if (tsn === last.tsn) break;
    }
    this.bytes -= size;
    this.complete(first.streamIdentifier, first.streamSequenceNumber, first.payloadProtocolIdentifier, data, first.unordered);
  }

  private complete(sid: number, ssn: number, ppid: number, data: Uint8Array, unordered: boolean): void {
    if (unordered) {
      this.deliver(sid, ppid, data, true);
      return;
    }
    const s = this.stream(sid);
    if (ssn === s.nextSsn) {
      s.nextSsn = (ssn + 1) & 0xffff;
      this.deliver(sid, ppid, data, false);
      this.drain(sid, s);
    } else if (ssnLt(s.nextSsn, ssn) && !s.pending.has(ssn)) {
      s.pending.set(ssn, { ppid, data });
      this.bytes += data.length;
    }
    // An SSN behind nextSsn is a message skipped by FORWARD TSN or a stale stream: dropped.
  }

  private drain(sid: number, s: InboundStream): void {
    if (s.pending.size === 0) return;
    for (let m = s.pending.get(s.nextSsn); m !== undefined; m = s.pending.get(s.nextSsn)) {
      s.pending.delete(s.nextSsn);
      this.bytes -= m.data.length;
      s.nextSsn = (s.nextSsn + 1) & 0xffff;
      this.deliver(sid, m.ppid, m.data, false);
    }
  }

  private stream(sid: number): InboundStream {
    let s = this.streams.get(sid);
    if (s === undefined) {
      s = { nextSsn: 0, pending: new Map() };
      this.streams.set(sid, s);
    }
    return s;
  }

  /**
   * FORWARD TSN (RFC 3758 §3.6): forgets fragments up to `newCumulativeTsn`, delivers what the
   * skipped SSNs were holding back, and moves each listed ordered stream past the skipped SSN.
   */
  forward(newCumulativeTsn: number, streams: readonly ForwardTsnStream[]): void {
    for (const [tsn, c] of this.fragments) {
      if (tsnLte(tsn, newCumulativeTsn)) {
        this.fragments.delete(tsn);
        this.bytes -= c.userData.length;
      }
    }
    for (const { streamIdentifier: sid, streamSequenceNumber: ssn } of streams) {
      const s = this.stream(sid);
      if (ssnLt(ssn, s.nextSsn)) continue;
      // Deliver complete messages up to the skipped SSN, in order, then skip past it.
      for (let x = s.nextSsn; ssnLte(x, ssn); x = (x + 1) & 0xffff) {
        const m = s.pending.get(x);
        if (m !== undefined) {
          s.pending.delete(x);
          this.bytes -= m.data.length;
          this.deliver(sid, m.ppid, m.data, false);
        }
      }
      s.nextSsn = (ssn + 1) & 0xffff;
      this.drain(sid, s);
    }
  }

  /** Resets inbound streams to SSN 0 (RFC 6525 §5.2.2); an empty list means all streams. */
  resetStreams(streams: readonly number[]): void {
    if (streams.length === 0) {
      for (const s of this.streams.values()) for (const m of s.pending.values()) this.bytes -= m.data.length;
      this.streams.clear();
      return;
    }
    for (const sid of streams) {
      const s = this.streams.get(sid);
      if (s === undefined) continue;
      for (const m of s.pending.values()) this.bytes -= m.data.length;
      this.streams.delete(sid);
    }
  }
}

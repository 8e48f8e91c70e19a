import { DropLog, type Logger } from '@x/base';
import { rtpLogger } from './rtp-log.js';
import { SequenceNumberUnwrapper } from './sequence-number.js';

/** Options of {@link NackGenerator}. */
export interface NackGeneratorOptions {
  /** Requests per missing packet before giving up on it. Default 10 (libwebrtc). */
  maxRetries?: number;
  /** Most packets tracked as missing; beyond it the oldest are given up. Default 1000. */
  maxMissing?: number;
  /** Floor of the interval between requests for one packet, in ms. Default 5. */
  minRetryIntervalMs?: number;
  /**
   * Says packets given up on (the first of each cause, then counts), prefixed `[rtp]`. Without
   * one, `NODE_DEBUG=x-rtp` writes them to stderr.
   */
  logger?: Logger;
}

/** What {@link NackGenerator.poll} decided. */
export interface NackDecision {
  /** Sequence numbers to ask for now, in a generic NACK. */
  nack: number[];
  /** Sequence numbers given up on (retries exhausted or too many missing). */
  lost: number[];
}

interface Missing {
  seq: number;
  retries: number;
  lastSentMs: number;
}

/**
 * Receiver-side NACK generation (RFC 4585 §6.2.1): tracks gaps in the sequence numbers, asks for
 * each missing packet again every round-trip time, and gives up after a number of tries. Sans-IO:
 * call {@link NackGenerator.onPacket} per packet and {@link NackGenerator.poll} on a timer or after
 * each packet, with the current time.
 */
export class NackGenerator {
  private readonly unwrapper = new SequenceNumberUnwrapper();
  private readonly missing = new Map<number, Missing>();
  private highest: number | undefined;
  private readonly maxRetries: number;
  private readonly maxMissing: number;
  private readonly minInterval: number;
  private readonly givenUp: number[] = [];
  private readonly log: DropLog;
  /** Packets that arrived after being NACKed at least once (recovered by retransmission or late). */
  recovered = 0;

  constructor(options: NackGeneratorOptions = {}) {
    this.maxRetries = options.maxRetries ?? 10;
    this.maxMissing = options.maxMissing ?? 1000;
    this.minInterval = options.minRetryIntervalMs ?? 5;
    this.log = new DropLog(rtpLogger(options.logger));
  }

  /** Record a received sequence number (original packets and ones recovered through RTX alike). */
  onPacket(sequenceNumber: number): void {
    const ext = this.unwrapper.unwrap(sequenceNumber);
    if (this.highest === undefined) { this.highest = ext; return; }
    if (ext > this.highest) {
      // After a jump longer than the list, only the newest `maxMissing` numbers are worth asking
      // for; older ones are past any jitter buffer and left out.
      for (let e = Math.max(this.highest + 1, ext - this.maxMissing); e < ext; e++) {
        this.missing.set(e, { seq: e & 0xffff, retries: 0, lastSentMs: -Infinity });
      }
      this.highest = ext;
      if (this.missing.size > this.maxMissing) {
        for (const [k, m] of this.missing) {
          if (this.missing.size <= this.maxMissing) break;
          this.missing.delete(k);
          this.givenUp.push(m.seq);
          if (this.log.on) this.log.drop('NACK: too many missing', () => `NACK: gave up on packet ${m.seq}: more than ${this.maxMissing} packets missing`);
        }
      }
    } else {
      const m = this.missing.get(ext);
      if (m) {
        if (m.retries > 0) this.recovered++;
        this.missing.delete(ext);
      }
    }
  }

  /** Sequence numbers currently missing. */
  get pending(): number[] {
    return [...this.missing.values()].map((m) => m.seq);
  }

  /** Which packets to NACK now, and which to give up on, at time `nowMs` with round-trip time `rttMs`. */
  poll(nowMs: number, rttMs: number): NackDecision {
    const nack: number[] = [];
    const lost = this.givenUp.splice(0);
    const interval = Math.max(this.minInterval, rttMs);
    for (const [k, m] of this.missing) {
      if (nowMs - m.lastSentMs < interval) continue;
      if (m.retries >= this.maxRetries) {
        this.missing.delete(k);
        lost.push(m.seq);
        if (this.log.on) this.log.drop('NACK: retries exhausted', () => `NACK: gave up on packet ${m.seq} after ${m.retries} requests (every ${interval} ms)`);
        continue;
      }
      m.retries++;
      m.lastSentMs = nowMs;
      nack.push(m.seq);
    }
    return { nack, lost };
  }
}

import { ChunkType, ReconfigParameterType, ReconfigResult } from './chunk-type.js';
import type { ReconfigChunk } from './chunk.js';
import type { OutgoingSsnResetRequest, ReconfigurationResponse } from './reconfig-parameter.js';
import { tsnAdd, tsnLte } from './serial-number.js';

/** What to do with a peer's Outgoing SSN Reset Request. */
export interface IncomingResetOutcome {
  /** The RE-CONFIG chunk carrying our response. */
  response: ReconfigChunk;
  /** Inbound streams to reset now (the request is performed). */
  performed?: number[];
}

/**
 * RFC 6525 bookkeeping for both directions: our one outstanding Outgoing SSN Reset Request (with its
 * retransmission deadline) and the sequence numbers of the peer's requests, with the last response
 * kept for a retransmitted request. A request whose Sender's Last Assigned TSN has not yet arrived is
 * answered "In progress" and performed once it has (§5.2.2).
 */
export class StreamResetter {
  /** Streams waiting to be reset outgoing (not yet in a request). */
  readonly pending = new Set<number>();
  /** Our request in flight, if any. */
  inFlight: { request: OutgoingSsnResetRequest; deadline: number } | undefined;
  private nextRequestSequence: number;
  private expectedPeerSequence: number;
  private lastResponse: ReconfigurationResponse | undefined;
  private deferred: OutgoingSsnResetRequest | undefined;

  constructor(localInitialTsn: number, peerInitialTsn: number) {
    this.nextRequestSequence = localInitialTsn;
    this.expectedPeerSequence = peerInitialTsn;
  }

  /**
   * Makes our next request from the pending streams that have nothing left to send, unless one is
   * already in flight.
   */
  makeRequest(drained: (sid: number) => boolean, senderLastAssignedTsn: number, now: number, rto: number): ReconfigChunk | undefined {
    if (this.inFlight !== undefined || this.pending.size === 0) return undefined;
    const streams: number[] = [];
    for (const sid of this.pending) if (drained(sid)) streams.push(sid);
    if (streams.length === 0) return undefined;
    for (const sid of streams) this.pending.delete(sid);
    const request: OutgoingSsnResetRequest = {
      type: ReconfigParameterType.OUTGOING_SSN_RESET_REQUEST,
      requestSequenceNumber: this.nextRequestSequence,
      responseSequenceNumber: tsnAdd(this.expectedPeerSequence, -1),
      senderLastAssignedTsn,
      streams,
    };
    this.nextRequestSequence = tsnAdd(this.nextRequestSequence, 1);
    this.inFlight = { request, deadline: now + rto };
    return { type: ChunkType.RE_CONFIG, parameters: [request] };
  }

  /** Our request again after its timer ran out. */
  retransmit(now: number, rto: number): ReconfigChunk | undefined {
    if (this.inFlight === undefined) return undefined;
    this.inFlight.deadline = now + rto;
    return { type: ChunkType.RE_CONFIG, parameters: [this.inFlight.request] };
  }

  /**
   * The peer answered. Returns the streams whose reset completed (SSN back to 0), `'retry'` for In
   * progress, or an empty list if the request failed or the response is not for it.
   */
  handleResponse(r: ReconfigurationResponse): number[] | 'retry' {
    const f = this.inFlight;
    if (f === undefined || r.responseSequenceNumber !== f.request.requestSequenceNumber) return [];
    if (r.result === ReconfigResult.IN_PROGRESS) return 'retry';
    this.inFlight = undefined;
    if (r.result === ReconfigResult.SUCCESS_PERFORMED || r.result === ReconfigResult.SUCCESS_NOTHING_TO_DO) {
      return f.request.streams;
    }
    return [];
  }

  /** Handles a peer's Outgoing SSN Reset Request given our cumulative TSN. */
  handleRequest(req: OutgoingSsnResetRequest, cumulativeTsn: number): IncomingResetOutcome {
    const seq = req.requestSequenceNumber;
    if (seq === tsnAdd(this.expectedPeerSequence, -1) && this.lastResponse !== undefined) {
      // A retransmission: answer the same, unless a deferred reset has happened meanwhile.
      return { response: wrap(this.lastResponse) };
    }
    if (seq !== this.expectedPeerSequence) {
      return { response: wrap(this.respond(seq, ReconfigResult.ERROR_BAD_SEQUENCE_NUMBER, false)) };
    }
    this.expectedPeerSequence = tsnAdd(seq, 1);
    if (tsnLte(req.senderLastAssignedTsn, cumulativeTsn)) {
      return { response: wrap(this.respond(seq, ReconfigResult.SUCCESS_PERFORMED)), performed: req.streams };
    }
    this.deferred = req;
    return { response: wrap(this.respond(seq, ReconfigResult.IN_PROGRESS)) };
  }

  /** A deferred request whose last TSN has now arrived: its streams, to reset now. */
  takeDeferred(cumulativeTsn: number): number[] | undefined {
    const d = this.deferred;
    if (d === undefined || !tsnLte(d.senderLastAssignedTsn, cumulativeTsn)) return undefined;
    this.deferred = undefined;
    this.lastResponse = this.respond(d.requestSequenceNumber, ReconfigResult.SUCCESS_PERFORMED);
    return d.streams;
  }

  /** Answers a request we do not perform (SSN/TSN reset, adding streams) with Denied. */
  deny(seq: number): ReconfigChunk {
    if (seq === this.expectedPeerSequence) this.expectedPeerSequence = tsnAdd(seq, 1);
    return wrap(this.respond(seq, ReconfigResult.DENIED));
  }

  /** Handles a peer's Incoming SSN Reset Request: we reset those outgoing streams ourselves. */
  handleIncomingRequest(seq: number, streams: readonly number[]): ReconfigChunk {
    if (seq === tsnAdd(this.expectedPeerSequence, -1) && this.lastResponse !== undefined) return wrap(this.lastResponse);
    if (seq !== this.expectedPeerSequence) return wrap(this.respond(seq, ReconfigResult.ERROR_BAD_SEQUENCE_NUMBER, false));
    this.expectedPeerSequence = tsnAdd(seq, 1);
    for (const s of streams) this.pending.add(s);
    return wrap(this.respond(seq, ReconfigResult.SUCCESS_PERFORMED));
  }

  private respond(seq: number, result: number, remember = true): ReconfigurationResponse {
    const r: ReconfigurationResponse = { type: ReconfigParameterType.RECONFIGURATION_RESPONSE, responseSequenceNumber: seq, result };
    if (remember) this.lastResponse = r;
    return r;
  }
}

function wrap(r: ReconfigurationResponse): ReconfigChunk {
  return { type: ChunkType.RE_CONFIG, parameters: [r] };
}

import { ContentType, HANDSHAKE_HEADER_LENGTH, RECORD_HEADER_LENGTH } from './constants.js';
import { writeHandshakeHeader } from './handshake-fragment.js';
import { writeRecordHeader } from './record.js';
import type { RecordProtection } from './record-protection.js';
import { ReplayWindow } from './replay-window.js';

/** Write state of one epoch: next sequence number and (epoch > 0) the protection. */
interface WriteState {
  sequenceNumber: number;
  protection: RecordProtection | undefined;
}

/** Read state of one epoch: anti-replay window and protection. */
export interface ReadState {
  window: ReplayWindow;
  protection: RecordProtection | undefined;
}

/** 2^48 - 1: the last sequence number of an epoch (RFC 6347 §4.1). */
const MAX_SEQUENCE = 0xffff_ffff_ffff;

/**
 * The sending half of the record layer: per-epoch sequence numbers, protection, and packing of
 * records into datagrams no larger than the path MTU (several records per datagram, RFC 6347 §4.1.1).
 */
export class RecordWriter {
  private readonly states: WriteState[] = [{ sequenceNumber: 0, protection: undefined }];
  private current: Uint8Array[] = [];
  private currentLength = 0;
  private readonly ready: Uint8Array[] = [];
  /** Path MTU in bytes: the UDP payload size a datagram may reach. */
  mtu: number;

  constructor(mtu: number) {
    this.mtu = mtu;
  }

  /** Adds the write state of the next epoch. */
  addEpoch(protection: RecordProtection): number {
    this.states.push({ sequenceNumber: 0, protection });
    return this.states.length - 1;
  }

  /** Bytes a record of this epoch adds to its payload. */
  overhead(epoch: number): number {
    return RECORD_HEADER_LENGTH + (this.states[epoch]?.protection?.overhead ?? 0);
  }

  /** Payload bytes that still fit into the datagram being built, for a record of `epoch`. */
  spaceLeft(epoch: number): number {
    return this.mtu - this.currentLength - this.overhead(epoch);
  }

  /** Largest payload of one record of `epoch` in an empty datagram. */
  maxPayload(epoch: number): number {
    return this.mtu - this.overhead(epoch);
  }

  /** Makes the next sequence number of `epoch` at least `seq`. */
  ensureSequence(epoch: number, seq: number): void {
    const state = this.states[epoch];
    if (state !== undefined && state.sequenceNumber < seq) state.sequenceNumber = seq;
  }

  /** Protects and appends one record; starts a new datagram when it would not fit. */
  writeRecord(type: number, epoch: number, payload: Uint8Array, explicitSequence?: number): void {
    const state = this.states[epoch];
    if (state === undefined) throw new Error(`no write state for epoch ${epoch}`);
    let seq: number;
    if (explicitSequence !== undefined) {
      seq = explicitSequence; // a stateless HelloVerifyRequest repeats the ClientHello's number
    } else {
      seq = state.sequenceNumber;
      if (seq > MAX_SEQUENCE) throw new Error('sequence number space exhausted');
      state.sequenceNumber++;
    }
    const protection = state.protection;
    const fragmentLength = payload.length + (protection?.overhead ?? 0);
    const record = new Uint8Array(RECORD_HEADER_LENGTH + fragmentLength);
    writeRecordHeader(record, 0, type, epoch, seq, fragmentLength);
    if (protection) protection.sealInto(type, epoch, seq, payload, record, RECORD_HEADER_LENGTH);
    else record.set(payload, RECORD_HEADER_LENGTH);
    if (this.currentLength > 0 && this.currentLength + record.length > this.mtu) this.flush();
    this.current.push(record);
    this.currentLength += record.length;
  }

  /**
   * Writes a handshake message, fragmented so that every record fits the MTU (RFC 6347 §4.2.3).
   * A fragment smaller than `minFragment` is not started at the end of a nearly full datagram.
   */
  writeHandshake(epoch: number, msgType: number, messageSeq: number, body: Uint8Array, minFragment = 64): void {
    let offset = 0;
    do {
      const remaining = body.length - offset;
      let space = this.spaceLeft(epoch) - HANDSHAKE_HEADER_LENGTH;
      if (space < Math.min(remaining, minFragment) || space <= 0) {
        this.flush();
        space = this.spaceLeft(epoch) - HANDSHAKE_HEADER_LENGTH;
      }
      const n = Math.max(0, Math.min(remaining, space));
      const payload = new Uint8Array(HANDSHAKE_HEADER_LENGTH + n);
      writeHandshakeHeader(payload, 0, msgType, body.length, messageSeq, offset, n);
      payload.set(body.subarray(offset, offset + n), HANDSHAKE_HEADER_LENGTH);
      this.writeRecord(ContentType.handshake, epoch, payload);
      offset += n;
    } while (offset < body.length);
  }

  /** Closes the datagram being built. */
  flush(): void {
    if (this.currentLength === 0) return;
    if (this.current.length === 1) {
      this.ready.push(this.current[0]!);
    } else {
      const d = new Uint8Array(this.currentLength);
      let o = 0;
      for (const r of this.current) {
        d.set(r, o);
        o += r.length;
      }
      this.ready.push(d);
    }
    this.current = [];
    this.currentLength = 0;
  }

  /** Takes the finished datagrams. */
  take(): Uint8Array[] {
    this.flush();
    return this.ready.splice(0, this.ready.length);
  }
}

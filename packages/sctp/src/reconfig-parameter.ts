import { ReconfigParameterType } from './chunk-type.js';
import { SctpError } from './sctp-error.js';
import type { Tlv } from './tlv.js';

/** Outgoing SSN Reset Request Parameter (RFC 6525 §4.1). */
export interface OutgoingSsnResetRequest {
  type: typeof ReconfigParameterType.OUTGOING_SSN_RESET_REQUEST;
  requestSequenceNumber: number;
  responseSequenceNumber: number;
  senderLastAssignedTsn: number;
  /** Streams to reset; empty means all. */
  streams: number[];
}

/** Incoming SSN Reset Request Parameter (RFC 6525 §4.2). */
export interface IncomingSsnResetRequest {
  type: typeof ReconfigParameterType.INCOMING_SSN_RESET_REQUEST;
  requestSequenceNumber: number;
  streams: number[];
}

/** SSN/TSN Reset Request Parameter (RFC 6525 §4.3). */
export interface SsnTsnResetRequest {
  type: typeof ReconfigParameterType.SSN_TSN_RESET_REQUEST;
  requestSequenceNumber: number;
}

/** Re-configuration Response Parameter (RFC 6525 §4.4). */
export interface ReconfigurationResponse {
  type: typeof ReconfigParameterType.RECONFIGURATION_RESPONSE;
  responseSequenceNumber: number;
  /** One of {@link ReconfigResult}. */
  result: number;
  senderNextTsn?: number;
  receiverNextTsn?: number;
}

/** Add Outgoing/Incoming Streams Request Parameter (RFC 6525 §4.5, §4.6). */
export interface AddStreamsRequest {
  type: typeof ReconfigParameterType.ADD_OUTGOING_STREAMS_REQUEST | typeof ReconfigParameterType.ADD_INCOMING_STREAMS_REQUEST;
  requestSequenceNumber: number;
  numberOfNewStreams: number;
}

/** Any RE-CONFIG parameter. */
export type ReconfigParameter =
  | OutgoingSsnResetRequest
  | IncomingSsnResetRequest
  | SsnTsnResetRequest
  | ReconfigurationResponse
  | AddStreamsRequest;

function need(v: Uint8Array, n: number, what: string): void {
  if (v.length < n) throw new SctpError('truncated', `${what}: ${v.length} bytes, needs ${n}`);
}

function streamList(v: Uint8Array, dv: DataView, from: number, what: string): number[] {
  if ((v.length - from) % 2 !== 0) throw new SctpError('invalid-length', `${what}: odd stream list`);
  const out: number[] = [];
  for (let i = from; i < v.length; i += 2) out.push(dv.getUint16(i));
  return out;
}

/** Decodes one RE-CONFIG parameter TLV. */
export function decodeReconfigParameter(p: Tlv): ReconfigParameter {
  const v = p.value;
  const dv = new DataView(v.buffer, v.byteOffset, v.byteLength);
  switch (p.type) {
    case ReconfigParameterType.OUTGOING_SSN_RESET_REQUEST:
      need(v, 12, 'Outgoing SSN Reset Request');
      return {
        type: p.type,
        requestSequenceNumber: dv.getUint32(0),
        responseSequenceNumber: dv.getUint32(4),
        senderLastAssignedTsn: dv.getUint32(8),
        streams: streamList(v, dv, 12, 'Outgoing SSN Reset Request'),
      };
    case ReconfigParameterType.INCOMING_SSN_RESET_REQUEST:
      need(v, 4, 'Incoming SSN Reset Request');
      return { type: p.type, requestSequenceNumber: dv.getUint32(0), streams: streamList(v, dv, 4, 'Incoming SSN Reset Request') };
    case ReconfigParameterType.SSN_TSN_RESET_REQUEST:
      need(v, 4, 'SSN/TSN Reset Request');
      return { type: p.type, requestSequenceNumber: dv.getUint32(0) };
    case ReconfigParameterType.RECONFIGURATION_RESPONSE: {
      need(v, 8, 'Re-configuration Response');
      if (v.length !== 8 && v.length !== 16) throw new SctpError('invalid-length', 'Re-configuration Response: length must be 12 or 20');
      const r: ReconfigurationResponse = { type: p.type, responseSequenceNumber: dv.getUint32(0), result: dv.getUint32(4) };
      if (v.length === 16) {
        r.senderNextTsn = dv.getUint32(8);
        r.receiverNextTsn = dv.getUint32(12);
      }
      return r;
    }
    case ReconfigParameterType.ADD_OUTGOING_STREAMS_REQUEST:
    case ReconfigParameterType.ADD_INCOMING_STREAMS_REQUEST:
      need(v, 8, 'Add Streams Request');
      return { type: p.type, requestSequenceNumber: dv.getUint32(0), numberOfNewStreams: dv.getUint16(4) };
    default:
      throw new SctpError('invalid-parameter', `RE-CONFIG: unknown parameter type ${p.type}`);
  }
}

/** Bytes of the parameter's value (without the 4-byte TLV header, without padding). */
export function reconfigParameterValueSize(p: ReconfigParameter): number {
  switch (p.type) {
    case ReconfigParameterType.OUTGOING_SSN_RESET_REQUEST:
      return 12 + 2 * p.streams.length;
    case ReconfigParameterType.INCOMING_SSN_RESET_REQUEST:
      return 4 + 2 * p.streams.length;
    case ReconfigParameterType.SSN_TSN_RESET_REQUEST:
      return 4;
    case ReconfigParameterType.RECONFIGURATION_RESPONSE:
      return p.senderNextTsn !== undefined ? 16 : 8;
    default:
      return 8;
  }
}

/** Writes the parameter value at `p` (header written by the caller). */
export function writeReconfigParameterValue(r: ReconfigParameter, view: DataView, p: number): void {
  switch (r.type) {
    case ReconfigParameterType.OUTGOING_SSN_RESET_REQUEST:
      view.setUint32(p, r.requestSequenceNumber);
      view.setUint32(p + 4, r.responseSequenceNumber);
      view.setUint32(p + 8, r.senderLastAssignedTsn);
      r.streams.forEach((s, i) => view.setUint16(p + 12 + 2 * i, s));
      return;
    case ReconfigParameterType.INCOMING_SSN_RESET_REQUEST:
      view.setUint32(p, r.requestSequenceNumber);
      r.streams.forEach((s, i) => view.setUint16(p + 4 + 2 * i, s));
      return;
    case ReconfigParameterType.SSN_TSN_RESET_REQUEST:
      view.setUint32(p, r.requestSequenceNumber);
      return;
    case ReconfigParameterType.RECONFIGURATION_RESPONSE:
      view.setUint32(p, r.responseSequenceNumber);
      view.setUint32(p + 4, r.result);
      if (r.senderNextTsn !== undefined) {
        view.setUint32(p + 8, r.senderNextTsn);
        view.setUint32(p + 12, r.receiverNextTsn ?? 0);
      }
      return;
    default:
      view.setUint32(p, r.requestSequenceNumber);
      view.setUint16(p + 4, r.numberOfNewStreams);
      view.setUint16(p + 6, 0);
  }
}

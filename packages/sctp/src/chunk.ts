import { ChunkType, padded } from './chunk-type.js';
import { decodeInit, initValueSize, writeInitValue, type InitChunk } from './init-chunk.js';
import {
  decodeReconfigParameter,
  reconfigParameterValueSize,
  writeReconfigParameterValue,
  type ReconfigParameter,
} from './reconfig-parameter.js';
import { SctpError } from './sctp-error.js';
import { readTlvs, tlvSize, writeTlv, type Tlv } from './tlv.js';

export type { InitChunk } from './init-chunk.js';

/** DATA chunk (RFC 9260 §3.3.1). */
export interface DataChunk {
  type: typeof ChunkType.DATA;
  /** I bit (RFC 7053): the receiver should SACK at once. */
  immediate: boolean;
  /** U bit: unordered. */
  unordered: boolean;
  /** B bit: first fragment of a user message. */
  beginning: boolean;
  /** E bit: last fragment of a user message. */
  ending: boolean;
  tsn: number;
  streamIdentifier: number;
  streamSequenceNumber: number;
  payloadProtocolIdentifier: number;
  /** The user data, a view into the packet. */
  userData: Uint8Array;
}

/** A Gap Ack Block: TSNs `cumulativeTsnAck + start` … `cumulativeTsnAck + end` were received. */
export interface GapAckBlock {
  start: number;
  end: number;
}

/** SACK chunk (RFC 9260 §3.3.4). */
export interface SackChunk {
  type: typeof ChunkType.SACK;
  cumulativeTsnAck: number;
  advertisedReceiverWindowCredit: number;
  gapAckBlocks: GapAckBlock[];
  duplicateTsns: number[];
}

/** HEARTBEAT (§3.3.5) or HEARTBEAT ACK (§3.3.6): the Heartbeat Information, opaque to the peer. */
export interface HeartbeatChunk {
  type: typeof ChunkType.HEARTBEAT | typeof ChunkType.HEARTBEAT_ACK;
  heartbeatInformation: Uint8Array;
}

/** ABORT (§3.3.7) or ERROR (§3.3.10): error causes. */
export interface AbortChunk {
  type: typeof ChunkType.ABORT | typeof ChunkType.ERROR;
  /** T bit (ABORT only): the verification tag is the sender's own, reflected. */
  reflected: boolean;
  causes: Tlv[];
}

/** SHUTDOWN (§3.3.8). */
export interface ShutdownChunk {
  type: typeof ChunkType.SHUTDOWN;
  cumulativeTsnAck: number;
}

/** Chunks with no value: SHUTDOWN ACK, COOKIE ACK, SHUTDOWN COMPLETE (T bit). */
export interface EmptyChunk {
  type: typeof ChunkType.SHUTDOWN_ACK | typeof ChunkType.COOKIE_ACK | typeof ChunkType.SHUTDOWN_COMPLETE;
  /** T bit (SHUTDOWN COMPLETE only). */
  reflected: boolean;
}

/** COOKIE ECHO (§3.3.11). */
export interface CookieEchoChunk {
  type: typeof ChunkType.COOKIE_ECHO;
  cookie: Uint8Array;
}

/** One stream entry of a FORWARD TSN. */
export interface ForwardTsnStream {
  streamIdentifier: number;
  streamSequenceNumber: number;
}

/** FORWARD TSN (RFC 3758 §3.2). */
export interface ForwardTsnChunk {
  type: typeof ChunkType.FORWARD_TSN;
  newCumulativeTsn: number;
  streams: ForwardTsnStream[];
}

/** RE-CONFIG (RFC 6525 §3.1): one or two parameters. */
export interface ReconfigChunk {
  type: typeof ChunkType.RE_CONFIG;
  parameters: ReconfigParameter[];
}

/** A chunk of a type this codec does not know, kept whole for the §3.2 upper-bit rules. */
export interface UnknownChunk {
  type: number;
  unknown: true;
  flags: number;
  /** The whole chunk as received, header included. */
  raw: Uint8Array;
}

/** Any chunk. */
export type Chunk =
  | DataChunk
  | InitChunk
  | SackChunk
  | HeartbeatChunk
  | AbortChunk
  | ShutdownChunk
  | EmptyChunk
  | CookieEchoChunk
  | ForwardTsnChunk
  | ReconfigChunk;

function exact(n: number, want: number, what: string): void {
  if (n < want) throw new SctpError('truncated', `${what}: ${n} value bytes, needs ${want}`);
  if (n > want) throw new SctpError('invalid-length', `${what}: ${n} value bytes, expects ${want}`);
}

/**
 * Decodes one chunk whose header starts at `p` and whose length (from the header, unpadded) has been
 * checked against the packet by the caller.
 */
export function decodeChunk(bytes: Uint8Array, view: DataView, p: number, length: number): Chunk | UnknownChunk {
  const type = bytes[p]!;
  const flags = bytes[p + 1]!;
  const start = p + 4;
  const end = p + length;
  const n = length - 4;
  switch (type) {
    case ChunkType.DATA:
      if (n < 12) throw new SctpError('truncated', 'DATA: shorter than 16 bytes');
      return {
        type,
        immediate: (flags & 8) !== 0,
        unordered: (flags & 4) !== 0,
        beginning: (flags & 2) !== 0,
        ending: (flags & 1) !== 0,
        tsn: view.getUint32(start),
        streamIdentifier: view.getUint16(start + 4),
        streamSequenceNumber: view.getUint16(start + 6),
        payloadProtocolIdentifier: view.getUint32(start + 8),
        userData: bytes.subarray(start + 12, end),
      };
    case ChunkType.INIT:
    case ChunkType.INIT_ACK:
      return decodeInit(type, bytes, view, start, end);
    case ChunkType.SACK: {
      if (n < 12) throw new SctpError('truncated', 'SACK: shorter than 16 bytes');
      const gaps = view.getUint16(start + 8);
      const dups = view.getUint16(start + 10);
      exact(n, 12 + 4 * gaps + 4 * dups, 'SACK');
      const gapAckBlocks: GapAckBlock[] = new Array(gaps);
      for (let i = 0; i < gaps; i++) {
        gapAckBlocks[i] = { start: view.getUint16(start + 12 + 4 * i), end: view.getUint16(start + 14 + 4 * i) };
      }
      const duplicateTsns: number[] = new Array(dups);
      for (let i = 0; i < dups; i++) duplicateTsns[i] = view.getUint32(start + 12 + 4 * gaps + 4 * i);
      return {
        type,
        cumulativeTsnAck: view.getUint32(start),
        advertisedReceiverWindowCredit: view.getUint32(start + 4),
        gapAckBlocks,
        duplicateTsns,
      };
    }
    case ChunkType.HEARTBEAT:
    case ChunkType.HEARTBEAT_ACK: {
      const tlvs = readTlvs(bytes, view, start, end, 'HEARTBEAT');
      const info = tlvs[0];
      if (!info || info.type !== 1) throw new SctpError('invalid-chunk', 'HEARTBEAT: no Heartbeat Info parameter');
      return { type, heartbeatInformation: info.value };
    }
    case ChunkType.ABORT:
    case ChunkType.ERROR:
      return { type, reflected: type === ChunkType.ABORT && (flags & 1) !== 0, causes: readTlvs(bytes, view, start, end, 'error cause') };
    case ChunkType.SHUTDOWN:
      exact(n, 4, 'SHUTDOWN');
      return { type, cumulativeTsnAck: view.getUint32(start) };
    case ChunkType.SHUTDOWN_ACK:
    case ChunkType.COOKIE_ACK:
    case ChunkType.SHUTDOWN_COMPLETE:
      exact(n, 0, 'empty chunk');
      return { type, reflected: type === ChunkType.SHUTDOWN_COMPLETE && (flags & 1) !== 0 };
    case ChunkType.COOKIE_ECHO:
      return { type, cookie: bytes.subarray(start, end) };
    case ChunkType.FORWARD_TSN: {
      if (n < 4 || (n - 4) % 4 !== 0) throw new SctpError('invalid-length', `FORWARD TSN: value of ${n} bytes`);
      const streams: ForwardTsnStream[] = [];
      for (let q = start + 4; q < end; q += 4) {
        streams.push({ streamIdentifier: view.getUint16(q), streamSequenceNumber: view.getUint16(q + 2) });
      }
      return { type, newCumulativeTsn: view.getUint32(start), streams };
    }
    case ChunkType.RE_CONFIG: {
      const tlvs = readTlvs(bytes, view, start, end, 'RE-CONFIG parameter');
      if (tlvs.length === 0 || tlvs.length > 2) throw new SctpError('invalid-chunk', `RE-CONFIG: ${tlvs.length} parameters`);
      return { type, parameters: tlvs.map(decodeReconfigParameter) };
    }
    default:
      return { type, unknown: true, flags, raw: bytes.subarray(p, end) };
  }
}

/** Bytes the chunk takes on the wire, header included, padding excluded. */
export function chunkSize(c: Chunk): number {
  switch (c.type) {
    case ChunkType.DATA:
      return 16 + c.userData.length;
    case ChunkType.INIT:
    case ChunkType.INIT_ACK:
      return 4 + initValueSize(c);
    case ChunkType.SACK:
      return 16 + 4 * c.gapAckBlocks.length + 4 * c.duplicateTsns.length;
    case ChunkType.HEARTBEAT:
    case ChunkType.HEARTBEAT_ACK:
      return 8 + c.heartbeatInformation.length;
    case ChunkType.ABORT:
    case ChunkType.ERROR: {
      let n = 4;
      for (const cause of c.causes) n += tlvSize(cause.value.length);
      return n;
    }
    case ChunkType.SHUTDOWN:
      return 8;
    case ChunkType.SHUTDOWN_ACK:
    case ChunkType.COOKIE_ACK:
    case ChunkType.SHUTDOWN_COMPLETE:
      return 4;
    case ChunkType.COOKIE_ECHO:
      return 4 + c.cookie.length;
    case ChunkType.FORWARD_TSN:
      return 8 + 4 * c.streams.length;
    case ChunkType.RE_CONFIG: {
      let n = 4;
      for (const r of c.parameters) n += padded(4 + reconfigParameterValueSize(r));
      return n;
    }
  }
}

/** Writes the chunk at `p` with its padding; returns the offset after the padding. */
export function writeChunk(c: Chunk, out: Uint8Array, view: DataView, p: number): number {
  const length = chunkSize(c);
  let flags = 0;
  const v = p + 4;
  switch (c.type) {
    case ChunkType.DATA:
      flags = (c.immediate ? 8 : 0) | (c.unordered ? 4 : 0) | (c.beginning ? 2 : 0) | (c.ending ? 1 : 0);
      view.setUint32(v, c.tsn);
      view.setUint16(v + 4, c.streamIdentifier);
      view.setUint16(v + 6, c.streamSequenceNumber);
      view.setUint32(v + 8, c.payloadProtocolIdentifier);
      out.set(c.userData, v + 12);
      break;
    case ChunkType.INIT:
    case ChunkType.INIT_ACK:
      writeInitValue(c, out, view, v);
      break;
    case ChunkType.SACK: {
      view.setUint32(v, c.cumulativeTsnAck);
      view.setUint32(v + 4, c.advertisedReceiverWindowCredit);
      view.setUint16(v + 8, c.gapAckBlocks.length);
      view.setUint16(v + 10, c.duplicateTsns.length);
      let q = v + 12;
      for (const g of c.gapAckBlocks) {
        view.setUint16(q, g.start);
        view.setUint16(q + 2, g.end);
        q += 4;
      }
      for (const d of c.duplicateTsns) {
        view.setUint32(q, d);
        q += 4;
      }
      break;
    }
    case ChunkType.HEARTBEAT:
    case ChunkType.HEARTBEAT_ACK:
      writeTlv(out, view, v, 1, c.heartbeatInformation);
      break;
    case ChunkType.ABORT:
    case ChunkType.ERROR: {
      flags = c.type === ChunkType.ABORT && c.reflected ? 1 : 0;
      let q = v;
      for (const cause of c.causes) q = writeTlv(out, view, q, cause.type, cause.value);
      break;
    }
    case ChunkType.SHUTDOWN:
      view.setUint32(v, c.cumulativeTsnAck);
      break;
    case ChunkType.SHUTDOWN_ACK:
    case ChunkType.COOKIE_ACK:
    case ChunkType.SHUTDOWN_COMPLETE:
      flags = c.type === ChunkType.SHUTDOWN_COMPLETE && c.reflected ? 1 : 0;
      break;
    case ChunkType.COOKIE_ECHO:
      out.set(c.cookie, v);
      break;
    case ChunkType.FORWARD_TSN: {
      view.setUint32(v, c.newCumulativeTsn);
      let q = v + 4;
      for (const s of c.streams) {
        view.setUint16(q, s.streamIdentifier);
        view.setUint16(q + 2, s.streamSequenceNumber);
        q += 4;
      }
      break;
    }
    case ChunkType.RE_CONFIG: {
      let q = v;
      for (const r of c.parameters) {
        const size = reconfigParameterValueSize(r);
        view.setUint16(q, r.type);
        view.setUint16(q + 2, 4 + size);
        writeReconfigParameterValue(r, view, q + 4);
        out.fill(0, q + 4 + size, q + padded(4 + size));
        q += padded(4 + size);
      }
      break;
    }
  }
  out[p] = c.type;
  out[p + 1] = flags;
  view.setUint16(p + 2, length);
  const end = p + length;
  const pad = padded(end);
  for (let i = end; i < pad; i++) out[i] = 0;
  return pad;
}

/** Whether a decoded chunk is one this codec does not know. */
export function isUnknownChunk(c: Chunk | UnknownChunk): c is UnknownChunk {
  return (c as UnknownChunk).unknown === true;
}

import { DtlsError } from './errors.js';
import { ContentType, DTLS1_0, DTLS1_2, MAX_CIPHERTEXT_LENGTH, RECORD_HEADER_LENGTH } from './constants.js';

/** One DTLSPlaintext/DTLSCiphertext record as found in a datagram (RFC 6347 §4.1). */
export interface DtlsRecord {
  /** ContentType. */
  type: number;
  /** ProtocolVersion as a 16-bit number (0xfefd for DTLS 1.2). */
  version: number;
  epoch: number;
  /** 48-bit sequence_number. */
  sequenceNumber: number;
  /** The fragment: a view into the datagram, not a copy. */
  fragment: Uint8Array;
}

const KNOWN_TYPES = new Set<number>([
  ContentType.change_cipher_spec,
  ContentType.alert,
  ContentType.handshake,
  ContentType.application_data,
]);

/**
 * Parses one record at `offset`. Throws {@link DtlsError} on a truncated or malformed header;
 * returns the record and the offset after it.
 */
export function parseRecord(datagram: Uint8Array, offset: number): { record: DtlsRecord; next: number } {
  if (datagram.length - offset < RECORD_HEADER_LENGTH) throw new DtlsError('truncated', 'truncated record header');
  const b = datagram;
  const o = offset;
  const type = b[o]!;
  const version = (b[o + 1]! << 8) | b[o + 2]!;
  const epoch = (b[o + 3]! << 8) | b[o + 4]!;
  const sequenceNumber =
    ((b[o + 5]! << 8) | b[o + 6]!) * 0x1_0000_0000 + (((b[o + 7]! << 24) >>> 0) + ((b[o + 8]! << 16) | (b[o + 9]! << 8) | b[o + 10]!));
  const length = (b[o + 11]! << 8) | b[o + 12]!;
  if (!KNOWN_TYPES.has(type)) throw new DtlsError('malformed', `unknown content type ${type}`);
  if (version !== DTLS1_2 && version !== DTLS1_0) throw new DtlsError('malformed', `unsupported record version 0x${version.toString(16)}`);
  if (length > MAX_CIPHERTEXT_LENGTH) throw new DtlsError('oversized', `record length ${length}`);
  const start = o + RECORD_HEADER_LENGTH;
  if (b.length - start < length) throw new DtlsError('truncated', 'truncated record fragment');
  return {
    record: { type, version, epoch, sequenceNumber, fragment: b.subarray(start, start + length) },
    next: start + length,
  };
}

/**
 * Splits a datagram into its records (RFC 6347 §4.1.1: several records may share a datagram).
 * A record of unknown type or version is skipped by its length; a truncated or oversized one
 * ends the walk, since what follows cannot be framed. `onDrop` is told about each drop.
 */
export function parseRecords(datagram: Uint8Array, onDrop?: (err: DtlsError) => void): DtlsRecord[] {
  const out: DtlsRecord[] = [];
  let offset = 0;
  while (offset < datagram.length) {
    try {
      const { record, next } = parseRecord(datagram, offset);
      out.push(record);
      offset = next;
    } catch (e) {
      if (!(e instanceof DtlsError)) throw e;
      onDrop?.(e);
      // A record with an unknown type or version still has a length: skip just that record.
      if (e.code !== 'malformed') break;
      offset += RECORD_HEADER_LENGTH + ((datagram[offset + 11]! << 8) | datagram[offset + 12]!);
    }
  }
  return out;
}

/** Writes a record header into `out` at `offset`. */
export function writeRecordHeader(
  out: Uint8Array,
  offset: number,
  type: number,
  epoch: number,
  sequenceNumber: number,
  length: number,
  version = DTLS1_2,
): void {
  out[offset] = type;
  out[offset + 1] = version >>> 8;
  out[offset + 2] = version & 0xff;
  out[offset + 3] = epoch >>> 8;
  out[offset + 4] = epoch & 0xff;
  const hi = Math.floor(sequenceNumber / 0x1_0000_0000);
  const lo = sequenceNumber >>> 0;
  out[offset + 5] = hi >>> 8;
  out[offset + 6] = hi & 0xff;
  out[offset + 7] = lo >>> 24;
  out[offset + 8] = (lo >>> 16) & 0xff;
  out[offset + 9] = (lo >>> 8) & 0xff;
  out[offset + 10] = lo & 0xff;
  out[offset + 11] = length >>> 8;
  out[offset + 12] = length & 0xff;
}

/** Encodes a whole record (header + fragment) into a new array. */
export function encodeRecord(type: number, epoch: number, sequenceNumber: number, fragment: Uint8Array, version = DTLS1_2): Uint8Array {
  const out = new Uint8Array(RECORD_HEADER_LENGTH + fragment.length);
  writeRecordHeader(out, 0, type, epoch, sequenceNumber, fragment.length, version);
  out.set(fragment, RECORD_HEADER_LENGTH);
  return out;
}

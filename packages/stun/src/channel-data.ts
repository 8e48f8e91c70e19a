import { StunError } from './stun-error.js';

/** A TURN ChannelData message (RFC 8656 §12.4). */
export interface ChannelData {
  /** 0x4000..0x4FFF. */
  readonly channelNumber: number;
  /** Application data (a view on the input when parsed). */
  readonly data: Uint8Array;
}

/** Lowest valid channel number (RFC 8656 §12). */
export const MIN_CHANNEL_NUMBER = 0x4000;
/** Highest valid channel number. */
export const MAX_CHANNEL_NUMBER = 0x4fff;

/** Cheap demultiplexing test: first byte 64..79 (RFC 7983) and a length that fits. Never throws. */
export function isChannelData(bytes: Uint8Array): boolean {
  if (bytes.length < 4 || (bytes[0]! & 0xf0) !== 0x40) return false;
  const len = (bytes[2]! << 8) | bytes[3]!;
  return len + 4 <= bytes.length && bytes.length - (len + 4) < 4;
}

/**
 * Parses a ChannelData message from a datagram. Up to 3 trailing padding bytes are accepted
 * (RFC 8656 §12.5: padding is optional over UDP). Throws `BAD_CHANNEL_DATA`.
 */
export function parseChannelData(bytes: Uint8Array): ChannelData {
  if (bytes.length < 4) throw new StunError('BAD_CHANNEL_DATA', `${bytes.length} bytes, header needs 4`);
  const channelNumber = (bytes[0]! << 8) | bytes[1]!;
  if (channelNumber < MIN_CHANNEL_NUMBER || channelNumber > MAX_CHANNEL_NUMBER) {
    throw new StunError('BAD_CHANNEL_DATA', `channel number 0x${channelNumber.toString(16)}`);
  }
  const len = (bytes[2]! << 8) | bytes[3]!;
  if (len + 4 > bytes.length) throw new StunError('BAD_CHANNEL_DATA', `length ${len} past the datagram`);
  if (bytes.length - (len + 4) > 3) throw new StunError('BAD_CHANNEL_DATA', 'trailing bytes beyond padding');
  return { channelNumber, data: bytes.subarray(4, 4 + len) };
}

/**
 * Frames `data` as ChannelData. `pad` rounds the datagram up to a multiple of 4 (needed over
 * TCP/TLS, optional over UDP).
 */
export function encodeChannelData(channelNumber: number, data: Uint8Array, pad = false): Uint8Array {
  if (channelNumber < MIN_CHANNEL_NUMBER || channelNumber > MAX_CHANNEL_NUMBER || !Number.isInteger(channelNumber)) {
    throw new StunError('INVALID_ARGUMENT', `channel number ${channelNumber}`);
  }
  if (data.length > 0xffff) throw new StunError('INVALID_ARGUMENT', `${data.length} bytes of ChannelData`);
  const out = new Uint8Array(pad ? (4 + data.length + 3) & ~3 : 4 + data.length);
  out[0] = channelNumber >> 8;
  out[1] = channelNumber & 0xff;
  out[2] = data.length >> 8;
  out[3] = data.length & 0xff;
  out.set(data, 4);
  return out;
}

import { SctpError } from './sctp-error.js';

/** Payload Protocol Identifiers WebRTC uses (RFC 8831 §8, RFC 8832 §8.1). */
export const Ppid = {
  DCEP: 50,
  STRING: 51,
  /** Deprecated partial string (never sent). */
  STRING_PARTIAL: 52,
  BINARY: 53,
  /** Deprecated partial binary (never sent). */
  BINARY_PARTIAL: 54,
  STRING_EMPTY: 56,
  BINARY_EMPTY: 57,
} as const;

/** DCEP message types (RFC 8832 §8.2.1). */
export const DcepMessageType = { DATA_CHANNEL_ACK: 0x02, DATA_CHANNEL_OPEN: 0x03 } as const;

/** Channel Type of DATA_CHANNEL_OPEN (RFC 8832 §5.1). */
export const ChannelType = {
  DATA_CHANNEL_RELIABLE: 0x00,
  DATA_CHANNEL_RELIABLE_UNORDERED: 0x80,
  DATA_CHANNEL_PARTIAL_RELIABLE_REXMIT: 0x01,
  DATA_CHANNEL_PARTIAL_RELIABLE_REXMIT_UNORDERED: 0x81,
  DATA_CHANNEL_PARTIAL_RELIABLE_TIMED: 0x02,
  DATA_CHANNEL_PARTIAL_RELIABLE_TIMED_UNORDERED: 0x82,
} as const;

/** DATA_CHANNEL_OPEN (RFC 8832 §5.1). */
export interface DataChannelOpen {
  type: typeof DcepMessageType.DATA_CHANNEL_OPEN;
  /** One of {@link ChannelType}. */
  channelType: number;
  /** Priority (RFC 8831 §6.4: 128 below normal, 256 normal, 512 high, 1024 extra high). */
  priority: number;
  /** Max retransmissions or lifetime in ms, by channel type; 0 for reliable channels. */
  reliabilityParameter: number;
  label: string;
  protocol: string;
}

/** DATA_CHANNEL_ACK (RFC 8832 §5.2). */
export interface DataChannelAck {
  type: typeof DcepMessageType.DATA_CHANNEL_ACK;
}

/** A DCEP message. */
export type DcepMessage = DataChannelOpen | DataChannelAck;

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes a DCEP message (PPID 50). Throws {@link SctpError} `invalid-message` when malformed. */
export function decodeDcep(b: Uint8Array): DcepMessage {
  if (b.length < 1) throw new SctpError('invalid-message', 'DCEP: empty message');
  if (b[0] === DcepMessageType.DATA_CHANNEL_ACK) {
    // RFC 8832 §5.2: exactly one byte; longer ACKs are tolerated as libwebrtc does not send them.
    return { type: DcepMessageType.DATA_CHANNEL_ACK };
  }
  if (b[0] !== DcepMessageType.DATA_CHANNEL_OPEN) throw new SctpError('invalid-message', `DCEP: unknown message type ${b[0]}`);
  if (b.length < 12) throw new SctpError('invalid-message', 'DCEP: DATA_CHANNEL_OPEN shorter than 12 bytes');
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const labelLength = v.getUint16(8);
  const protocolLength = v.getUint16(10);
  if (12 + labelLength + protocolLength !== b.length) {
    throw new SctpError('invalid-message', 'DCEP: label and protocol lengths do not match the message');
  }
  const channelType = b[1]!;
  if (![0x00, 0x80, 0x01, 0x81, 0x02, 0x82].includes(channelType)) {
    throw new SctpError('invalid-message', `DCEP: unknown channel type 0x${channelType.toString(16)}`);
  }
  let label: string;
  let protocol: string;
  try {
    label = fromUtf8.decode(b.subarray(12, 12 + labelLength));
    protocol = fromUtf8.decode(b.subarray(12 + labelLength));
  } catch {
    throw new SctpError('invalid-message', 'DCEP: label or protocol is not UTF-8');
  }
  return {
    type: DcepMessageType.DATA_CHANNEL_OPEN,
    channelType,
    priority: v.getUint16(2),
    reliabilityParameter: v.getUint32(4),
    label,
    protocol,
  };
}

/** Encodes a DCEP message. */
export function encodeDcep(m: DcepMessage): Uint8Array {
  if (m.type === DcepMessageType.DATA_CHANNEL_ACK) return Uint8Array.of(DcepMessageType.DATA_CHANNEL_ACK);
  const label = utf8.encode(m.label);
  const protocol = utf8.encode(m.protocol);
  if (label.length > 0xffff || protocol.length > 0xffff) throw new SctpError('invalid-argument', 'DCEP: label or protocol longer than 65535 bytes');
  const b = new Uint8Array(12 + label.length + protocol.length);
  const v = new DataView(b.buffer);
  b[0] = m.type;
  b[1] = m.channelType;
  v.setUint16(2, m.priority);
  v.setUint32(4, m.reliabilityParameter);
  v.setUint16(8, label.length);
  v.setUint16(10, protocol.length);
  b.set(label, 12);
  b.set(protocol, 12 + label.length);
  return b;
}

import { AttributeType } from './attribute-type.js';
import { badAttribute, type AttributeCodec } from './attribute-codec.js';
import { StunError } from './stun-error.js';
import {
  FAMILY_IPV4,
  FAMILY_IPV6,
  formatIPv4,
  formatIPv6,
  writeIPv4,
  writeIPv6,
  type TransportAddress,
} from './transport-address.js';

function readAddress(
  name: string,
  xor: boolean,
  msg: Uint8Array,
  view: DataView,
  offset: number,
  length: number,
): TransportAddress {
  if (length < 4) throw badAttribute(name, `length ${length}`);
  const family = msg[offset + 1];
  const size = family === FAMILY_IPV4 ? 4 : family === FAMILY_IPV6 ? 16 : -1;
  if (size < 0) throw new StunError('BAD_ADDRESS_FAMILY', `${name}: family 0x${family!.toString(16)}`);
  if (length !== 4 + size) throw badAttribute(name, `length ${length} for ${size === 4 ? 'IPv4' : 'IPv6'}`);
  let port = view.getUint16(offset + 2);
  if (!xor) {
    return size === 4
      ? { family: 'IPv4', address: formatIPv4(msg, offset + 4), port }
      : { family: 'IPv6', address: formatIPv6(msg, offset + 4), port };
  }
  port ^= 0x2112;
  // X-Address is xor'ed with the magic cookie, then (IPv6) the transaction id: bytes 4..20.
  const raw = new Uint8Array(size);
  for (let i = 0; i < size; i++) raw[i] = msg[offset + 4 + i]! ^ msg[4 + i]!;
  return size === 4
    ? { family: 'IPv4', address: formatIPv4(raw, 0), port }
    : { family: 'IPv6', address: formatIPv6(raw, 0), port };
}

function addressCodec(type: number, name: string, xor: boolean): AttributeCodec<TransportAddress> {
  return {
    type,
    name,
    length: (v) => (v.family === 'IPv6' ? 20 : 8),
    write(v, msg, view, offset) {
      if (!Number.isInteger(v.port) || v.port < 0 || v.port > 0xffff) {
        throw new StunError('INVALID_ARGUMENT', `${name}: bad port ${v.port}`);
      }
      const v6 = v.family === 'IPv6';
      msg[offset] = 0;
      msg[offset + 1] = v6 ? FAMILY_IPV6 : FAMILY_IPV4;
      view.setUint16(offset + 2, xor ? v.port ^ 0x2112 : v.port);
      if (v6) writeIPv6(v.address, msg, offset + 4);
      else writeIPv4(v.address, msg, offset + 4);
      if (xor) for (let i = 0; i < (v6 ? 16 : 4); i++) msg[offset + 4 + i]! ^= msg[4 + i]!;
    },
    read: (msg, view, offset, length) => readAddress(name, xor, msg, view, offset, length),
  };
}

/** MAPPED-ADDRESS (RFC 8489 §14.1), kept for RFC 3489 peers. */
export const MappedAddress = addressCodec(AttributeType.MAPPED_ADDRESS, 'MAPPED-ADDRESS', false);
/** XOR-MAPPED-ADDRESS (RFC 8489 §14.2): the reflexive address a Binding response reports. */
export const XorMappedAddress = addressCodec(AttributeType.XOR_MAPPED_ADDRESS, 'XOR-MAPPED-ADDRESS', true);
/** ALTERNATE-SERVER (RFC 8489 §14.15), sent with 300 (Try Alternate). */
export const AlternateServer = addressCodec(AttributeType.ALTERNATE_SERVER, 'ALTERNATE-SERVER', false);
/** XOR-PEER-ADDRESS (RFC 8656 §18.3): a peer of a TURN allocation. */
export const XorPeerAddress = addressCodec(AttributeType.XOR_PEER_ADDRESS, 'XOR-PEER-ADDRESS', true);
/** XOR-RELAYED-ADDRESS (RFC 8656 §18.5): the relayed transport address of an allocation. */
export const XorRelayedAddress = addressCodec(AttributeType.XOR_RELAYED_ADDRESS, 'XOR-RELAYED-ADDRESS', true);

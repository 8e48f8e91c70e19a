/** The TURN attributes of RFC 8656 §18 (the address ones live in address-attributes.ts). */
import { AttributeType } from './attribute-type.js';
import { badAttribute, bytesCodec, flagCodec, u32Codec, type AttributeCodec } from './attribute-codec.js';
import { StunError } from './stun-error.js';
import type { AddressFamily } from './transport-address.js';

/** CHANNEL-NUMBER (§18.1): 0x4000..0x4FFF, then 16 reserved bits. */
export const ChannelNumber: AttributeCodec<number> = {
  type: AttributeType.CHANNEL_NUMBER,
  name: 'CHANNEL-NUMBER',
  length: () => 4,
  write(v, _msg, view, offset) {
    view.setUint16(offset, v);
    view.setUint16(offset + 2, 0);
  },
  read(_msg, view, offset, length) {
    if (length !== 4) throw badAttribute('CHANNEL-NUMBER', `length ${length}`);
    return view.getUint16(offset);
  },
};

/** LIFETIME (§18.2): seconds until the allocation expires. */
export const Lifetime = u32Codec(AttributeType.LIFETIME, 'LIFETIME');
/** DATA (§18.4): application bytes of a Send or Data indication (a view on decode). */
export const Data = bytesCodec(AttributeType.DATA, 'DATA');
/** DONT-FRAGMENT (§18.8): ask the server to set DF on the relayed datagram. */
export const DontFragment = flagCodec(AttributeType.DONT_FRAGMENT, 'DONT-FRAGMENT');
/** RESERVATION-TOKEN (§18.9): 8 bytes naming a reserved relayed address. */
export const ReservationToken = bytesCodec(AttributeType.RESERVATION_TOKEN, 'RESERVATION-TOKEN', {
  min: 8,
  max: 8,
});

function familyCodec(type: number, name: string): AttributeCodec<AddressFamily> {
  return {
    type,
    name,
    length: () => 4,
    write(v, msg, _view, offset) {
      msg[offset] = v === 'IPv6' ? 0x02 : 0x01;
      msg[offset + 1] = msg[offset + 2] = msg[offset + 3] = 0;
    },
    read(msg, _view, offset, length) {
      if (length !== 4) throw badAttribute(name, `length ${length}`);
      const f = msg[offset];
      if (f === 0x01) return 'IPv4';
      if (f === 0x02) return 'IPv6';
      throw new StunError('BAD_ADDRESS_FAMILY', `${name}: family ${f}`);
    },
  };
}

/** REQUESTED-ADDRESS-FAMILY (§18.6): which family of relayed address to allocate. */
export const RequestedAddressFamily = familyCodec(AttributeType.REQUESTED_ADDRESS_FAMILY, 'REQUESTED-ADDRESS-FAMILY');
/** ADDITIONAL-ADDRESS-FAMILY (§18.11): ask for an IPv6 relayed address besides the IPv4 one. */
export const AdditionalAddressFamily = familyCodec(AttributeType.ADDITIONAL_ADDRESS_FAMILY, 'ADDITIONAL-ADDRESS-FAMILY');

/** EVEN-PORT (§18.7): `true` asks the server to also reserve the next-higher port. */
export const EvenPort: AttributeCodec<boolean> = {
  type: AttributeType.EVEN_PORT,
  name: 'EVEN-PORT',
  length: () => 1,
  write(v, msg, _view, offset) {
    msg[offset] = v ? 0x80 : 0;
  },
  read(msg, _view, offset, length) {
    if (length !== 1) throw badAttribute('EVEN-PORT', `length ${length}`);
    return (msg[offset]! & 0x80) !== 0;
  },
};

/** IANA protocol numbers usable in REQUESTED-TRANSPORT. */
export const TransportProtocol = { UDP: 17, TCP: 6 } as const;

/** REQUESTED-TRANSPORT (§18.10): the IANA protocol number (17 for UDP), then 24 reserved bits. */
export const RequestedTransport: AttributeCodec<number> = {
  type: AttributeType.REQUESTED_TRANSPORT,
  name: 'REQUESTED-TRANSPORT',
  length: () => 4,
  write(v, msg, _view, offset) {
    msg[offset] = v;
    msg[offset + 1] = msg[offset + 2] = msg[offset + 3] = 0;
  },
  read(msg, _view, offset, length) {
    if (length !== 4) throw badAttribute('REQUESTED-TRANSPORT', `length ${length}`);
    return msg[offset]!;
  },
};

/** Value of the ICMP attribute: the ICMP type (7 bits), code (9 bits) and error data. */
export interface IcmpValue {
  readonly icmpType: number;
  readonly icmpCode: number;
  readonly errorData: number;
}

/** ICMP (§18.13): an ICMP error the server received for a relayed datagram. */
export const Icmp: AttributeCodec<IcmpValue> = {
  type: AttributeType.ICMP,
  name: 'ICMP',
  length: () => 8,
  write(v, _msg, view, offset) {
    view.setUint16(offset, 0);
    view.setUint16(offset + 2, ((v.icmpType & 0x7f) << 9) | (v.icmpCode & 0x1ff));
    view.setUint32(offset + 4, v.errorData >>> 0);
  },
  read(_msg, view, offset, length) {
    if (length !== 8) throw badAttribute('ICMP', `length ${length}`);
    const tc = view.getUint16(offset + 2);
    return { icmpType: tc >> 9, icmpCode: tc & 0x1ff, errorData: view.getUint32(offset + 4) };
  },
};

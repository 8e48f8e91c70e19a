import type { AttributeCodec } from './attribute-codec.js';
import {
  AlternateServer,
  MappedAddress,
  XorMappedAddress,
  XorPeerAddress,
  XorRelayedAddress,
} from './address-attributes.js';
import { AddressErrorCode, ErrorCode, UnknownAttributes } from './error-code.js';
import { IceControlled, IceControlling, Priority, UseCandidate } from './ice-attributes.js';
import {
  AlternateDomain,
  Fingerprint,
  MessageIntegrity,
  MessageIntegritySha256,
  Nonce,
  PasswordAlgorithm,
  PasswordAlgorithms,
  Realm,
  Software,
  Username,
  Userhash,
} from './stun-attributes.js';
import {
  AdditionalAddressFamily,
  ChannelNumber,
  Data,
  DontFragment,
  EvenPort,
  Icmp,
  Lifetime,
  RequestedAddressFamily,
  RequestedTransport,
  ReservationToken,
} from './turn-attributes.js';

/** Every codec of this package by attribute type, for generic decoding (logs, fuzzing). */
export const attributeCodecs: ReadonlyMap<number, AttributeCodec<unknown>> = new Map(
  (
    [
      MappedAddress, XorMappedAddress, AlternateServer, XorPeerAddress, XorRelayedAddress,
      ErrorCode, AddressErrorCode, UnknownAttributes,
      Username, Userhash, MessageIntegrity, MessageIntegritySha256, Fingerprint, Realm, Nonce,
      Software, AlternateDomain, PasswordAlgorithm, PasswordAlgorithms,
      ChannelNumber, Lifetime, Data, DontFragment, ReservationToken, RequestedAddressFamily,
      AdditionalAddressFamily, EvenPort, RequestedTransport, Icmp,
      Priority, UseCandidate, IceControlled, IceControlling,
    ] as AttributeCodec<unknown>[]
  ).map((c) => [c.type, c]),
);

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  AdditionalAddressFamily,
  AddressErrorCode,
  AlternateDomain,
  AlternateServer,
  attr,
  attributeCodecs,
  attributeName,
  AttributeType,
  ChannelNumber,
  classOf,
  Data,
  decodeMessage,
  DontFragment,
  encodeMessage,
  encodeMessageType,
  ErrorCode,
  EvenPort,
  Icmp,
  IceControlling,
  knownAttributeTypes,
  Lifetime,
  MappedAddress,
  methodOf,
  PasswordAlgorithm,
  PasswordAlgorithmId,
  PasswordAlgorithms,
  RequestedAddressFamily,
  RequestedTransport,
  ReservationToken,
  StunClass,
  StunMethod,
  UnknownAttributes,
  UseCandidate,
  Userhash,
  userhash,
  XorMappedAddress,
  XorPeerAddress,
  XorRelayedAddress,
  type AttributeCodec,
} from '../src/index.js';

function roundTrip<T>(codec: AttributeCodec<T>, value: T): T {
  const bytes = encodeMessage({
    method: StunMethod.Allocate,
    messageClass: StunClass.SuccessResponse,
    attributes: [attr(codec, value)],
  });
  const m = decodeMessage(bytes);
  expect(m.attributes.length).toBe(1);
  expect(m.attributes[0]!.type).toBe(codec.type);
  return m.get(codec)!;
}

describe('message type', () => {
  it('packs method and class as RFC 8489 figure 3', () => {
    expect(encodeMessageType(StunMethod.Binding, StunClass.Request)).toBe(0x0001);
    expect(encodeMessageType(StunMethod.Binding, StunClass.Indication)).toBe(0x0011);
    expect(encodeMessageType(StunMethod.Binding, StunClass.SuccessResponse)).toBe(0x0101);
    expect(encodeMessageType(StunMethod.Binding, StunClass.ErrorResponse)).toBe(0x0111);
    expect(encodeMessageType(StunMethod.Allocate, StunClass.ErrorResponse)).toBe(0x0113);
    expect(encodeMessageType(StunMethod.Send, StunClass.Indication)).toBe(0x0016);
    expect(encodeMessageType(StunMethod.Data, StunClass.Indication)).toBe(0x0017);
    for (let m = 0; m < 0x1000; m += 37) {
      for (const c of [0, 1, 2, 3] as const) {
        const t = encodeMessageType(m, c);
        expect(t).toBeLessThan(0x4000);
        expect(methodOf(t)).toBe(m);
        expect(classOf(t)).toBe(c);
      }
    }
  });
});

describe('attribute codecs round-trip', () => {
  it('address attributes, IPv4 and IPv6', () => {
    const v4 = { family: 'IPv4', address: '203.0.113.9', port: 0 } as const;
    const v6 = { family: 'IPv6', address: 'fe80::1:2', port: 65535 } as const;
    for (const c of [MappedAddress, XorMappedAddress, AlternateServer, XorPeerAddress, XorRelayedAddress]) {
      expect(roundTrip(c, v4)).toEqual(v4);
      expect(roundTrip(c, v6)).toEqual(v6);
    }
    expect(roundTrip(XorMappedAddress, { family: 'IPv6', address: '::', port: 1 })).toEqual({
      family: 'IPv6',
      address: '::',
      port: 1,
    });
    expect(roundTrip(XorMappedAddress, { family: 'IPv6', address: '::ffff:1.2.3.4', port: 1 }).address).toBe(
      '::ffff:102:304',
    );
  });
  it('XOR-MAPPED-ADDRESS is xor-ed on the wire (not plain)', () => {
    const bytes = encodeMessage({
      method: 1,
      messageClass: StunClass.SuccessResponse,
      transactionId: new Uint8Array(12),
      attributes: [attr(XorMappedAddress, { family: 'IPv4', address: '192.0.2.1', port: 32853 })],
    });
    // RFC 5769 §2.2 bytes of the same address
    expect(Buffer.from(bytes.subarray(20)).toString('hex')).toBe('00200008' + '0001a147e112a643');
  });
  it('ERROR-CODE and ADDRESS-ERROR-CODE', () => {
    expect(roundTrip(ErrorCode, { code: 438, reason: 'Stale Nonce' })).toEqual({ code: 438, reason: 'Stale Nonce' });
    expect(roundTrip(ErrorCode, { code: 300, reason: '' })).toEqual({ code: 300, reason: '' });
    expect(roundTrip(AddressErrorCode, { family: 'IPv6', code: 440, reason: 'nope' })).toEqual({
      family: 'IPv6',
      code: 440,
      reason: 'nope',
    });
    expect(() => roundTrip(ErrorCode, { code: 200, reason: '' })).toThrowError(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
  it('UNKNOWN-ATTRIBUTES, odd count is padded', () => {
    expect(roundTrip(UnknownAttributes, [0x7777, 0x1234, 0x0055])).toEqual([0x7777, 0x1234, 0x0055]);
  });
  it('PASSWORD-ALGORITHMS and PASSWORD-ALGORITHM', () => {
    const algs = [
      { algorithm: PasswordAlgorithmId.SHA256, parameters: new Uint8Array() },
      { algorithm: 0x7777, parameters: Uint8Array.of(1, 2, 3) },
      { algorithm: PasswordAlgorithmId.MD5, parameters: new Uint8Array() },
    ];
    const back = roundTrip(PasswordAlgorithms, algs);
    expect(back.map((a) => [a.algorithm, [...a.parameters]])).toEqual([
      [2, []],
      [0x7777, [1, 2, 3]],
      [1, []],
    ]);
    const one = roundTrip(PasswordAlgorithm, { algorithm: 2, parameters: new Uint8Array() });
    expect(one.algorithm).toBe(2);
  });
  it('USERHASH is SHA-256(username:realm)', () => {
    const h = userhash('user', 'realm');
    expect(Buffer.from(h).toString('hex')).toBe(
      createHash('sha256').update('user:realm').digest('hex'),
    );
    expect([...roundTrip(Userhash, h)]).toEqual([...h]);
  });
  it('TURN attributes', () => {
    expect(roundTrip(ChannelNumber, 0x4001)).toBe(0x4001);
    expect(roundTrip(Lifetime, 600)).toBe(600);
    expect([...roundTrip(Data, Uint8Array.of(1, 2, 3, 4, 5))]).toEqual([1, 2, 3, 4, 5]);
    expect(roundTrip(DontFragment, true)).toBe(true);
    expect([...roundTrip(ReservationToken, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8))]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(roundTrip(RequestedAddressFamily, 'IPv6')).toBe('IPv6');
    expect(roundTrip(AdditionalAddressFamily, 'IPv6')).toBe('IPv6');
    expect(roundTrip(EvenPort, true)).toBe(true);
    expect(roundTrip(EvenPort, false)).toBe(false);
    expect(roundTrip(RequestedTransport, 17)).toBe(17);
    expect(roundTrip(Icmp, { icmpType: 3, icmpCode: 4, errorData: 1400 })).toEqual({
      icmpType: 3,
      icmpCode: 4,
      errorData: 1400,
    });
    expect(roundTrip(AlternateDomain, 'turn.example.org')).toBe('turn.example.org');
  });
  it('ICE attributes', () => {
    expect(roundTrip(UseCandidate, true)).toBe(true);
    expect(roundTrip(IceControlling, 0xffffffffffffffffn)).toBe(0xffffffffffffffffn);
  });
  it('every known type has a codec and an RFC name', () => {
    for (const t of knownAttributeTypes) {
      expect(attributeCodecs.get(t)?.name).toBe(attributeName(t));
    }
    expect(attributeName(AttributeType.XOR_MAPPED_ADDRESS)).toBe('XOR-MAPPED-ADDRESS');
  });
});

describe('unknown and ignored attributes', () => {
  it('reports unknown comprehension-required attributes, not optional ones', () => {
    const raw = (type: number) => ({
      codec: { type, name: 'X', length: () => 4, write() {}, read: () => 0 } as AttributeCodec<number>,
      value: 0,
    });
    const m = decodeMessage(
      encodeMessage({
        method: 1,
        messageClass: StunClass.Request,
        attributes: [raw(0x7777), raw(0xc001), raw(0x0002), raw(0x7777)],
      }),
    );
    expect(m.unknownComprehensionRequired()).toEqual([0x7777, 0x0002]);
  });
  it('ignores attributes after MESSAGE-INTEGRITY except -SHA256 and FINGERPRINT', () => {
    const key = new Uint8Array(16);
    const bytes = encodeMessage(
      { method: 1, messageClass: StunClass.Request, attributes: [attr(Lifetime, 1)] },
      { messageIntegrity: key, messageIntegritySha256: key, fingerprint: true },
    );
    // Splice a LIFETIME after MESSAGE-INTEGRITY: it must be ignored.
    const extra = Buffer.from('000d000400000063', 'hex');
    const miEnd = 20 + 8 + 24;
    const spliced = Buffer.concat([bytes.subarray(0, miEnd), extra, bytes.subarray(miEnd, bytes.length - 8)]);
    spliced.writeUInt16BE(spliced.length - 20, 2);
    const m = decodeMessage(spliced);
    expect(m.getAll(Lifetime)).toEqual([1]);
    expect(m.has(AttributeType.MESSAGE_INTEGRITY_SHA256)).toBe(true);
  });
});

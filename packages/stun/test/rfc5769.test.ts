import { describe, expect, it } from 'vitest';
import {
  attr,
  decodeMessage,
  encodeMessage,
  IceControlled,
  longTermKey,
  Nonce,
  Priority,
  Realm,
  shortTermKey,
  Software,
  StunClass,
  StunError,
  StunMethod,
  Username,
  XorMappedAddress,
} from '../src/index.js';
import {
  LONG_TERM,
  SHORT_TERM_PASSWORD,
  TRANSACTION_ID,
  sampleIPv4Response,
  sampleIPv6Response,
  sampleLongTermRequest,
  sampleRequest,
} from './vectors/rfc5769.js';

const key = shortTermKey(SHORT_TERM_PASSWORD);

describe('RFC 5769 §2.1 sample request', () => {
  it('decodes, verifies MESSAGE-INTEGRITY and FINGERPRINT', () => {
    const m = decodeMessage(sampleRequest);
    expect(m.method).toBe(StunMethod.Binding);
    expect(m.messageClass).toBe(StunClass.Request);
    expect([...m.transactionId]).toEqual([...TRANSACTION_ID]);
    expect(m.get(Software)).toBe('STUN test client');
    expect(m.get(Priority)).toBe(0x6e0001ff);
    expect(m.get(IceControlled)).toBe(0x932ff9b151263b36n);
    expect(m.get(Username)).toBe('evtj:h6vY');
    expect(m.hasFingerprint).toBe(true);
    expect(m.verifyIntegrity(key)).toBe('MESSAGE-INTEGRITY');
  });
  it('encodes to the same bytes', () => {
    const bytes = encodeMessage(
      {
        method: StunMethod.Binding,
        messageClass: StunClass.Request,
        transactionId: TRANSACTION_ID,
        attributes: [
          attr(Software, 'STUN test client'),
          attr(Priority, 0x6e0001ff),
          attr(IceControlled, 0x932ff9b151263b36n),
          attr(Username, 'evtj:h6vY'),
        ],
      },
      { messageIntegrity: key, fingerprint: true, paddingByte: 0x20 },
    );
    expect(Buffer.from(bytes).toString('hex')).toBe(Buffer.from(sampleRequest).toString('hex'));
  });
  it('rejects the wrong password', () => {
    const m = decodeMessage(sampleRequest);
    expect(() => m.verifyIntegrity(shortTermKey('wrong'))).toThrowError(
      expect.objectContaining({ code: 'BAD_INTEGRITY' }),
    );
  });
});

describe('views at an offset', () => {
  it('decodes and verifies a message that sits at an odd offset inside a larger buffer', () => {
    const big = new Uint8Array(sampleIPv6Response.length + 7);
    big.set(sampleIPv6Response, 3);
    const m = decodeMessage(big.subarray(3, 3 + sampleIPv6Response.length));
    expect(m.get(XorMappedAddress)?.address).toBe('2001:db8:1234:5678:11:2233:4455:6677');
    expect(m.verifyIntegrity(key)).toBe('MESSAGE-INTEGRITY');
  });
});

describe('RFC 5769 §2.2/§2.3 sample responses', () => {
  const cases = [
    ['IPv4', sampleIPv4Response, { family: 'IPv4', address: '192.0.2.1', port: 32853 }],
    [
      'IPv6',
      sampleIPv6Response,
      { family: 'IPv6', address: '2001:db8:1234:5678:11:2233:4455:6677', port: 32853 },
    ],
  ] as const;
  for (const [name, vector, mapped] of cases) {
    it(`${name}: decodes XOR-MAPPED-ADDRESS and verifies`, () => {
      const m = decodeMessage(vector);
      expect(m.messageClass).toBe(StunClass.SuccessResponse);
      expect(m.get(Software)).toBe('test vector');
      expect(m.get(XorMappedAddress)).toEqual(mapped);
      expect(m.verifyIntegrity(key)).toBe('MESSAGE-INTEGRITY');
    });
    it(`${name}: encodes to the same bytes`, () => {
      const bytes = encodeMessage(
        {
          method: StunMethod.Binding,
          messageClass: StunClass.SuccessResponse,
          transactionId: TRANSACTION_ID,
          attributes: [attr(Software, 'test vector'), attr(XorMappedAddress, mapped)],
        },
        { messageIntegrity: key, fingerprint: true, paddingByte: 0x20 },
      );
      expect(Buffer.from(bytes).toString('hex')).toBe(Buffer.from(vector).toString('hex'));
    });
  }
});

describe('RFC 5769 §2.4 long-term authentication', () => {
  const ltKey = longTermKey(LONG_TERM.username, LONG_TERM.realm, LONG_TERM.password);
  it('decodes and verifies with MD5(username:realm:password)', () => {
    const m = decodeMessage(sampleLongTermRequest);
    expect(m.get(Username)).toBe(LONG_TERM.username);
    expect(m.get(Nonce)).toBe(LONG_TERM.nonce);
    expect(m.get(Realm)).toBe(LONG_TERM.realm);
    expect(m.hasFingerprint).toBe(false);
    expect(m.verifyIntegrity(ltKey)).toBe('MESSAGE-INTEGRITY');
  });
  it('encodes to the same bytes', () => {
    const bytes = encodeMessage(
      {
        method: StunMethod.Binding,
        messageClass: StunClass.Request,
        transactionId: LONG_TERM.transactionId,
        attributes: [
          attr(Username, LONG_TERM.username),
          attr(Nonce, LONG_TERM.nonce),
          attr(Realm, LONG_TERM.realm),
        ],
      },
      { messageIntegrity: ltKey },
    );
    expect(Buffer.from(bytes).toString('hex')).toBe(Buffer.from(sampleLongTermRequest).toString('hex'));
  });
  it('fails with a wrong realm', () => {
    const m = decodeMessage(sampleLongTermRequest);
    const err = (() => {
      try {
        m.verifyIntegrity(longTermKey(LONG_TERM.username, 'example.com', LONG_TERM.password));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(StunError);
    expect((err as StunError).code).toBe('BAD_INTEGRITY');
  });
});

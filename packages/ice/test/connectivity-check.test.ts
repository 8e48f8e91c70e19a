import {
  attr,
  decodeMessage,
  encodeMessage,
  ErrorCode,
  IceControlled,
  Priority,
  shortTermKey,
  StunClass,
  StunMethod,
  UnknownAttributes,
  Username,
  verifyMessageIntegrity,
  XorMappedAddress,
} from '@x/stun';
import { describe, expect, it } from 'vitest';
import { encodeCheckError, encodeCheckRequest, encodeCheckSuccess, IceAgent } from '../src/index.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const PASSWORD = 'VOkJxbRl1RmTxUk/WvJxBt';

// RFC 5769 §2.1–2.3 (IETF Trust), byte for byte.
const SAMPLE_REQUEST = hex(`00 01 00 58 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
  80 22 00 10 53 54 55 4e 20 74 65 73 74 20 63 6c 69 65 6e 74
  00 24 00 04 6e 00 01 ff
  80 29 00 08 93 2f f9 b1 51 26 3b 36
  00 06 00 09 65 76 74 6a 3a 68 36 76 59 20 20 20
  00 08 00 14 9a ea a7 0c bf d8 cb 56 78 1e f2 b5 b2 d3 f2 49 c1 b5 71 a2
  80 28 00 04 e5 7a 3b cf`);
const SAMPLE_IPV4_RESPONSE = hex(`01 01 00 3c 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
  80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
  00 20 00 08 00 01 a1 47 e1 12 a6 43
  00 08 00 14 2b 91 f5 99 fd 9e 90 c3 8c 74 89 f9 2a f9 ba 53 f0 6b e7 d7
  80 28 00 04 c0 7d 4c 96`);
const SAMPLE_IPV6_RESPONSE = hex(`01 01 00 48 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
  80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
  00 20 00 14 00 02 a1 47 01 13 a9 fa a5 d3 f1 79 bc 25 f4 b5 be d2 b9 d9
  00 08 00 14 a3 82 95 4e 4b e6 7b f1 17 84 c9 7c 82 92 c2 75 bf e3 ed 41
  80 28 00 04 c8 fb 0b 4c`);
const TXID = SAMPLE_REQUEST.subarray(8, 20);

describe('connectivity-check messages against RFC 5769', () => {
  it('a controlled check request is §2.1 byte for byte (SOFTWARE, PRIORITY, ICE-CONTROLLED, USERNAME, integrity, fingerprint)', () => {
    const out = encodeCheckRequest({
      transactionId: TXID,
      username: 'evtj:h6vY',
      password: PASSWORD,
      priority: 0x6e0001ff,
      controlling: false,
      tieBreaker: 0x932ff9b151263b36n,
      useCandidate: false,
      software: 'STUN test client',
      paddingByte: 0x20,
    });
    expect(Buffer.from(out).toString('hex')).toBe(Buffer.from(SAMPLE_REQUEST).toString('hex'));
  });

  it('a success response is §2.2 (IPv4) and §2.3 (IPv6) byte for byte', () => {
    const v4 = encodeCheckSuccess(TXID, { address: '192.0.2.1', port: 32853 }, PASSWORD, 'test vector', 0x20);
    expect(Buffer.from(v4).toString('hex')).toBe(Buffer.from(SAMPLE_IPV4_RESPONSE).toString('hex'));
    const v6 = encodeCheckSuccess(TXID, { address: '2001:db8:1234:5678:11:2233:4455:6677', port: 32853 }, PASSWORD, 'test vector', 0x20);
    expect(Buffer.from(v6).toString('hex')).toBe(Buffer.from(SAMPLE_IPV6_RESPONSE).toString('hex'));
  });

  it('the §2.1 request decodes to what ICE reads from it', () => {
    const m = decodeMessage(SAMPLE_REQUEST);
    expect(m.get(Username)).toBe('evtj:h6vY');
    expect(m.get(Priority)).toBe(0x6e0001ff);
    expect(m.get(IceControlled)).toBe(0x932ff9b151263b36n);
    expect(verifyMessageIntegrity(m, shortTermKey(PASSWORD))).toBe('MESSAGE-INTEGRITY');
    expect(decodeMessage(SAMPLE_IPV4_RESPONSE).get(XorMappedAddress)).toMatchObject({ address: '192.0.2.1', port: 32853 });
  });

  it('a 487 error response is signed and carries the code', () => {
    const m = decodeMessage(encodeCheckError(TXID, 487, 'Role Conflict', PASSWORD));
    expect(m.messageClass).toBe(3);
    expect(verifyMessageIntegrity(m, shortTermKey(PASSWORD))).toBe('MESSAGE-INTEGRITY');
  });
});

describe('the agent answering malformed but authenticated checks', () => {
  const password = 'p'.repeat(22);
  const agent = () => {
    const a = new IceAgent({ controlling: true, usernameFragment: 'evtj', password });
    a.addHostCandidate(1, { address: '192.0.2.9', port: 9 });
    return a;
  };
  const source = { address: '192.0.2.1', port: 1 };

  it('answers 400 Bad Request to a check without PRIORITY (RFC 8445 §7.3)', () => {
    const a = agent();
    const req = encodeMessage(
      { method: StunMethod.Binding, messageClass: StunClass.Request, transactionId: TXID, attributes: [attr(Username, 'evtj:h6vY')] },
      { messageIntegrity: shortTermKey(password), fingerprint: true },
    );
    a.handleDatagram(req, 1, source, 0);
    const m = decodeMessage(a.pollTransmit()!.data);
    expect(m.messageClass).toBe(3);
    expect(m.get(ErrorCode)!.code).toBe(400);
    expect(a.stats.droppedMalformed).toBe(1);
    expect(a.getRemoteCandidates()).toEqual([]);
  });

  it('answers 420 with UNKNOWN-ATTRIBUTES to an unknown comprehension-required attribute (RFC 8489 §6.3.1)', () => {
    const a = agent();
    const strange = { type: 0x7ff0, name: 'STRANGE', length: () => 4, write: () => undefined, read: () => 0 };
    const req = encodeMessage(
      {
        method: StunMethod.Binding,
        messageClass: StunClass.Request,
        transactionId: TXID,
        attributes: [attr(Username, 'evtj:h6vY'), attr(Priority, 1), attr(strange, 0)],
      },
      { messageIntegrity: shortTermKey(password), fingerprint: true },
    );
    a.handleDatagram(req, 1, source, 0);
    const m = decodeMessage(a.pollTransmit()!.data);
    expect(m.get(ErrorCode)!.code).toBe(420);
    expect(m.get(UnknownAttributes)).toEqual([0x7ff0]);
    expect(verifyMessageIntegrity(m, shortTermKey(password))).toBe('MESSAGE-INTEGRITY');
  });
});

describe('the agent reading STUN from Node Buffers', () => {
  it('answers a check held in a pooled Buffer (non-zero offset) and leaves its bytes alone', () => {
    const agent = new IceAgent({ controlling: true, usernameFragment: 'evtj', password: 'p'.repeat(22) });
    agent.addHostCandidate(1, { address: '192.0.2.9', port: 9 });
    const req = encodeCheckRequest({
      transactionId: TXID,
      username: `evtj:h6vY`,
      password: 'p'.repeat(22),
      priority: 0x6e0001ff,
      controlling: false,
      tieBreaker: 1n,
      useCandidate: false,
    });
    const pooled = Buffer.concat([Buffer.alloc(24, 0xee), Buffer.from(req)]).subarray(24);
    expect(pooled.byteOffset).toBeGreaterThan(0);
    const before = pooled.toString('hex');
    agent.handleDatagram(pooled, 1, { address: '192.0.2.1', port: 32853 }, 0);
    expect(pooled.toString('hex')).toBe(before);
    const reply = agent.pollTransmit()!;
    const m = decodeMessage(reply.data);
    expect(m.messageClass).toBe(2);
    expect(m.get(XorMappedAddress)).toMatchObject({ address: '192.0.2.1', port: 32853 });
    expect(verifyMessageIntegrity(m, shortTermKey('p'.repeat(22)))).toBe('MESSAGE-INTEGRITY');
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BindingServer,
  TurnClient,
  attr,
  attributeCodecs,
  decodeMessage,
  encodeChannelData,
  encodeMessage,
  ErrorCode,
  isChannelData,
  isStunMessage,
  Lifetime,
  parseChannelData,
  shortTermKey,
  Software,
  StunClass,
  StunError,
  Username,
  XorMappedAddress,
  XorPeerAddress,
  type StunMessage,
} from '../src/index.js';
import { sampleIPv6Response, sampleLongTermRequest, sampleRequest } from './vectors/rfc5769.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof StunError)) throw e;
    return e.code;
  }
  return undefined;
}
const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

/** Decodes and touches every attribute, as a server would. Only StunError may escape. */
function exercise(bytes: Uint8Array): void {
  isStunMessage(bytes);
  isChannelData(bytes);
  try {
    parseChannelData(bytes);
  } catch (e) {
    if (!(e instanceof StunError)) throw e;
  }
  let m: StunMessage;
  try {
    m = decodeMessage(bytes);
  } catch (e) {
    if (!(e instanceof StunError)) throw e;
    return;
  }
  m.unknownComprehensionRequired();
  for (const a of m.attributes) {
    const codec = attributeCodecs.get(a.type);
    if (!codec) continue;
    try {
      codec.read(m.raw, new DataView(m.raw.buffer, m.raw.byteOffset, m.raw.byteLength), a.offset, a.length);
    } catch (e) {
      if (!(e instanceof StunError)) throw e;
    }
  }
  try {
    m.verifyIntegrity(shortTermKey('x'));
  } catch (e) {
    if (!(e instanceof StunError)) throw e;
  }
}

describe('bad input gives typed errors', () => {
  it('truncated headers', () => {
    for (let n = 0; n < 20; n++) expect(codeOf(() => decodeMessage(sampleRequest.subarray(0, n)))).toBe('TRUNCATED');
  });
  it('every truncation of a valid message fails typed', () => {
    for (let n = 20; n < sampleRequest.length; n++) {
      expect(codeOf(() => decodeMessage(sampleRequest.subarray(0, n)))).toMatch(/TRUNCATED|BAD_LENGTH/);
    }
  });
  it('non-STUN first bits and wrong magic cookie', () => {
    const b = Uint8Array.from(sampleRequest);
    b[0] = 0x80;
    expect(codeOf(() => decodeMessage(b))).toBe('NOT_STUN');
    const c = Uint8Array.from(sampleRequest);
    c[5] = 0;
    expect(codeOf(() => decodeMessage(c))).toBe('NOT_STUN');
    expect(isStunMessage(c)).toBe(false);
    expect(isStunMessage(sampleRequest)).toBe(true);
  });
  it('length not a multiple of 4', () => {
    const b = Uint8Array.from(sampleRequest);
    b[3] = 0x57;
    expect(codeOf(() => decodeMessage(b))).toBe('BAD_LENGTH');
    expect(isStunMessage(b)).toBe(false);
  });
  it('length past the end and extra bytes after the message', () => {
    const b = Uint8Array.from(sampleRequest);
    b[3] = 0x5c;
    expect(codeOf(() => decodeMessage(b))).toBe('TRUNCATED');
    const longer = new Uint8Array(sampleRequest.length + 4);
    longer.set(sampleRequest);
    expect(codeOf(() => decodeMessage(longer))).toBe('BAD_LENGTH');
  });
  it('attribute length past the end', () => {
    // Binding request with one attribute claiming 8 bytes but carrying 4.
    const b = hex('0001 0008 2112a442 000000000000000000000000 8022 0008 41424344');
    expect(codeOf(() => decodeMessage(b))).toBe('TRUNCATED');
    const b2 = hex('0001 0008 2112a442 000000000000000000000000 8022 ffff 41424344');
    expect(codeOf(() => decodeMessage(b2))).toBe('TRUNCATED');
  });
  it('wrong address family and wrong address lengths', () => {
    const m = decodeMessage(hex('0101 000c 2112a442 000000000000000000000000 0020 0008 0003a147e112a643'));
    expect(codeOf(() => m.get(XorMappedAddress))).toBe('BAD_ADDRESS_FAMILY');
    const m2 = decodeMessage(hex('0101 0010 2112a442 000000000000000000000000 0020 000c 0001a147e112a64300000000'));
    expect(codeOf(() => m2.get(XorMappedAddress))).toBe('BAD_ATTRIBUTE');
    const m3 = decodeMessage(hex('0101 0018 2112a442 000000000000000000000000 0020 0014 0001a147e112a643' + '00'.repeat(12)));
    expect(codeOf(() => m3.get(XorMappedAddress))).toBe('BAD_ATTRIBUTE');
    expect(codeOf(() => encodeMessage({ method: 1, messageClass: 0, attributes: [attr(XorPeerAddress, { family: 'IPv4', address: '1.2.3', port: 1 })] }))).toBe('BAD_ADDRESS_FAMILY');
    expect(codeOf(() => encodeMessage({ method: 1, messageClass: 0, attributes: [attr(XorPeerAddress, { family: 'IPv6', address: '1::2::3', port: 1 })] }))).toBe('BAD_ADDRESS_FAMILY');
  });
  it('bad fixed-size values', () => {
    const m = decodeMessage(hex('0101 0008 2112a442 000000000000000000000000 000d 0003 00000100'));
    expect(codeOf(() => m.get(Lifetime))).toBe('BAD_ATTRIBUTE');
    const e = decodeMessage(hex('0111 0008 2112a442 000000000000000000000000 0009 0004 00000901'));
    expect(codeOf(() => e.get(ErrorCode))).toBe('BAD_ATTRIBUTE');
  });
  it('oversized text attributes', () => {
    const big = 'x'.repeat(600);
    const m = decodeMessage(encodeMessage({ method: 1, messageClass: 0, attributes: [attr(Username, big), attr(Software, 'y'.repeat(800))] }));
    expect(codeOf(() => m.get(Username))).toBe('BAD_ATTRIBUTE');
    expect(codeOf(() => m.get(Software))).toBe('BAD_ATTRIBUTE');
    expect(codeOf(() => encodeMessage({ method: 1, messageClass: 0, attributes: [attr(Software, 'z'.repeat(70000))] }))).toBe('INVALID_ARGUMENT');
  });
  it('ChannelData: bad channel, short, length past the end', () => {
    expect(codeOf(() => parseChannelData(hex('40')))).toBe('BAD_CHANNEL_DATA');
    expect(codeOf(() => parseChannelData(hex('3fff0000')))).toBe('BAD_CHANNEL_DATA');
    expect(codeOf(() => parseChannelData(hex('40000005aabbcc')))).toBe('BAD_CHANNEL_DATA');
    expect(codeOf(() => parseChannelData(hex('4000000100000000000000')))).toBe('BAD_CHANNEL_DATA');
    const cd = parseChannelData(encodeChannelData(0x4abc, Uint8Array.of(9, 8, 7), true));
    expect(cd.channelNumber).toBe(0x4abc);
    expect([...cd.data]).toEqual([9, 8, 7]);
    expect(codeOf(() => encodeChannelData(0x5000, new Uint8Array(1)))).toBe('INVALID_ARGUMENT');
  });
  it('garbage', () => {
    for (const g of ['', '00', 'ffffffffffffffffffffffffffffffffffffffffffff', '0001000021', 'deadbeef'.repeat(40)]) {
      expect(() => exercise(hex(g))).not.toThrow();
      if (g.length) expect(codeOf(() => decodeMessage(hex(g)))).toBeDefined();
    }
  });
});

const seeds = [sampleRequest, sampleIPv6Response, sampleLongTermRequest];

describe('property: only StunError escapes (fixed seed)', () => {
  it('random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        exercise(b);
      }),
      { seed: 0x5707, numRuns: 3000 },
    );
  });
  it('random bytes behind a valid header', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 4, maxLength: 4 }), { maxLength: 40 }), fc.integer({ min: 0, max: 2 }), (words, which) => {
        const body = Buffer.concat(words.map((w) => Buffer.from(w)));
        const b = Buffer.concat([Buffer.from(seeds[which]!.subarray(0, 20)), body]);
        b.writeUInt16BE(body.length, 2);
        exercise(b);
      }),
      { seed: 0x5708, numRuns: 3000 },
    );
  });
  it('mutated valid messages', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        fc.option(fc.nat(), { nil: undefined }),
        (which, edits, cut) => {
          const b = Uint8Array.from(seeds[which]!);
          for (const [pos, val] of edits) b[pos % b.length] = val;
          exercise(cut === undefined ? b : b.subarray(0, cut % (b.length + 1)));
        },
      ),
      { seed: 0x5709, numRuns: 3000 },
    );
  });
  it('encode then decode round-trips typed attributes', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 100 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.ipV4(),
        fc.integer({ min: 0, max: 65535 }),
        (software, lifetime, ip, port) => {
          const bytes = encodeMessage(
            {
              method: 3,
              messageClass: StunClass.SuccessResponse,
              attributes: [attr(Software, software), attr(Lifetime, lifetime), attr(XorMappedAddress, { family: 'IPv4', address: ip, port })],
            },
            { fingerprint: true },
          );
          const m = decodeMessage(bytes);
          expect(m.get(Software)).toBe(software);
          expect(m.get(Lifetime)).toBe(lifetime);
          expect(m.get(XorMappedAddress)).toEqual({ family: 'IPv4', address: ip, port });
        },
      ),
      { seed: 0x570a, numRuns: 500 },
    );
  });
});

describe('property: sans-IO cores never throw on incoming garbage (fixed seed)', () => {
  it('BindingServer.handle and TurnClient.handleIncoming drop and count', () => {
    const server = new BindingServer();
    const turn = new TurnClient({ username: 'u', password: 'p' });
    turn.allocate(0);
    const src = { family: 'IPv4', address: '127.0.0.1', port: 9 } as const;
    let n = 0;
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          fc.integer({ min: 0, max: 2 }).chain((i) =>
            fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([pos, v]) => {
              const b = Uint8Array.from(seeds[i]!);
              b[pos % b.length] = v;
              return b;
            }),
          ),
          fc.uint8Array({ maxLength: 60 }).map((d) => Uint8Array.of(0x40, 0x00, 0, d.length, ...d)),
        ),
        (b) => {
          n++;
          server.handle(b, src);
          turn.handleIncoming(b, 1);
        },
      ),
      { seed: 0x570b, numRuns: 2000 },
    );
    const s = server.stats;
    expect(s.success + s.errors + s.indications + s.dropped).toBe(n);
    expect(turn.state).toBe('allocating');
  });
});

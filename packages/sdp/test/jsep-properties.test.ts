import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  SdpError, answerDirection, createAnswer, isRtpProtocol, defaultAudioCapabilities, defaultVideoCapabilities, parse, parseCandidate,
  write, type Direction, type MediaCapabilities, type SessionDescription, type TransportDescription,
} from '../src/index.js';
import { vector, vectorNames } from './helpers.js';

const transport: TransportDescription = {
  iceUfrag: 'x9Qb',
  icePwd: 'SxrOGK4Ix2O1B2JLAVA1K0/g',
  fingerprints: [{ algorithm: 'sha-256', value: 'BC:B9:A9:35:D6:1B:0D:1D:59:C3:AE:BE:89:E6:90:78:B6:F0:80:7E:44:F2:BB:1F:A1:7C:DF:E3:54:3F:46:8B' }],
  candidates: [parseCandidate('candidate:1 1 udp 2122194687 127.0.0.1 40000 typ host')],
};
const session = { sessionId: 1n, sessionVersion: 1n };
const offers = vectorNames().filter((n) => n.includes('offer')).map((n) => parse(vector(n)));
const direction = fc.constantFrom<Direction>('sendrecv', 'sendonly', 'recvonly', 'inactive');

/** A random subset of the default capabilities, so intersections of every size come up. */
const subset = (caps: MediaCapabilities): fc.Arbitrary<MediaCapabilities> =>
  fc.tuple(fc.subarray(caps.codecs), fc.subarray(caps.headerExtensions)).map(([codecs, headerExtensions]) => ({ codecs, headerExtensions }));

/** Checks what every answer must be (RFC 3264 §6, RFC 8829 §5.3.1, RFC 8843). */
function checkAnswer(offer: SessionDescription, answer: SessionDescription, local: Direction[]): void {
  expect(answer.media.map((m) => [m.mid, m.kind, m.protocol])).toEqual(offer.media.map((m) => [m.mid, m.kind, m.protocol]));
  const accepted = new Set<string>();
  answer.media.forEach((a, i) => {
    const o = offer.media[i]!;
    if (a.port === 0 && !a.bundleOnly) {
      expect(a.candidates).toEqual([]);
      return;
    }
    if (a.mid !== undefined) accepted.add(a.mid);
    expect(['active', 'passive']).toContain(a.setup);
    for (const c of a.codecs) {
      expect(o.formats).toContain(String(c.payloadType));
      const offered = o.codecs.find((x) => x.payloadType === c.payloadType);
      if (offered !== undefined) expect(c.name.toLowerCase()).toBe(offered.name.toLowerCase());
    }
    if (isRtpProtocol(a.protocol)) expect(a.formats).toEqual(a.codecs.map((c) => String(c.payloadType)));
    else expect(a.formats).toEqual(o.formats);
    for (const e of a.extmaps) expect(o.extmaps.some((x) => x.id === e.id && x.uri === e.uri)).toBe(true);
    if (a.direction !== undefined) {
      expect(a.direction).toBe(answerDirection(o.direction ?? offer.direction ?? 'sendrecv', local[i]!));
    }
  });
  for (const g of answer.groups) for (const mid of g.mids) expect(accepted.has(mid)).toBe(true);
  expect(parse(write(answer))).toEqual(answer);
}

describe('createAnswer properties (fixed seed)', () => {
  it('for every real offer, any local codec subset and direction, the answer keeps the rules', () => {
    fc.assert(fc.property(
      fc.nat(offers.length - 1),
      fc.array(direction, { minLength: 4, maxLength: 4 }),
      subset(defaultAudioCapabilities()),
      subset(defaultVideoCapabilities()),
      fc.constantFrom<'active' | 'passive'>('active', 'passive'),
      fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
      (i, dirs, audio, video, setup, reject) => {
        const offer = offers[i]!;
        const answer = createAnswer(offer, session, (m, index) => (reject[index] === true ? 'reject' : {
          transport, setup, direction: dirs[index]!, capabilities: m.kind === 'audio' ? audio : video,
        }));
        checkAnswer(offer, answer, dirs);
      },
    ), { seed: 8829, numRuns: 200 });
  });

  it('mutated offers that parse are answered or refused with SdpError, nothing else', () => {
    const texts = vectorNames().filter((n) => n.includes('offer')).map(vector);
    const mutated = fc.tuple(fc.nat(texts.length - 1), fc.nat(), fc.oneof(
      fc.constantFrom('a=setup:holdconn', 'a=setup:passive', 'a=sendonly', 'a=inactive', 'a=rtcp-fb:* nack', 'a=bundle-only',
        'a=extmap:9/sendonly urn:ietf:params:rtp-hdrext:sdes:mid', 'a=fmtp:96 apt=9999', 'a=rtpmap:63 red/48000/2', 'a=fmtp:63 1/x',
        'a=fmtp:102 profile-level-id=zz;packetization-mode=1', 'a=rid:q send pt=1,2', 'a=simulcast:recv q;~r'),
      fc.string({ maxLength: 30 }).map((s) => `a=${s}`),
    )).map(([i, at, line]) => {
      const lines = texts[i]!.split('\r\n');
      const m = lines.findIndex((l, k) => k >= at % lines.length && l.startsWith('m='));
      lines.splice(m < 0 ? lines.length - 1 : m + 1, 0, line);
      return lines.join('\r\n');
    });
    let answered = 0;
    fc.assert(fc.property(mutated, direction, (text, dir) => {
      let offer: SessionDescription;
      try {
        offer = parse(text);
      } catch (e) {
        if (e instanceof SdpError) return;
        throw e;
      }
      try {
        const answer = createAnswer(offer, session, (m) => ({
          transport, direction: dir, capabilities: m.kind === 'audio' ? defaultAudioCapabilities() : defaultVideoCapabilities(),
        }));
        checkAnswer(offer, answer, offer.media.map(() => dir));
        answered++;
      } catch (e) {
        if (!(e instanceof SdpError)) throw e;
      }
    }), { seed: 3264, numRuns: 250 });
    expect(answered).toBeGreaterThan(60);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SdpError, parse, write, type SdpErrorCode } from '../src/index.js';
import { vector, vectorNames } from './helpers.js';

/** A small valid offer; tests replace one line of it. */
const BASE = [
  'v=0',
  'o=- 1 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0 1',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 0',
  'c=IN IP4 0.0.0.0',
  'a=mid:0',
  'a=ice-ufrag:abcd',
  'a=ice-pwd:abcdefghijklmnopqrstuv',
  'a=fingerprint:sha-256 8D:25:24:58:7E:CE:8A:82:13:23:BF:11:B2:A8:B0:06:1A:F9:40:9E:B2:F0:0B:CF:37:A0:89:48:68:E2:4D:F8',
  'a=setup:actpass',
  'a=rtpmap:111 opus/48000/2',
  'a=fmtp:111 minptime=10',
  'a=rtcp-fb:111 transport-cc',
  'a=ssrc:1 cname:x',
  'a=candidate:1 1 udp 2122194687 127.0.0.1 33886 typ host',
  'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
  'a=mid:1',
  'a=sctp-port:5000',
  'a=max-message-size:262144',
];

function sdpWith(lineNumber: number, replacement: string | null): string {
  const lines = [...BASE];
  if (replacement === null) lines.splice(lineNumber - 1, 1);
  else lines[lineNumber - 1] = replacement;
  return lines.join('\r\n') + '\r\n';
}

function errorOf(text: string): SdpError {
  try {
    parse(text);
  } catch (e) {
    if (e instanceof SdpError) return e;
    throw e;
  }
  throw new Error('parse accepted bad SDP');
}

const line = (prefix: string): number => BASE.findIndex((l) => l.startsWith(prefix)) + 1;

describe('malformed SDP: typed error naming line and text', () => {
  it('the base SDP is valid', () => {
    expect(parse(sdpWith(1, 'v=0')).media).toHaveLength(2);
  });

  const cases: [string, number, string, SdpErrorCode][] = [
    ['missing v=', 1, 'o=- 1 2 IN IP4 127.0.0.1', 'missing-version'],
    ['v=1', 1, 'v=1', 'bad-version'],
    ['o= with 5 fields', 2, 'o=- 1 2 IN IP4', 'bad-origin'],
    ['o= with a text session id', 2, 'o=- abc 2 IN IP4 127.0.0.1', 'bad-origin'],
    ['t= with one field', 4, 't=0', 'bad-line'],
    ['a line without =', 7, 'c IN IP4 0.0.0.0', 'bad-line'],
    ['an upper-case type letter', 7, 'C=IN IP4 0.0.0.0', 'bad-line'],
    ['an unknown type letter', 7, 'x=1', 'bad-line'],
    ['leading whitespace', 7, ' c=IN IP4 0.0.0.0', 'bad-line'],
    ['bad c=', 7, 'c=IN IP4', 'bad-connection'],
    ['m= with no formats', line('m=audio'), 'm=audio 9 UDP/TLS/RTP/SAVPF', 'bad-media'],
    ['m= with a format that is no payload type', line('m=audio'), 'm=audio 9 UDP/TLS/RTP/SAVPF 111 opus', 'bad-media'],
    ['m= with payload type 128', line('m=audio'), 'm=audio 9 UDP/TLS/RTP/SAVPF 128', 'bad-media'],
    ['m= port not a number', line('m=audio'), 'm=audio nine UDP/TLS/RTP/SAVPF 111', 'bad-port'],
    ['m= port 65536', line('m=audio'), 'm=audio 65536 UDP/TLS/RTP/SAVPF 111', 'bad-port'],
    ['fingerprint with odd hex', line('a=fingerprint'), 'a=fingerprint:sha-256 8D:2', 'bad-fingerprint'],
    ['fingerprint too short for sha-256', line('a=fingerprint'), 'a=fingerprint:sha-256 8D:25:24', 'bad-fingerprint'],
    ['fingerprint without hash', line('a=fingerprint'), 'a=fingerprint:8D:25', 'bad-fingerprint'],
    ['fingerprint with non-hex', line('a=fingerprint'), 'a=fingerprint:sha-1 ZZ:25:24:58:7E:CE:8A:82:13:23:BF:11:B2:A8:B0:06:1A:F9:40:9E', 'bad-fingerprint'],
    ['setup value', line('a=setup'), 'a=setup:client', 'bad-setup'],
    ['candidate', line('a=candidate'), 'a=candidate:1 1 udp 2122194687 127.0.0.1 99999 typ host', 'bad-candidate'],
    ['rtpmap without clock rate', line('a=rtpmap'), 'a=rtpmap:111 opus', 'bad-rtpmap'],
    ['rtpmap payload type 200', line('a=rtpmap'), 'a=rtpmap:200 opus/48000/2', 'bad-rtpmap'],
    ['rtpmap clock rate 0', line('a=rtpmap'), 'a=rtpmap:111 opus/0', 'bad-rtpmap'],
    ['fmtp without parameters', line('a=fmtp'), 'a=fmtp:111', 'bad-fmtp'],
    ['rtcp-fb without type', line('a=rtcp-fb'), 'a=rtcp-fb:111', 'bad-rtcp-fb'],
    ['ssrc too big', line('a=ssrc'), 'a=ssrc:4294967296 cname:x', 'bad-ssrc'],
    ['ssrc without attribute', line('a=ssrc'), 'a=ssrc:1', 'bad-ssrc'],
    ['ssrc-group without ssrcs', line('a=ssrc'), 'a=ssrc-group:FID', 'bad-ssrc-group'],
    ['ice-ufrag with a space', line('a=ice-ufrag'), 'a=ice-ufrag:ab cd', 'bad-ice-credentials'],
    ['ice-pwd empty', line('a=ice-pwd'), 'a=ice-pwd:', 'bad-ice-credentials'],
    ['extmap id 0', line('a=ssrc'), 'a=extmap:0 urn:ietf:params:rtp-hdrext:sdes:mid', 'bad-extmap'],
    ['extmap bad direction', line('a=ssrc'), 'a=extmap:1/both urn:x', 'bad-extmap'],
    ['rid with bad direction', line('a=ssrc'), 'a=rid:a both', 'bad-rid'],
    ['simulcast without list', line('a=ssrc'), 'a=simulcast:send', 'bad-simulcast'],
    ['simulcast with send twice', line('a=ssrc'), 'a=simulcast:send a send b', 'bad-simulcast'],
    ['sctp-port 70000', line('a=sctp-port'), 'a=sctp-port:70000', 'bad-sctp-port'],
    ['max-message-size negative', line('a=max-message-size'), 'a=max-message-size:-1', 'bad-max-message-size'],
    ['empty mid', line('a=mid:0'), 'a=mid:', 'bad-mid'],
    ['BUNDLE naming an unknown mid', line('a=group'), 'a=group:BUNDLE 0 7', 'bad-group'],
    ['rtpmap before any m=', line('a=group'), 'a=rtpmap:111 opus/48000/2', 'media-attribute-at-session-level'],
    ['candidate before any m=', line('a=group'), 'a=candidate:1 1 udp 1 127.0.0.1 1 typ host', 'media-attribute-at-session-level'],
    ['mid before any m=', line('a=group'), 'a=mid:0', 'media-attribute-at-session-level'],
    ['ssrc before any m=', line('a=group'), 'a=ssrc:1 cname:x', 'media-attribute-at-session-level'],
    ['sctp-port before any m=', line('a=group'), 'a=sctp-port:5000', 'media-attribute-at-session-level'],
  ];

  it.each(cases)('%s', (_what, n, replacement, code) => {
    const e = errorOf(sdpWith(n, replacement));
    expect(e.code).toBe(code);
    expect(e.line).toBe(n);
    expect(e.text).toBe(replacement);
    expect(e.message).toContain(`line ${n}:`);
  });

  it('names the second of two equal mids', () => {
    const e = errorOf(sdpWith(line('a=mid:1'), 'a=mid:0'));
    expect([e.code, e.line]).toEqual(['duplicate-mid', line('a=mid:1')]);
    expect(e.detail).toContain(`line ${line('a=mid:0')}`);
  });

  it('rejects a second rtpmap or fmtp for one payload type', () => {
    expect(errorOf(sdpWith(line('a=ssrc'), 'a=rtpmap:111 opus/48000/2')).code).toBe('bad-rtpmap');
    expect(errorOf(sdpWith(line('a=ssrc'), 'a=fmtp:111 stereo=1')).code).toBe('bad-fmtp');
  });

  it('rejects SDP without o=, empty text and non-strings', () => {
    expect(errorOf(sdpWith(2, null)).code).toBe('missing-origin');
    expect(errorOf('').code).toBe('missing-version');
    expect(errorOf('\r\n\r\n').code).toBe('missing-version');
    expect(errorOf('v=0\r\n').code).toBe('missing-origin');
    expect(() => parse(null as unknown as string)).toThrow(SdpError);
  });

  it('rejects a second v= or an o= inside a media section', () => {
    expect(errorOf(sdpWith(line('a=ssrc'), 'v=0')).code).toBe('bad-version');
    expect(errorOf(sdpWith(line('a=ssrc'), 'o=- 1 2 IN IP4 127.0.0.1')).code).toBe('bad-origin');
  });
});

describe('line endings', () => {
  const crlf = BASE.join('\r\n') + '\r\n';
  const model = parse(crlf);

  it('LF only, CR only, mixed, and no final line ending all give the same model', () => {
    expect(parse(BASE.join('\n'))).toEqual(model);
    expect(parse(BASE.join('\r'))).toEqual(model);
    const mixed = BASE.map((l, i) => l + ['\r\n', '\n', '\r'][i % 3]).join('');
    expect(parse(mixed)).toEqual(model);
  });

  it('line numbers count every line ending kind', () => {
    const lines = [...BASE];
    lines[line('a=setup') - 1] = 'a=setup:nope';
    const mixed = lines.map((l, i) => l + (i % 2 === 0 ? '\n' : '\r\n')).join('');
    expect(errorOf(mixed).line).toBe(line('a=setup'));
  });

  it('blank lines are skipped but counted', () => {
    const text = BASE.slice(0, 4).join('\r\n') + '\r\n\r\n' + BASE.slice(4).map((l) => (l.startsWith('a=setup') ? 'a=setup:x' : l)).join('\r\n');
    expect(errorOf(text).line).toBe(line('a=setup') + 1);
  });

  it('Pion trailing spaces do not end up in the model', () => {
    const sd = parse(vector('pion-offer.sdp'));
    expect(sd.media[0]!.codecs[0]!.feedback).toEqual([{ type: 'transport-cc' }]);
  });
});

describe('fuzz (fixed seed): mutated vectors give a model or an SdpError, nothing else', () => {
  const texts = vectorNames().map(vector);

  const mutate = fc.tuple(
    fc.nat(texts.length - 1),
    fc.array(fc.tuple(fc.nat(), fc.nat(64), fc.oneof(
      fc.string({ maxLength: 8 }),
      fc.constantFrom('\r\n', '\n', '\r', ':', ' ', '/', '=', 'a=', 'm=', '-1', '99999999999', '0', '*', '~', ';', ',', '.local', '::'),
    )), { minLength: 1, maxLength: 4 }),
  ).map(([i, edits]) => {
    let t = texts[i]!;
    for (const [at, len, insert] of edits) {
      const p = at % (t.length + 1);
      t = t.slice(0, p) + insert + t.slice(p + len);
    }
    return t;
  });

  const lineLevel = fc.tuple(fc.nat(texts.length - 1), fc.nat(), fc.oneof(fc.string({ maxLength: 40 }), fc.constant(''))).map(([i, at, replacement]) => {
    const lines = texts[i]!.split('\r\n');
    const n = at % lines.length;
    const eq = lines[n]!.indexOf('=');
    const colon = lines[n]!.indexOf(':');
    // Keep the line's type and attribute name, garble its value: reaches every value parser.
    const keep = colon > 0 ? colon + 1 : eq + 1;
    lines[n] = lines[n]!.slice(0, keep) + replacement;
    return lines.join('\r\n');
  });

  it('byte-level edits', () => {
    fc.assert(fc.property(mutate, (text) => {
      try {
        const sd = parse(text);
        expect(parse(write(sd))).toEqual(sd);
      } catch (e) {
        if (!(e instanceof SdpError)) throw e;
      }
    }), { seed: 8866, numRuns: 1500 });
  });

  it('value-level edits', () => {
    fc.assert(fc.property(lineLevel, (text) => {
      try {
        const sd = parse(text);
        expect(parse(write(sd))).toEqual(sd);
      } catch (e) {
        if (!(e instanceof SdpError)) throw e;
      }
    }), { seed: 4566, numRuns: 1500 });
  });

  it('truncation at every 97th offset of every vector', () => {
    for (const t of texts) {
      for (let n = 0; n < t.length; n += 97) {
        try {
          const sd = parse(t.slice(0, n));
          expect(parse(write(sd))).toEqual(sd);
        } catch (e) {
          if (!(e instanceof SdpError)) throw e;
        }
      }
    }
  });

  it('garbage and oversized input', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
      try {
        parse(text);
      } catch (e) {
        if (!(e instanceof SdpError)) throw e;
      }
    }), { seed: 3264, numRuns: 1000 });
    const huge = vector('chromium-offer-av-data.sdp') + 'a=x-pad:' + 'y'.repeat(1_000_000) + '\r\n';
    expect(parse(huge).media[2]!.otherLines[0]!.length).toBe(1_000_008);
  });
});

describe('write refuses models it cannot write as SDP', () => {
  it('a value with a line break (SDP injection) or a section without formats', () => {
    const sd = parse(vector('chromium-offer-av-data.sdp'));
    sd.media[0]!.msids = [{ streamId: 's\r\na=setup:active', trackId: 't' }];
    expect(() => write(sd)).toThrow(SdpError);
    const sd2 = parse(vector('chromium-offer-av-data.sdp'));
    sd2.media[2]!.formats = [];
    expect(() => write(sd2)).toThrow(SdpError);
  });
});

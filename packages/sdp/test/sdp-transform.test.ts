// sdp-transform is the parser many JavaScript signalling stacks run over a peer's SDP: whatever we
// write must come out of it with no `invalid` entry (a line it did not recognise).
import sdpTransform from 'sdp-transform';
import { describe, expect, it } from 'vitest';
import {
  createAnswer, createDataChannelOfferSection, createOffer, createRtpOfferSection, defaultAudioCapabilities,
  defaultVideoCapabilities, parse, parseCandidate, write, type AnswerSectionOptions, type MediaSection, type TransportDescription,
} from '../src/index.js';
import { vector, vectorNames } from './helpers.js';

const transport: TransportDescription = {
  iceUfrag: 'Kf4z',
  icePwd: '0ZtRlcOo6B3Mmzwb2dpJ5m1H',
  iceOptions: ['trickle'],
  fingerprints: [{ algorithm: 'sha-256', value: '14:C5:93:52:39:0A:56:52:3E:CB:C7:D2:94:76:F7:C9:A6:DF:2B:87:33:0B:94:A1:14:B1:43:86:B2:AD:29:BA' }],
  candidates: [parseCandidate('candidate:2353427780 1 udp 2122194687 127.0.0.1 53143 typ host generation 0')],
};
const session = { sessionId: 762343228427273544n, sessionVersion: 2n };
const choose = (m: MediaSection): AnswerSectionOptions => ({
  transport,
  direction: 'sendrecv',
  capabilities: m.kind === 'audio' ? defaultAudioCapabilities() : defaultVideoCapabilities(),
});

/** Every `invalid` entry sdp-transform files, at session and media level. */
function invalidLines(text: string): string[] {
  const parsed = sdpTransform.parse(text) as { invalid?: { value: string }[]; media: { invalid?: { value: string }[] }[] };
  return [...(parsed.invalid ?? []), ...parsed.media.flatMap((m) => m.invalid ?? [])].map((x) => x.value);
}

describe('a=msid-semantic', () => {
  it('is written as libwebrtc writes it, with a space after the colon', () => {
    const text = write(createOffer(session, [createDataChannelOfferSection({ mid: '0', transport })]));
    expect(text.split('\r\n')).toContain('a=msid-semantic: WMS');
    expect((sdpTransform.parse(text) as { msidSemantic?: unknown }).msidSemantic).toBeDefined();
  });

  it('is read with or without the space, with or without identifiers', () => {
    const base = vector('libdatachannel-offer.sdp');
    const with_ = (line: string): unknown => parse(base.replace(/a=msid-semantic:[^\r]*/, line)).msidSemantic;
    expect(with_('a=msid-semantic:WMS')).toEqual({ semantic: 'WMS', identifiers: [] });
    expect(with_('a=msid-semantic: WMS')).toEqual({ semantic: 'WMS', identifiers: [] });
    expect(with_('a=msid-semantic:WMS *')).toEqual({ semantic: 'WMS', identifiers: ['*'] });
    expect(with_('a=msid-semantic: WMS s1 s2')).toEqual({ semantic: 'WMS', identifiers: ['s1', 's2'] });
  });
});

describe('sdp-transform finds nothing invalid in what we write', () => {
  it('an offer with audio, recvonly video and data, candidates and end-of-candidates', () => {
    const offer = createOffer(session, [
      createRtpOfferSection({ kind: 'audio', mid: '0', capabilities: defaultAudioCapabilities(), transport, msid: { streamId: 's', trackId: 'a' }, ssrcs: [{ ssrc: 1, attribute: 'cname', value: 'c' }] }),
      createRtpOfferSection({ kind: 'video', mid: '1', capabilities: defaultVideoCapabilities(), transport, direction: 'recvonly', withoutCandidates: true }),
      createDataChannelOfferSection({ mid: '2', transport, bundleOnly: true }),
    ]);
    offer.media[0]!.endOfCandidates = true;
    expect(invalidLines(write(offer))).toEqual([]);
  });

  it.each(vectorNames())('our answer to %s', (name) => {
    expect(invalidLines(write(createAnswer(parse(vector(name)), session, choose)))).toEqual([]);
  });
});

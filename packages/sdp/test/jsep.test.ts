import { describe, expect, it } from 'vitest';
import {
  SdpError, answerDirection, answerMediaSection, answerSetupRole, assignPayloadTypes, codecsMatch, createAnswer,
  createDataChannelOfferSection, createOffer, createRtpOfferSection, defaultAudioCapabilities, defaultVideoCapabilities,
  negotiateCodecs, negotiateHeaderExtensions, parse, parseCandidate, parseH264ProfileLevelId, reverseDirection, sctpParameters, write,
  type AnswerSectionOptions, type Codec, type Direction, type MediaSection, type TransportDescription,
} from '../src/index.js';
import { vector } from './helpers.js';

const FP = { algorithm: 'sha-256', value: '14:C5:93:52:39:0A:56:52:3E:CB:C7:D2:94:76:F7:C9:A6:DF:2B:87:33:0B:94:A1:14:B1:43:86:B2:AD:29:BA' };
const transport: TransportDescription = {
  iceUfrag: 'Kf4z',
  icePwd: '0ZtRlcOo6B3Mmzwb2dpJ5m1H',
  iceOptions: ['trickle'],
  fingerprints: [FP],
  candidates: [parseCandidate('candidate:2353427780 1 udp 2122194687 127.0.0.1 53143 typ host generation 0')],
};
const session = { sessionId: 762343228427273544n, sessionVersion: 2n };

const choose = (direction: Direction = 'sendrecv') => (m: MediaSection): AnswerSectionOptions => ({
  transport,
  direction,
  capabilities: m.kind === 'audio' ? defaultAudioCapabilities() : defaultVideoCapabilities(),
});

const codec = (payloadType: number, name: string, clockRate: number, parameters: Record<string, string> = {}, channels?: number): Codec => {
  const c: Codec = { payloadType, name, clockRate, parameters, feedback: [] };
  if (channels !== undefined) c.channels = channels;
  return c;
};

describe('direction (RFC 3264 §6.1)', () => {
  const table: [Direction, Direction, Direction][] = [
    ['sendrecv', 'sendrecv', 'sendrecv'], ['sendrecv', 'sendonly', 'sendonly'], ['sendrecv', 'recvonly', 'recvonly'], ['sendrecv', 'inactive', 'inactive'],
    ['sendonly', 'sendrecv', 'recvonly'], ['sendonly', 'sendonly', 'inactive'], ['sendonly', 'recvonly', 'recvonly'], ['sendonly', 'inactive', 'inactive'],
    ['recvonly', 'sendrecv', 'sendonly'], ['recvonly', 'sendonly', 'sendonly'], ['recvonly', 'recvonly', 'inactive'], ['recvonly', 'inactive', 'inactive'],
    ['inactive', 'sendrecv', 'inactive'], ['inactive', 'sendonly', 'inactive'], ['inactive', 'recvonly', 'inactive'], ['inactive', 'inactive', 'inactive'],
  ];
  it.each(table)('offer %s, local %s → answer %s', (offered, local, answer) => {
    expect(answerDirection(offered, local)).toBe(answer);
  });
  it('reverses', () => {
    expect(['sendrecv', 'sendonly', 'recvonly', 'inactive'].map((d) => reverseDirection(d as Direction))).toEqual(['sendrecv', 'recvonly', 'sendonly', 'inactive']);
  });
});

describe('DTLS setup role (RFC 8842 §5.2)', () => {
  it('actpass → active by default, or passive when asked; active ↔ passive; absent read as actpass', () => {
    expect(answerSetupRole('actpass')).toBe('active');
    expect(answerSetupRole('actpass', 'passive')).toBe('passive');
    expect(answerSetupRole('active', 'active')).toBe('passive');
    expect(answerSetupRole('passive', 'passive')).toBe('active');
    expect(answerSetupRole(undefined)).toBe('active');
    expect(() => answerSetupRole('holdconn')).toThrow(SdpError);
  });
});

describe('H.264 profile-level-id (RFC 6184 §8.1)', () => {
  it.each([
    ['42e01f', 'constrained-baseline', 31], ['42001f', 'baseline', 31], ['4d001f', 'main', 31], ['4d401f', 'main', 31],
    ['640032', 'high', 50], ['640c1f', 'constrained-high', 31], ['f4001f', 'predictive-high-444', 31],
    ['42f00b', 'constrained-baseline', 9], ['58e01f', 'constrained-baseline', 31], ['58a01f', 'baseline', 31],
  ])('%s is %s level_idc %d', (v, profile, levelIdc) => {
    expect(parseH264ProfileLevelId(v)).toEqual({ profile, levelIdc });
  });
  it('rejects what is not one, defaults when absent', () => {
    for (const bad of ['', '42e0', '42e01fa', 'zze01f', '000000', '42e000', '650000']) expect(parseH264ProfileLevelId(bad)).toBeUndefined();
    expect(parseH264ProfileLevelId(undefined)).toEqual({ profile: 'constrained-baseline', levelIdc: 31 });
  });
});

describe('codec matching', () => {
  it('name case-insensitive, clock rate, channels', () => {
    expect(codecsMatch(codec(96, 'OPUS', 48000, {}, 2), { name: 'opus', clockRate: 48000, channels: 2 })).toBe(true);
    expect(codecsMatch(codec(96, 'opus', 48000, {}, 2), { name: 'opus', clockRate: 48000 })).toBe(false);
    expect(codecsMatch(codec(0, 'PCMU', 8000), { name: 'PCMU', clockRate: 8000, channels: 1 })).toBe(true);
    expect(codecsMatch(codec(9, 'G722', 16000), { name: 'G722', clockRate: 8000 })).toBe(false);
  });
  it('H.264: same profile and packetization-mode, any level', () => {
    const cap = { name: 'H264', clockRate: 90000, parameters: { 'packetization-mode': '1', 'profile-level-id': '42e01f' } };
    expect(codecsMatch(codec(1, 'H264', 90000, { 'packetization-mode': '1', 'profile-level-id': '42e034' }), cap)).toBe(true);
    expect(codecsMatch(codec(1, 'H264', 90000, { 'packetization-mode': '1', 'profile-level-id': '4de01f' }), cap)).toBe(true);
    expect(codecsMatch(codec(1, 'H264', 90000, { 'packetization-mode': '0', 'profile-level-id': '42e01f' }), cap)).toBe(false);
    expect(codecsMatch(codec(1, 'H264', 90000, { 'profile-level-id': '42e01f' }), cap)).toBe(false);
    expect(codecsMatch(codec(1, 'H264', 90000, { 'packetization-mode': '1', 'profile-level-id': '42001f' }), cap)).toBe(false);
    expect(codecsMatch(codec(1, 'H264', 90000, { 'packetization-mode': '1', 'profile-level-id': '640c1f' }), cap)).toBe(false);
    expect(codecsMatch(codec(1, 'H264', 90000, { 'packetization-mode': '1', 'profile-level-id': 'junk' }), cap)).toBe(false);
  });
  it('VP9 profile-id and AV1 profile', () => {
    expect(codecsMatch(codec(98, 'VP9', 90000, { 'profile-id': '0' }), { name: 'VP9', clockRate: 90000 })).toBe(true);
    expect(codecsMatch(codec(100, 'VP9', 90000, { 'profile-id': '2' }), { name: 'VP9', clockRate: 90000, parameters: { 'profile-id': '0' } })).toBe(false);
    expect(codecsMatch(codec(45, 'AV1', 90000, { profile: '1' }), { name: 'AV1', clockRate: 90000 })).toBe(false);
  });
  it('H.264 answer level: local level when both allow asymmetry, else the lower', () => {
    const offer = (pli: string, asym: boolean): Codec => codec(102, 'H264', 90000, { ...(asym ? { 'level-asymmetry-allowed': '1' } : {}), 'packetization-mode': '1', 'profile-level-id': pli });
    const local = (pli: string, asym: boolean) => [{ name: 'H264', clockRate: 90000, parameters: { ...(asym ? { 'level-asymmetry-allowed': '1' } : {}), 'packetization-mode': '1', 'profile-level-id': pli } }];
    const pli = (o: Codec, l: ReturnType<typeof local>): string | undefined => negotiateCodecs([o], [], l)[0]!.parameters['profile-level-id'];
    expect(pli(offer('42e01f', true), local('42e034', true))).toBe('42e034');
    expect(pli(offer('42e01f', false), local('42e034', true))).toBe('42e01f');
    expect(pli(offer('42e034', false), local('42e00b', false))).toBe('42e00b');
    expect(pli(offer('42e00b', true), local('42f00b', false))).toBe('42f00b'); // 1b < 1.1
  });
  it('feedback: offered (per codec and *) ∩ local, no repeats', () => {
    const o = { ...codec(96, 'VP8', 90000), feedback: [{ type: 'nack' }, { type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'goog-remb' }] };
    const got = negotiateCodecs([o], [{ type: 'transport-cc' }, { type: 'ccm', parameter: 'fir' }], [
      { name: 'VP8', clockRate: 90000, feedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'transport-cc' }] },
    ]);
    expect(got[0]!.feedback).toEqual([{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'transport-cc' }]);
  });
  it('rtx follows its apt; audio RED follows the formats it names', () => {
    const offered = [codec(96, 'VP8', 90000), codec(97, 'rtx', 90000, { apt: '96' }), codec(98, 'VP9', 90000), codec(99, 'rtx', 90000, { apt: '98', 'rtx-time': '200' })];
    expect(negotiateCodecs(offered, [], [{ name: 'VP8', clockRate: 90000 }, { name: 'rtx', clockRate: 90000 }]).map((c) => c.payloadType)).toEqual([96, 97]);
    expect(negotiateCodecs(offered, [], [{ name: 'VP8', clockRate: 90000 }]).map((c) => c.payloadType)).toEqual([96]);
    const withTime = negotiateCodecs(offered, [], [{ name: 'VP9', clockRate: 90000 }, { name: 'rtx', clockRate: 90000 }]);
    expect(withTime.map((c) => [c.payloadType, { ...c.parameters }])).toEqual([[98, {}], [99, { apt: '98', 'rtx-time': '200' }]]);
    const audio = [codec(111, 'opus', 48000, {}, 2), codec(63, 'red', 48000, { '111/111': '' }, 2), codec(0, 'PCMU', 8000)];
    const caps = [{ name: 'opus', clockRate: 48000, channels: 2 }, { name: 'red', clockRate: 48000, channels: 2 }];
    expect(negotiateCodecs(audio, [], caps).map((c) => c.payloadType)).toEqual([111, 63]);
    expect(negotiateCodecs(audio, [], caps.slice(1)).map((c) => c.payloadType)).toEqual([]);
  });
  it('header extensions: offered ids, local URIs, directions negotiated', () => {
    const got = negotiateHeaderExtensions(
      [{ id: 3, uri: 'urn:ietf:params:rtp-hdrext:sdes:mid' }, { id: 6, direction: 'recvonly', uri: 'urn:x:playout' }, { id: 7, uri: 'urn:x:unknown' }],
      [{ uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 1 }, { uri: 'urn:x:playout' }],
    );
    expect(got).toEqual([{ id: 3, uri: 'urn:ietf:params:rtp-hdrext:sdes:mid' }, { id: 6, direction: 'sendonly', uri: 'urn:x:playout' }]);
  });
});

describe('answering the real Chromium offer', () => {
  const offer = parse(vector('chromium-offer-av-data.sdp'));
  const answer = createAnswer(offer, session, choose());
  const chromiumAnswer = parse(vector('chromium-answer-av-data.sdp'));

  it('keeps mids, kinds and protocols, and the BUNDLE group', () => {
    expect(answer.media.map((m) => [m.mid, m.kind, m.protocol])).toEqual(offer.media.map((m) => [m.mid, m.kind, m.protocol]));
    expect(answer.groups).toEqual([{ semantics: 'BUNDLE', mids: ['0', '1', '2'] }]);
    expect(answer.groups).toEqual(chromiumAnswer.groups);
  });

  it('audio: offer payload types, offer order, local fmtp', () => {
    const a = answer.media[0]!;
    expect(a.formats).toEqual(['111', '0', '8', '110', '126']);
    expect(a.codecs[0]).toEqual({ payloadType: 111, name: 'opus', clockRate: 48000, channels: 2, parameters: { minptime: '10', useinbandfec: '1' }, feedback: [{ type: 'transport-cc' }] });
    expect(a.formats.every((pt) => chromiumAnswer.media[0]!.formats.includes(pt))).toBe(true);
    expect(a.extmaps.map((e) => e.id)).toEqual([1, 2, 3, 4]);
  });

  it('audio: telephone-event at 48 kHz and 8 kHz (RFC 4733) answered as Chromium answers it, and offered the same way', () => {
    const events = (m: MediaSection) => m.codecs.filter((c) => c.name === 'telephone-event').map((c) => [c.payloadType, c.clockRate, c.parameters]);
    expect(events(answer.media[0]!)).toEqual([[110, 48000, {}], [126, 8000, {}]]);
    expect(events(answer.media[0]!)).toEqual(events(chromiumAnswer.media[0]!));
    // Our own offer lists them as Chromium's offer does: same payload types and rates, no fmtp.
    const ours = assignPayloadTypes(defaultAudioCapabilities().codecs).filter((c) => c.name === 'telephone-event');
    expect(ours.map((c) => [c.payloadType, c.clockRate, c.parameters])).toEqual(events(offer.media[0]!));
  });

  it('video: Baseline and Main H.264, AV1, VP9 profile 2, RED and FEC fall out; RTX follows', () => {
    const v = answer.media[1]!;
    expect(v.formats).toEqual(['96', '97', '108', '109', '114', '115', '98', '99']);
    expect(v.codecs.find((c) => c.payloadType === 109)!.parameters).toEqual({ apt: '108' });
    expect(v.codecs.find((c) => c.payloadType === 114)!.parameters).toEqual({ 'level-asymmetry-allowed': '1', 'packetization-mode': '0', 'profile-level-id': '42e01f' });
    expect(v.extmaps.map((e) => e.id)).toEqual([2, 3, 4, 10, 11]);
    expect(v.formats.every((pt) => chromiumAnswer.media[1]!.formats.includes(pt))).toBe(true);
  });

  it('transport: active setup, ICE/DTLS everywhere, candidates only in the tagged section, as Chromium answers', () => {
    expect(answer.media.map((m) => m.setup)).toEqual(chromiumAnswer.media.map((m) => m.setup));
    expect(answer.media.map((m) => m.candidates.length > 0)).toEqual(chromiumAnswer.media.map((m) => m.candidates.length > 0));
    expect(answer.media.map((m) => m.port)).toEqual([53143, 9, 9]);
    expect(answer.media[0]!.connection).toEqual({ netType: 'IN', addressType: 'IP4', address: '127.0.0.1' });
    expect(answer.media.every((m) => m.iceUfrag === 'Kf4z' && m.fingerprints[0]!.value === FP.value)).toBe(true);
    expect(answer.media.map((m) => [m.rtcpMux, m.rtcpRsize])).toEqual([[true, true], [true, true], [false, false]]);
  });

  it('data channel: sctp-port and max-message-size', () => {
    const d = answer.media[2]!;
    expect([d.port, d.formats, d.sctpPort, d.maxMessageSize]).toEqual([9, ['webrtc-datachannel'], 5000, 262144]);
    expect(write(answer)).toContain('\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n');
  });

  it('recvonly answerer answers recvonly like Chromium did, without msid', () => {
    const recv = createAnswer(offer, session, (m) => ({ ...choose('recvonly')(m), msid: { streamId: 's', trackId: 't' } }));
    expect(recv.media.map((m) => m.direction)).toEqual(chromiumAnswer.media.map((m) => m.direction));
    expect(recv.media[0]!.msids).toEqual([]);
    const send = createAnswer(offer, session, (m) => ({ ...choose('sendonly')(m), msid: { streamId: 's', trackId: 't' } }));
    expect(send.media[0]!.direction).toBe('sendonly');
    expect(send.media[0]!.msids).toEqual([{ streamId: 's', trackId: 't' }]);
  });

  it('writes and reads back to the same model', () => {
    expect(parse(write(answer))).toEqual(answer);
  });
});

describe('rejection and BUNDLE', () => {
  const offer = parse(vector('chromium-offer-av-data.sdp'));

  it('a rejected section has port 0, the offer formats, the mid, and leaves the BUNDLE group', () => {
    const answer = createAnswer(offer, session, (m) => (m.kind === 'audio' ? 'reject' : choose()(m)));
    const a = answer.media[0]!;
    expect([a.port, a.formats, a.mid, a.iceUfrag, a.codecs.length, a.candidates.length]).toEqual([0, offer.media[0]!.formats, '0', undefined, 0, 0]);
    expect(answer.groups).toEqual([{ semantics: 'BUNDLE', mids: ['1', '2'] }]);
    // The tag moves to the first accepted section: it alone has candidates.
    expect(answer.media.map((m) => m.candidates.length)).toEqual([0, 1, 0]);
    expect(write(answer)).toContain('\r\nm=audio 0 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126\r\n');
  });

  it('no common codec rejects', () => {
    const s = answerMediaSection(offer, offer.media[1]!, { transport, capabilities: { codecs: [{ name: 'H265', clockRate: 90000 }, { name: 'rtx', clockRate: 90000 }], headerExtensions: [] } });
    expect(s.port).toBe(0);
  });

  it('a section the offerer rejected stays rejected; unknown protocols are rejected', () => {
    const rejected = { ...offer.media[0]!, port: 0 };
    expect(answerMediaSection(offer, rejected, choose()(rejected)).port).toBe(0);
    const plain = { ...offer.media[0]!, protocol: 'RTP/AVP' };
    expect(answerMediaSection(offer, plain, choose()(plain)).port).toBe(0);
  });
});

describe('answering other peers', () => {
  it('Firefox (hand-written): bundle-only sections accepted, simulcast mirrored, session fingerprint used', () => {
    const offer = parse(vector('firefox-offer-handwritten.sdp'));
    const answer = createAnswer(offer, session, choose());
    expect(answer.media.map((m) => m.port)).toEqual([53143, 9, 9]);
    expect(answer.groups).toEqual([{ semantics: 'BUNDLE', mids: ['0', '1', '2'] }]);
    const v = answer.media[1]!;
    // 97 has no packetization-mode: mode 0, which the local H.264 pm=0 format matches.
    expect(v.formats).toEqual(['120', '124', '121', '125', '126', '127', '97', '98']);
    expect({ ...v.codecs.find((c) => c.payloadType === 97)!.parameters }).toEqual({ 'profile-level-id': '42e01f', 'level-asymmetry-allowed': '1' });
    expect(v.direction).toBe('sendrecv');
    expect(v.rids.map((r) => [r.id, r.direction])).toEqual([['a', 'recv'], ['b', 'recv']]);
    expect(v.simulcast).toEqual({ recv: [[{ rid: 'a', paused: false }], [{ rid: 'b', paused: false }]] });
    // telephone-event/8000 (a=fmtp:101 0-15) is kept; the answer's fmtp is left out, which means 0-15 (RFC 4733 §2.4.1).
    expect(answer.media[0]!.formats).toEqual(['109', '0', '8', '101']);
    expect(answer.media[2]!.bundleOnly).toBe(false);
    expect(parse(write(answer))).toEqual(answer);
  });

  it('aiortc: legacy DTLS/SCTP answered in kind, with sctpmap', () => {
    const offer = parse(vector('aiortc-offer.sdp'));
    const answer = createAnswer(offer, session, choose());
    const d = answer.media[2]!;
    expect([d.protocol, d.formats, d.sctpPort]).toEqual(['DTLS/SCTP', ['5000'], undefined]);
    expect(d.otherLines).toEqual(['a=sctpmap:5000 webrtc-datachannel 65535']);
    expect(answer.media[1]!.formats).toEqual(['97', '98', '101', '102']);
  });

  it('libdatachannel: session-level fingerprint, media-level actpass; Pion: component 2 offered, answered', () => {
    const ldc = createAnswer(parse(vector('libdatachannel-offer.sdp')), session, choose());
    expect([ldc.media[0]!.setup, ldc.media[0]!.sctpPort]).toEqual(['active', 5000]);
    const pion = createAnswer(parse(vector('pion-offer.sdp')), session, choose());
    expect(pion.media.map((m) => m.port !== 0)).toEqual([true, true, true]);
    expect(pion.media[0]!.formats).toEqual(['111', '0', '8']);
    expect(pion.media[1]!.codecs.find((c) => c.payloadType === 96)!.feedback).toEqual([
      { type: 'goog-remb' }, { type: 'ccm', parameter: 'fir' }, { type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'transport-cc' },
    ]);
  });

  it('werift and libwebrtc offers are answered with every section accepted', () => {
    for (const name of ['werift-offer.sdp', 'libwebrtc-wrtc-offer.sdp']) {
      const answer = createAnswer(parse(vector(name)), session, choose());
      expect(answer.media.every((m) => m.port !== 0 && m.setup === 'active')).toBe(true);
    }
  });
});

describe('offers', () => {
  const offer = createOffer(session, [
    createRtpOfferSection({ kind: 'audio', mid: '0', capabilities: defaultAudioCapabilities(), transport, msid: { streamId: 's', trackId: 'a' }, ssrcs: [{ ssrc: 1, attribute: 'cname', value: 'c' }] }),
    createRtpOfferSection({ kind: 'video', mid: '1', capabilities: defaultVideoCapabilities(), transport, direction: 'recvonly', msid: { streamId: 's', trackId: 'v' }, withoutCandidates: true }),
    createDataChannelOfferSection({ mid: '2', transport, withoutCandidates: true }),
  ]);
  const text = write(offer);

  it('writes what WebRTC peers expect', () => {
    for (const l of [
      'a=group:BUNDLE 0 1 2', 'a=extmap-allow-mixed', 'a=msid-semantic: WMS',
      'm=audio 53143 UDP/TLS/RTP/SAVPF 111 0 8 110 126', 'a=rtpmap:110 telephone-event/48000', 'a=rtpmap:126 telephone-event/8000', 'c=IN IP4 127.0.0.1', 'a=setup:actpass', 'a=rtcp-mux', 'a=rtcp-rsize',
      'a=rtpmap:111 opus/48000/2', 'a=fmtp:111 minptime=10;useinbandfec=1', 'a=msid:s a', 'a=ssrc:1 cname:c',
      'm=video 9 UDP/TLS/RTP/SAVPF 96 97 102 99 104 100 98 101', 'a=recvonly', 'a=fmtp:97 apt=96', 'a=fmtp:101 apt=98',
      'a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
      'm=application 9 UDP/DTLS/SCTP webrtc-datachannel', 'a=sctp-port:5000', 'a=max-message-size:262144',
      `a=fingerprint:sha-256 ${FP.value}`, 'a=ice-options:trickle',
      'a=candidate:2353427780 1 udp 2122194687 127.0.0.1 53143 typ host generation 0',
    ]) expect(text.split('\r\n')).toContain(l);
    expect(text).not.toContain('a=msid:s v'); // recvonly does not send
  });

  it('reads back to the same model', () => {
    expect(parse(text)).toEqual(offer);
  });

  it('answering our own offer keeps every codec', () => {
    const answer = createAnswer(parse(text), session, choose());
    expect(answer.media.map((m) => m.formats)).toEqual(offer.media.map((m) => m.formats));
    expect(answer.media[1]!.direction).toBe('sendonly');
  });

  it('bundle-only sections have port 0 and are in the group', () => {
    const s = createDataChannelOfferSection({ mid: 'd', transport, bundleOnly: true });
    const o = createOffer(session, [createRtpOfferSection({ kind: 'audio', mid: 'a', capabilities: defaultAudioCapabilities(), transport }), s]);
    expect([s.port, s.bundleOnly, s.candidates.length]).toEqual([0, true, 0]);
    expect(o.groups).toEqual([{ semantics: 'BUNDLE', mids: ['a', 'd'] }]);
  });

  it('refuses sections without mid, repeated mids, no codecs', () => {
    const a = createDataChannelOfferSection({ mid: 'x', transport });
    expect(() => createOffer(session, [a, { ...a }])).toThrow(SdpError);
    const { mid: _mid, ...noMid } = a;
    expect(() => createOffer(session, [noMid as MediaSection])).toThrow(SdpError);
    expect(() => createRtpOfferSection({ kind: 'audio', mid: '0', capabilities: { codecs: [], headerExtensions: [] }, transport })).toThrow(SdpError);
  });
});

describe('assignPayloadTypes', () => {
  it('keeps free preferred payload types, fills the rest from 96 up, adds RTX per video codec', () => {
    const got = assignPayloadTypes([
      { name: 'VP8', clockRate: 90000, payloadType: 96 },
      { name: 'VP9', clockRate: 90000, payloadType: 96 },
      { name: 'ulpfec', clockRate: 90000 },
      { name: 'rtx', clockRate: 90000 },
    ]);
    expect(got.map((c) => [c.payloadType, c.name, c.parameters['apt']])).toEqual([
      [96, 'VP8', undefined], [97, 'rtx', '96'], [98, 'VP9', undefined], [99, 'rtx', '98'], [100, 'ulpfec', undefined],
    ]);
  });
  it('runs out with an SdpError, not a crash', () => {
    const many = Array.from({ length: 70 }, (_, i) => ({ name: `c${i}`, clockRate: 90000 }));
    expect(() => assignPayloadTypes(many)).toThrow(SdpError);
  });
});

describe('edge rules', () => {
  it('a session-level direction applies to sections without their own', () => {
    const offer = parse(vector('chromium-offer-av-data.sdp'));
    offer.direction = 'sendonly';
    for (const m of offer.media) delete m.direction;
    const answer = createAnswer(offer, session, choose());
    expect(answer.media.slice(0, 2).map((m) => m.direction)).toEqual(['recvonly', 'recvonly']);
  });

  it('the default candidate must be an IP address: an mDNS host leaves port 9 and 0.0.0.0', () => {
    const mdns: TransportDescription = { ...transport, candidates: [parseCandidate('candidate:1 1 udp 2122252543 3b3bd9de-3f6a-4f3c-9a63-0f7f3c8b2f1e.local 49603 typ host')] };
    const s = createDataChannelOfferSection({ mid: '0', transport: mdns });
    expect([s.port, s.connection?.address, s.candidates.length]).toEqual([9, '0.0.0.0', 1]);
    const v6: TransportDescription = { ...transport, candidates: [parseCandidate('candidate:1 1 udp 2122252543 ::1 5000 typ host')] };
    expect(createDataChannelOfferSection({ mid: '0', transport: v6 }).connection).toEqual({ netType: 'IN', addressType: 'IP6', address: '::1' });
  });

  it('extension ids: preferred ones kept, clashes moved to free ones, bad ones refused', () => {
    const s = createRtpOfferSection({
      kind: 'audio', mid: '0', transport, capabilities: { codecs: [{ name: 'opus', clockRate: 48000, channels: 2 }],
        headerExtensions: [{ uri: 'urn:a', id: 1 }, { uri: 'urn:b', id: 1 }, { uri: 'urn:c' }, { uri: 'urn:d', id: 2 }] },
    });
    expect(s.extmaps.map((e) => [e.id, e.uri])).toEqual([[1, 'urn:a'], [3, 'urn:b'], [4, 'urn:c'], [2, 'urn:d']]);
    expect(() => createRtpOfferSection({ kind: 'audio', mid: '0', transport, capabilities: { codecs: [{ name: 'opus', clockRate: 48000 }], headerExtensions: [{ uri: 'urn:a', id: 0 }] } })).toThrow(SdpError);
    expect(() => assignPayloadTypes([{ name: 'opus', clockRate: 48000, payloadType: 128 }])).toThrow(SdpError);
  });
});

describe('sctpParameters (RFC 8841)', () => {
  it('reads every peer: sctp-port, legacy sctpmap port, max-message-size with the 64 KiB default', () => {
    const of = (name: string): ReturnType<typeof sctpParameters> => sctpParameters(parse(vector(name)).media.find((m) => m.kind === 'application')!);
    expect(of('chromium-offer-av-data.sdp')).toEqual({ port: 5000, maxMessageSize: 262144 });
    expect(of('aiortc-offer.sdp')).toEqual({ port: 5000, maxMessageSize: 65536 });
    expect(of('pion-offer.sdp')).toEqual({ port: 5000, maxMessageSize: 65536 });
    expect(of('firefox-offer-handwritten.sdp')).toEqual({ port: 5000, maxMessageSize: 1073741823 });
    const d = createDataChannelOfferSection({ mid: '0', transport, sctpPort: 5001, maxMessageSize: 0 });
    expect(sctpParameters(d)).toEqual({ port: 5001, maxMessageSize: Infinity });
    expect(sctpParameters(parse(vector('chromium-offer-av-data.sdp')).media[0]!)).toBeUndefined();
  });
});

describe('rid pt= restrictions in answers', () => {
  it('keep only payload types the answer kept', () => {
    const offer = parse(vector('firefox-offer-handwritten.sdp'));
    offer.media[1]!.rids[0]!.payloadTypes = [120, 97, 5];
    const answer = createAnswer(offer, session, (m) => ({ ...choose()(m), capabilities: { codecs: [{ name: 'VP8', clockRate: 90000 }], headerExtensions: [] } }));
    expect(answer.media[1]!.rids[0]).toMatchObject({ id: 'a', direction: 'recv', payloadTypes: [120] });
    expect(answer.media[1]!.rids[1]!.payloadTypes).toBeUndefined();
    expect(parse(write(answer))).toEqual(answer);
  });
});

describe('static payload types without rtpmap (RFC 3551)', () => {
  it('are negotiated by their static names and answered with rtpmap lines', () => {
    const offer = parse([
      'v=0', 'o=- 1 1 IN IP4 0.0.0.0', 's=-', 't=0 0',
      'm=audio 9 UDP/TLS/RTP/SAVPF 0 8 9', 'a=mid:a', 'a=setup:actpass', 'a=sendonly',
    ].join('\r\n'));
    expect(offer.media[0]!.codecs).toEqual([]);
    const answer = answerMediaSection(offer, offer.media[0]!, choose()(offer.media[0]!));
    expect(answer.formats).toEqual(['0', '8']);
    expect(answer.direction).toBe('recvonly');
    expect(write({ ...offer, media: [answer] })).toContain('\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n');
  });
});

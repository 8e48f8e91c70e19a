import sdpTransform from 'sdp-transform';
import { describe, expect, it } from 'vitest';
import { bundleGroups, effectiveTransport, parse, payloadTypes, write, type SessionDescription } from '../src/index.js';
import { vector, vectorNames } from './helpers.js';

const roundTrip = (sd: SessionDescription): SessionDescription => parse(write(sd));

describe('every vector', () => {
  it.each(vectorNames())('%s: parse → write → parse gives the same model', (name) => {
    const sd = parse(vector(name));
    const text = write(sd);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.includes('\n') && !/[^\r]\n/.test(text)).toBe(true);
    expect(roundTrip(sd)).toEqual(sd);
    // Writing is a fixed point after one pass.
    expect(write(parse(text))).toBe(text);
  });

  it.each(vectorNames())('%s: nothing is lost (every input line is in the output, up to case/spacing)', (name) => {
    const norm = (l: string): string => l.replace(/\s+$/, '').toLowerCase();
    const input = vector(name).split(/\r\n/).filter((l) => l.length > 0).map(norm);
    const output = new Set(write(parse(vector(name))).split('\r\n').map(norm));
    // Lines the writer normalises: ice-options separators, msid-semantic spacing, rtpmap /1 stays.
    const missing = input.filter((l) => !output.has(l) && !l.startsWith('a=ice-options:') && !l.startsWith('a=msid-semantic:'));
    expect(missing).toEqual([]);
  });

  it.each(vectorNames())('%s: agrees with sdp-transform on mids, payload types, rtpmaps and candidates', (name) => {
    const text = vector(name);
    const ours = parse(text);
    const theirs = sdpTransform.parse(text);
    expect(ours.media.length).toBe(theirs.media.length);
    ours.media.forEach((m, i) => {
      const t = theirs.media[i]!;
      expect(m.kind).toBe(t.type);
      expect(m.port).toBe(t.port);
      expect(m.protocol).toBe(t.protocol);
      expect(m.mid).toBe(t.mid === undefined ? undefined : String(t.mid));
      const rtpmaps = (t.rtp ?? []).map((r) => [r.payload, r.codec, r.rate, r.encoding]);
      const ourRtpmaps = m.codecs
        .filter((c) => (t.rtp ?? []).some((r) => r.payload === c.payloadType))
        .map((c) => [c.payloadType, c.name, c.clockRate, c.channels]);
      expect(new Set(ourRtpmaps.map((x) => JSON.stringify(x)))).toEqual(new Set(rtpmaps.map((x) => JSON.stringify(x))));
      expect(m.candidates.map((c) => [c.foundation, c.component, c.address, c.port, c.type])).toEqual(
        (t.candidates ?? []).map((c) => [String(c.foundation), c.component, c.ip, c.port, c.type]),
      );
      expect(m.extmaps.map((e) => [e.id, e.uri])).toEqual((t.ext ?? []).map((e) => [e.value, e.uri]));
    });
  });
});

describe('Chromium offer (audio, video, data, BUNDLE)', () => {
  const sd = parse(vector('chromium-offer-av-data.sdp'));

  it('reads the session part', () => {
    expect(sd.origin.sessionId).toBe(1964629581410644311n);
    expect(sd.origin.sessionVersion).toBe(2n);
    expect(sd.origin.address).toBe('127.0.0.1');
    expect(bundleGroups(sd)).toEqual([{ semantics: 'BUNDLE', mids: ['0', '1', '2'] }]);
    expect(sd.extmapAllowMixed).toBe(true);
    expect(sd.msidSemantic).toEqual({ semantic: 'WMS', identifiers: ['1831f030-c010-4572-8d6a-1f0d894d357c'] });
  });

  it('reads the audio section', () => {
    const a = sd.media[0]!;
    expect([a.kind, a.port, a.protocol, a.mid, a.direction]).toEqual(['audio', 33886, 'UDP/TLS/RTP/SAVPF', '0', 'sendrecv']);
    expect(payloadTypes(a)).toEqual([111, 63, 9, 0, 8, 13, 110, 126]);
    expect(a.iceUfrag).toBe('NQCu');
    expect(a.icePwd).toBe('eK4dL0ra0r99QtFdbyKyKqQ2');
    expect(a.iceOptions).toEqual(['trickle']);
    expect(a.fingerprints).toEqual([{ algorithm: 'sha-256', value: '8D:25:24:58:7E:CE:8A:82:13:23:BF:11:B2:A8:B0:06:1A:F9:40:9E:B2:F0:0B:CF:37:A0:89:48:68:E2:4D:F8' }]);
    expect(a.setup).toBe('actpass');
    expect([a.rtcpMux, a.rtcpRsize]).toEqual([true, true]);
    expect(a.codecs[0]).toEqual({ payloadType: 111, name: 'opus', clockRate: 48000, channels: 2, parameters: { minptime: '10', useinbandfec: '1' }, feedback: [{ type: 'transport-cc' }] });
    expect(a.codecs[1]).toMatchObject({ payloadType: 63, name: 'red', clockRate: 48000, channels: 2, parameters: { '111/111': '' } });
    expect(a.extmaps[3]).toEqual({ id: 4, uri: 'urn:ietf:params:rtp-hdrext:sdes:mid' });
    expect(a.msids).toEqual([{ streamId: '1831f030-c010-4572-8d6a-1f0d894d357c', trackId: '95c88abe-1812-45f7-9389-b44de4740e5e' }]);
    expect(a.ssrcs).toEqual([
      { ssrc: 3820547931, attribute: 'cname', value: 'EHu202YcZMnWr9oU' },
      { ssrc: 3820547931, attribute: 'msid', value: '1831f030-c010-4572-8d6a-1f0d894d357c 95c88abe-1812-45f7-9389-b44de4740e5e' },
    ]);
    expect(a.otherLines).toEqual(['a=rtcp:9 IN IP4 0.0.0.0', 'a=rtcp-xr:rcvr-rtt=all']);
    expect(a.candidates).toHaveLength(8);
    expect(a.candidates[4]).toMatchObject({ transport: 'tcp', address: '127.0.0.1', port: 9, tcpType: 'active', networkId: 3, networkCost: 50 });
    expect(a.candidates[2]).toMatchObject({ foundation: '334321844', priority: 2122267903, address: '::1', port: 60146, generation: 0 });
  });

  it('reads the video section: 23 formats, H.264 fmtp, RTX apt, FID group', () => {
    const v = sd.media[1]!;
    expect(v.codecs.map((c) => c.payloadType)).toEqual([96, 97, 102, 103, 104, 107, 108, 109, 114, 115, 116, 117, 39, 40, 45, 46, 98, 99, 100, 101, 118, 119, 120]);
    const h264 = v.codecs.find((c) => c.payloadType === 102)!;
    expect(h264.parameters).toEqual({ 'level-asymmetry-allowed': '1', 'packetization-mode': '1', 'profile-level-id': '42001f' });
    expect(h264.feedback).toEqual([{ type: 'goog-remb' }, { type: 'transport-cc' }, { type: 'ccm', parameter: 'fir' }, { type: 'nack' }, { type: 'nack', parameter: 'pli' }]);
    expect(v.codecs.find((c) => c.payloadType === 97)!.parameters).toEqual({ apt: '96' });
    expect(v.codecs.find((c) => c.payloadType === 45)!.name).toBe('AV1');
    expect(v.ssrcGroups).toEqual([{ semantics: 'FID', ssrcs: [3962315765, 620069610] }]);
    expect(v.extmaps.map((e) => e.id)).toEqual([14, 2, 13, 3, 5, 6, 7, 8, 4, 10, 11]);
  });

  it('reads the data channel section', () => {
    const d = sd.media[2]!;
    expect([d.kind, d.protocol, d.formats, d.sctpPort, d.maxMessageSize]).toEqual(['application', 'UDP/DTLS/SCTP', ['webrtc-datachannel'], 5000, 262144]);
    expect(d.codecs).toEqual([]);
  });
});

describe('Chromium answer', () => {
  const sd = parse(vector('chromium-answer-av-data.sdp'));
  it('has setup active, recvonly media and no candidates after the first section', () => {
    expect(sd.media.map((m) => m.setup)).toEqual(['active', 'active', 'active']);
    expect(sd.media.map((m) => m.direction)).toEqual(['recvonly', 'recvonly', undefined]);
    expect(sd.media.map((m) => m.candidates.length)).toEqual([4, 0, 0]);
    expect(sd.media[1]!.port).toBe(9);
    expect(sd.msidSemantic).toEqual({ semantic: 'WMS', identifiers: [] });
  });
});

describe('other peers', () => {
  it('libwebrtc (wrtc): msid with "-" stream, TCP passive candidates', () => {
    const sd = parse(vector('libwebrtc-wrtc-offer.sdp'));
    expect(sd.media[0]!.msids).toEqual([{ streamId: '-', trackId: 'b000cd04-b0be-4243-8698-d0ac3887c41f' }]);
    expect(sd.media[0]!.candidates.filter((c) => c.tcpType === 'passive').map((c) => c.port)).toEqual([40785, 52379, 45203, 40305]);
    expect(sd.media[0]!.codecs.map((c) => c.name)).toContain('ISAC');
    expect(sd.media[1]!.ssrcGroups[0]).toEqual({ semantics: 'FID', ssrcs: [1003053355, 3473135328] });
  });

  it('libdatachannel: session-level fingerprint, "ice2,trickle", upper-case UDP', () => {
    const sd = parse(vector('libdatachannel-offer.sdp'));
    expect(sd.iceOptions).toEqual(['ice2', 'trickle']);
    expect(sd.fingerprints[0]!.value.startsWith('F9:07:E3')).toBe(true);
    const m = sd.media[0]!;
    expect(m.fingerprints).toEqual([]);
    expect(effectiveTransport(sd, m)).toMatchObject({ iceUfrag: 'Gsz9', icePwd: 'DFSXx6MUbOcnaq35+VewNy', setup: 'actpass', iceOptions: ['ice2', 'trickle'], fingerprints: sd.fingerprints });
    expect(m.candidates.map((c) => [c.transport, c.address])).toEqual([['udp', 'fd00::2'], ['udp', '192.0.2.2']]);
    expect(m.endOfCandidates).toBe(true);
    expect(m.direction).toBe('sendrecv');
  });

  it('werift: upper-case OPUS, candidates with ufrag', () => {
    const sd = parse(vector('werift-offer.sdp'));
    expect(sd.media[0]!.codecs[0]).toMatchObject({ payloadType: 96, name: 'OPUS', clockRate: 48000, channels: 2 });
    expect(sd.media[0]!.candidates[0]).toMatchObject({ foundation: '32b1715da3b0ef8ba684454eb', ufrag: 'dd0a', generation: 0 });
    expect(sd.media[2]!.maxMessageSize).toBe(65536);
  });

  it('aiortc: legacy DTLS/SCTP with sctpmap, per-section credentials', () => {
    const sd = parse(vector('aiortc-offer.sdp'));
    const d = sd.media[2]!;
    expect([d.protocol, d.formats, d.sctpPort]).toEqual(['DTLS/SCTP', ['5000'], undefined]);
    expect(d.otherLines).toContain('a=sctpmap:5000 webrtc-datachannel 65535');
    expect(sd.media.map((m) => m.iceUfrag)).toEqual(['GYTi', 'zT9L', 'k6vJ']);
    const h264 = sd.media[1]!.codecs.filter((c) => c.name === 'H264').map((c) => c.parameters['profile-level-id']);
    expect(h264).toEqual(['42001f', '42e01f']);
  });

  it('Pion: trailing spaces in rtcp-fb, component-2 candidates, repeated feedback kept', () => {
    const sd = parse(vector('pion-offer.sdp'));
    expect(sd.fingerprints).toHaveLength(1);
    const a = sd.media[0]!;
    expect(a.codecs[0]!.feedback).toEqual([{ type: 'transport-cc' }]);
    expect(a.candidates.map((c) => c.component)).toEqual([1, 2, 1, 2]);
    const vp8 = sd.media[1]!.codecs[0]!;
    expect(vp8.feedback.filter((f) => f.type === 'nack')).toHaveLength(4);
    expect(sd.media[2]!.direction).toBe('sendrecv');
  });

  it('Firefox (hand-written): mDNS host, srflx raddr 0.0.0.0, bundle-only, simulcast, rids', () => {
    const sd = parse(vector('firefox-offer-handwritten.sdp'));
    expect(sd.otherLines).toEqual([]);
    expect(sd.direction).toBe('sendrecv');
    expect(sd.msidSemantic).toEqual({ semantic: 'WMS', identifiers: ['*'] });
    const a = sd.media[0]!;
    expect(a.candidates[0]).toMatchObject({ address: '3b3bd9de-3f6a-4f3c-9a63-0f7f3c8b2f1e.local', type: 'host', transport: 'udp' });
    expect(a.candidates[2]).toMatchObject({ type: 'srflx', relatedAddress: '0.0.0.0', relatedPort: 0 });
    expect(a.extmaps[1]).toEqual({ id: 2, direction: 'recvonly', uri: 'urn:ietf:params:rtp-hdrext:csrc-audio-level' });
    expect(a.codecs.find((c) => c.payloadType === 9)).toMatchObject({ name: 'G722', channels: 1 });
    expect(a.codecs.find((c) => c.payloadType === 101)!.parameters).toEqual({ '0-15': '' });
    const v = sd.media[1]!;
    expect([v.port, v.bundleOnly]).toEqual([0, true]);
    expect(v.rids).toEqual([
      { id: 'a', direction: 'send', restrictions: {} },
      { id: 'b', direction: 'send', restrictions: { 'max-width': '640', 'max-height': '360' } },
    ]);
    expect(v.simulcast).toEqual({ send: [[{ rid: 'a', paused: false }], [{ rid: 'b', paused: false }]] });
    expect(sd.media[2]!.maxMessageSize).toBe(1073741823);
  });
});

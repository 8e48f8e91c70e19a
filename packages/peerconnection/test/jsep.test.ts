import { parse, type SessionDescription } from '@x/sdp';
import { afterEach, describe, expect, it } from 'vitest';
import { MediaStream, MediaStreamTrack, RTCPeerConnection, type RTCPeerConnection as PC } from '../src/index.js';
import { negotiate, noNetwork, rejection } from './helpers.js';

const open: PC[] = [];
function pc(config = {}): PC {
  const p = noNetwork.createPeerConnection(config);
  open.push(p);
  return p;
}
afterEach(() => {
  for (const p of open.splice(0)) p.close();
});

async function offerOf(p: PC, options = {}): Promise<SessionDescription> {
  return parse((await p.createOffer(options)).sdp!);
}

describe('createOffer', () => {
  it('offers a data channel section as RFC 8841 and JSEP want it', async () => {
    const a = pc();
    a.createDataChannel('x');
    const sd = await offerOf(a);
    expect(sd.media).toHaveLength(1);
    const m = sd.media[0]!;
    expect(m.kind).toBe('application');
    expect(m.protocol).toBe('UDP/DTLS/SCTP');
    expect(m.formats).toEqual(['webrtc-datachannel']);
    expect(m.sctpPort).toBe(5000);
    expect(m.maxMessageSize).toBe(262144);
    expect(m.setup).toBe('actpass');
    expect(m.mid).toBe('0');
    expect(m.iceUfrag).toMatch(/^[A-Za-z0-9+/]{4,}$/);
    expect(m.icePwd!.length).toBeGreaterThanOrEqual(22);
    expect(m.iceOptions).toContain('trickle');
    expect(sd.groups).toEqual([{ semantics: 'BUNDLE', mids: ['0'] }]);
  });

  it('writes the fingerprint of the configured certificate', async () => {
    const cert = await RTCPeerConnection.generateCertificate({ name: 'ECDSA', namedCurve: 'P-256' });
    const a = pc({ certificates: [cert] });
    a.createDataChannel('x');
    const sd = await offerOf(a);
    const fp = cert.getFingerprints()[0]!;
    expect(sd.media[0]!.fingerprints).toEqual([{ algorithm: 'sha-256', value: fp.value.toUpperCase() }]);
  });

  it('offers audio and video transceivers with codecs, rtcp-mux, directions and msid, bundled', async () => {
    const a = pc();
    const stream = new MediaStream();
    const track = new MediaStreamTrack('audio');
    a.addTrack(track, stream);
    a.addTransceiver('video', { direction: 'recvonly' });
    a.createDataChannel('x');
    const sd = await offerOf(a);
    expect(sd.media.map((m) => [m.kind, m.mid])).toEqual([['audio', '0'], ['video', '1'], ['application', '2']]);
    const [audio, video] = sd.media as [SessionDescription['media'][0], SessionDescription['media'][0]];
    expect(audio.protocol).toBe('UDP/TLS/RTP/SAVPF');
    expect(audio.direction).toBe('sendrecv');
    expect(audio.rtcpMux).toBe(true);
    expect(audio.codecs.map((c) => c.name)).toContain('opus');
    expect(audio.msids).toEqual([{ streamId: stream.id, trackId: track.id }]);
    expect(audio.ssrcs.some((s) => s.attribute === 'cname')).toBe(true);
    expect(video.direction).toBe('recvonly');
    expect(video.msids).toEqual([]);
    expect(video.codecs.map((c) => c.name)).toContain('VP8');
    expect(sd.groups[0]).toEqual({ semantics: 'BUNDLE', mids: ['0', '1', '2'] });
    // Every section carries the same ICE/DTLS parameters (one bundled transport).
    expect(new Set(sd.media.map((m) => m.iceUfrag)).size).toBe(1);
  });

  it('with max-bundle, marks later sections bundle-only in the first offer', async () => {
    const a = pc({ bundlePolicy: 'max-bundle' });
    a.addTransceiver('audio');
    a.createDataChannel('x');
    const sd = await offerOf(a);
    expect(sd.media[0]!.bundleOnly).toBe(false);
    expect(sd.media[1]!.bundleOnly).toBe(true);
    expect(sd.media[1]!.port).toBe(0);
  });

  it('assigns mids on setLocalDescription and keeps sections in order in re-offers', async () => {
    const a = pc();
    const b = pc();
    const t1 = a.addTransceiver('audio');
    a.createDataChannel('x');
    expect(t1.mid).toBeNull();
    await negotiate(a, b);
    expect(t1.mid).toBe('0');
    const t2 = a.addTransceiver('video');
    const sd = await offerOf(a);
    expect(sd.media.map((m) => [m.kind, m.mid])).toEqual([['audio', '0'], ['application', '1'], ['video', '2']]);
    expect(t2.mid).toBeNull();
    expect(sd.origin.sessionId).toBe(parse(a.currentLocalDescription!.sdp).origin.sessionId);
    expect(sd.origin.sessionVersion).toBeGreaterThan(parse(a.currentLocalDescription!.sdp).origin.sessionVersion);
  });

  it('rejects the section of a stopped transceiver in the next offer', async () => {
    const a = pc();
    const b = pc();
    const t = a.addTransceiver('audio');
    a.createDataChannel('x');
    await negotiate(a, b);
    t.stop();
    const sd = await offerOf(a);
    expect(sd.media[0]!.port).toBe(0);
    expect(sd.groups[0]!.mids).toEqual(['1']);
    await negotiate(a, b);
    expect(t.currentDirection).toBe('stopped');
    expect(a.getSenders()).toHaveLength(0);
  });

  it('makes new ICE credentials with iceRestart and keeps them until applied', async () => {
    const a = pc();
    const b = pc();
    a.createDataChannel('x');
    await negotiate(a, b);
    const before = parse(a.currentLocalDescription!.sdp).media[0]!;
    const same = await offerOf(a);
    expect(same.media[0]!.iceUfrag).toBe(before.iceUfrag);
    const restart = await offerOf(a, { iceRestart: true });
    expect(restart.media[0]!.iceUfrag).not.toBe(before.iceUfrag);
    expect(restart.media[0]!.icePwd).not.toBe(before.icePwd);
    await a.setLocalDescription();
    const applied = parse(a.localDescription!.sdp).media[0]!;
    expect(applied.iceUfrag).toBe(restart.media[0]!.iceUfrag);
    // The answerer follows with new credentials of its own (RFC 8445 §9).
    const bBefore = parse(b.currentLocalDescription!.sdp).media[0]!.iceUfrag;
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription();
    expect(parse(b.localDescription!.sdp).media[0]!.iceUfrag).not.toBe(bBefore);
    await a.setRemoteDescription(b.localDescription!);
    expect(a.signalingState).toBe('stable');
  });
});

describe('createAnswer', () => {
  it('answers with setup:active, the same mids and a BUNDLE of them', async () => {
    const a = pc();
    const b = pc();
    a.createDataChannel('x');
    a.addTransceiver('audio');
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription!);
    const sd = parse((await b.createAnswer()).sdp!);
    expect(sd.media.map((m) => m.mid)).toEqual(['0', '1']);
    expect(sd.media.every((m) => m.setup === 'active')).toBe(true);
    expect(sd.groups[0]).toEqual({ semantics: 'BUNDLE', mids: ['0', '1'] });
    // b made a recvonly transceiver for the remote audio; the answer says recvonly.
    const audio = sd.media.find((m) => m.kind === 'audio')!;
    expect(audio.direction).toBe('recvonly');
    expect(b.getTransceivers()[0]!.mid).toBe(audio.mid);
    expect(b.getTransceivers()[0]!.direction).toBe('recvonly');
  });

  it('fires track for a remote section that sends', async () => {
    const a = pc();
    const b = pc();
    const stream = new MediaStream();
    a.addTrack(new MediaStreamTrack('video'), stream);
    await a.setLocalDescription();
    const track = new Promise<Event>((resolve) => (b.ontrack = resolve));
    await b.setRemoteDescription(a.localDescription!);
    const e = (await track) as unknown as { track: MediaStreamTrack; streams: MediaStream[]; transceiver: { mid: string } };
    expect(e.track.kind).toBe('video');
    expect(e.streams.map((s) => s.id)).toEqual([stream.id]);
    expect(e.transceiver.mid).toBe('0');
  });

  it('reuses an addTrack transceiver for a remote offer of the same kind', async () => {
    const a = pc();
    const b = pc();
    a.addTransceiver('audio');
    const sender = b.addTrack(new MediaStreamTrack('audio'));
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription!);
    expect(b.getTransceivers()).toHaveLength(1);
    expect(b.getTransceivers()[0]!.sender).toBe(sender);
    const sd = parse((await b.createAnswer()).sdp!);
    expect(sd.media[0]!.direction).toBe('sendrecv');
  });

  it('answers the DTLS role of an established association again in a renegotiation', async () => {
    const a = pc();
    const b = pc();
    a.createDataChannel('x');
    await negotiate(a, b);
    // Now b offers; a answers and must stay the DTLS server (passive), as it was.
    await b.setLocalDescription({ type: 'offer', sdp: (await b.createOffer()).sdp! });
    await a.setRemoteDescription(b.localDescription!);
    const sd = parse((await a.createAnswer()).sdp!);
    expect(sd.media[0]!.setup).toBe('passive');
  });
});

describe('transceivers', () => {
  it('validates addTransceiver and direction', () => {
    const a = pc();
    expect(() => a.addTransceiver('text' as 'audio')).toThrow(TypeError);
    expect(() => a.addTransceiver('audio', { direction: 'sideways' as 'sendrecv' })).toThrow(TypeError);
    const t = a.addTransceiver('audio');
    expect(() => {
      t.direction = 'bogus' as 'sendrecv';
    }).toThrow(TypeError);
    t.stop();
    expect(() => {
      t.direction = 'sendonly';
    }).toThrow(DOMException);
  });

  it('refuses a track added twice and a foreign sender', async () => {
    const a = pc();
    const b = pc();
    const track = new MediaStreamTrack('audio');
    a.addTrack(track);
    expect(() => a.addTrack(track)).toThrow(expect.objectContaining({ name: 'InvalidAccessError' }));
    const foreign = b.addTrack(new MediaStreamTrack('audio'));
    expect(() => a.removeTrack(foreign)).toThrow(expect.objectContaining({ name: 'InvalidAccessError' }));
    const sender = a.getSenders()[0]!;
    a.removeTrack(sender);
    expect(sender.track).toBeNull();
    expect(a.getTransceivers()[0]!.direction).toBe('recvonly');
    expect(await rejection(sender.replaceTrack(new MediaStreamTrack('video')))).toBe('TypeError');
  });
});

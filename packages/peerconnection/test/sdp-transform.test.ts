/**
 * What our peer connection writes, read by sdp-transform (the SDP parser many JavaScript signalling
 * stacks run): no line may land in its `invalid` lists, at session or media level, in any offer
 * or answer across the situations below. Pure ones gather on no interface; the trickle ones gather
 * on 127.0.0.1 only.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { parse } from '@x/sdp';
import sdpTransform from 'sdp-transform';
import { describe, expect, it } from 'vitest';
import { MediaStream, MediaStreamTrack, type RTCPeerConnection, type RTCSessionDescriptionInit } from '../src/index.js';
import { closedAfterEach, loopback } from './helpers.js';

const fixtures = new URL('../../../fixtures/sdp/', import.meta.url);
const pc = closedAfterEach();
const loopbackPc = closedAfterEach(loopback);

/** The lines sdp-transform files under `invalid`, session and media level together. */
function invalid(sdp: string): string[] {
  const parsed = sdpTransform.parse(sdp) as { invalid?: { value: string }[]; media: { invalid?: { value: string }[] }[] };
  return [...(parsed.invalid ?? []), ...parsed.media.flatMap((m) => m.invalid ?? [])].map((x) => x.value);
}

/** Checks every description given, and returns them for the test's own assertions. */
function clean(...descriptions: (RTCSessionDescriptionInit | null)[]): string[] {
  const sdps = descriptions.map((d) => d?.sdp ?? '');
  for (const sdp of sdps) {
    expect(sdp).not.toBe('');
    expect(invalid(sdp)).toEqual([]);
  }
  return sdps;
}

/** Offer and answer between a and b, every description checked on the way. */
async function negotiateClean(a: RTCPeerConnection, b: RTCPeerConnection, options = {}): Promise<{ offer: string; answer: string }> {
  const [offer] = clean(await a.createOffer(options));
  await a.setLocalDescription({ type: 'offer', sdp: offer! });
  await b.setRemoteDescription(a.localDescription!);
  const [answer] = clean(await b.createAnswer());
  await b.setLocalDescription({ type: 'answer', sdp: answer! });
  await a.setRemoteDescription(b.localDescription!);
  clean(a.localDescription, a.remoteDescription, b.localDescription, b.remoteDescription);
  return { offer: offer!, answer: answer! };
}

describe('sdp-transform finds nothing invalid in our descriptions', () => {
  it('data channel only', async () => {
    const [a, b] = [pc(), pc()];
    a.createDataChannel('x');
    const { offer } = await negotiateClean(a, b);
    // Chromium's `a=msid-semantic: WMS`: sdp-transform's pattern reads its semantic as the token.
    expect(sdpTransform.parse(offer).msidSemantic).toBeDefined();
  });

  it('audio and video with tracks in a stream, and data', async () => {
    const [a, b] = [pc(), pc()];
    const stream = new MediaStream();
    a.addTrack(new MediaStreamTrack('audio'), stream);
    a.addTrack(new MediaStreamTrack('video'), stream);
    a.createDataChannel('x');
    b.addTrack(new MediaStreamTrack('audio'), new MediaStream());
    const { offer, answer } = await negotiateClean(a, b);
    const tracks = a.getSenders().map((s) => s.track?.id);
    expect(sdpTransform.parse(offer).media.map((m) => m.msid)).toEqual([[{ id: stream.id, appdata: tracks[0] }], [{ id: stream.id, appdata: tracks[1] }], undefined]);
    expect(sdpTransform.parse(answer).media.map((m) => m.type)).toEqual(['audio', 'video', 'application']);
  });

  it('simulcast sendEncodings (rid and simulcast lines both ways)', async () => {
    const [a, b] = [pc(), pc()];
    a.addTransceiver(new MediaStreamTrack('video'), { direction: 'sendonly', sendEncodings: [{ rid: 'q' }, { rid: 'h' }, { rid: 'f' }] });
    const { offer, answer } = await negotiateClean(a, b);
    expect(sdpTransform.parse(offer).media[0]!.rids!.map((r) => [r.id, r.direction])).toEqual([['q', 'send'], ['h', 'send'], ['f', 'send']]);
    expect(sdpTransform.parse(offer).media[0]!.simulcast).toBeDefined();
    expect(sdpTransform.parse(answer).media[0]!.rids!.map((r) => [r.id, r.direction])).toEqual([['q', 'recv'], ['h', 'recv'], ['f', 'recv']]);
  });

  it('recvonly and inactive sections', async () => {
    const [a, b] = [pc(), pc()];
    a.addTransceiver('audio', { direction: 'recvonly' });
    a.addTransceiver('video', { direction: 'inactive' });
    const { answer } = await negotiateClean(a, b);
    expect(sdpTransform.parse(answer).media.map((m) => m.direction)).toEqual(['inactive', 'inactive']);
  });

  it('a rejected section (stopped transceiver) in the re-offer and its answer', async () => {
    const [a, b] = [pc(), pc()];
    const t = a.addTransceiver('audio');
    a.createDataChannel('x');
    await negotiateClean(a, b);
    t.stop();
    const { offer, answer } = await negotiateClean(a, b);
    expect(sdpTransform.parse(offer).media[0]!.port).toBe(0);
    expect(sdpTransform.parse(answer).media[0]!.port).toBe(0);
  });

  it('an ICE restart offer and its answer', async () => {
    const [a, b] = [pc(), pc()];
    a.createDataChannel('x');
    await negotiateClean(a, b);
    const before = parse(a.currentLocalDescription!.sdp).media[0]!.iceUfrag;
    const { offer } = await negotiateClean(a, b, { iceRestart: true });
    expect(sdpTransform.parse(offer).media[0]!.iceUfrag).not.toBe(before);
  });

  it('bundle policies: max-bundle (bundle-only) and max-compat', async () => {
    for (const bundlePolicy of ['max-bundle', 'max-compat', 'balanced'] as const) {
      const [a, b] = [pc({ bundlePolicy }), pc({ bundlePolicy })];
      a.addTransceiver('audio');
      a.addTransceiver('video');
      a.createDataChannel('x');
      const { offer } = await negotiateClean(a, b);
      expect(sdpTransform.parse(offer).groups).toEqual([{ type: 'BUNDLE', mids: '0 1 2' }]);
    }
  });

  it('trickled candidates and end-of-candidates, in local and remote descriptions', async () => {
    const [a, b] = [loopbackPc(), loopbackPc()];
    a.addTransceiver('audio');
    a.createDataChannel('x');
    const trickled: string[] = [];
    /**
     * Forwards p's candidates to q, records their lines, resolves at p's null candidate (gathering
     * done) once q's addIceCandidate calls settled (they write q's remote description then).
     */
    const trickle = (p: RTCPeerConnection, q: RTCPeerConnection): Promise<void> => new Promise((done) => {
      const added: Promise<void>[] = [];
      p.onicecandidate = (e) => {
        if (e.candidate !== null && e.candidate.candidate !== '') trickled.push(e.candidate.candidate);
        added.push(q.addIceCandidate(e.candidate ?? undefined).catch(() => undefined));
        if (e.candidate === null) void Promise.all(added).then(() => done());
      };
    });
    const aGathered = trickle(a, b);
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription!);
    await aGathered;
    clean(a.localDescription, b.remoteDescription);
    const local = sdpTransform.parse(a.localDescription!.sdp);
    expect(trickled.length).toBeGreaterThan(0);
    expect(local.media[0]!.candidates!.length).toBe(trickled.length);
    expect(local.media[0]!.endOfCandidates).toBe('end-of-candidates');
    // Each trickled line on its own, as a signalling server would wrap it.
    for (const line of trickled) expect(invalid(`v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=${line}\r\n`)).toEqual([]);
    const bGathered = trickle(b, a);
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription!);
    await bGathered;
    clean(b.localDescription, a.remoteDescription, a.currentRemoteDescription, b.currentLocalDescription);
    expect(sdpTransform.parse(b.localDescription!.sdp).media[0]!.endOfCandidates).toBe('end-of-candidates');
    expect(sdpTransform.parse(a.remoteDescription!.sdp).media[0]!.candidates!.length).toBeGreaterThan(0);
  });

  it.each(readdirSync(fixtures).filter((f) => f.includes('-offer')))('our answer to the %s fixture', async (file) => {
    const b = pc();
    await b.setRemoteDescription({ type: 'offer', sdp: readFileSync(new URL(file, fixtures), 'utf8') });
    const [answer] = clean(await b.createAnswer());
    expect(sdpTransform.parse(answer!).media.length).toBeGreaterThan(0);
  });
});

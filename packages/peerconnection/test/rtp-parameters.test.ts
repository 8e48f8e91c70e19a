/**
 * RTCRtpSender.getParameters/setParameters, RTCRtpReceiver.getParameters, sendEncodings,
 * getCapabilities and setCodecPreferences (W3C WebRTC §5), on socketless peers: the exceptions the
 * spec names, and what reaches the SDP.
 */
import { parse, type MediaSection } from '@x/sdp';
import { describe, expect, it } from 'vitest';
import { MediaStreamTrack, RTCRtpReceiver, RTCRtpSender, type RTCRtpSendParameters } from '../src/index.js';
import { closedAfterEach, negotiate, rejection, tasks, thrown } from './helpers.js';

const pc = closedAfterEach();

const section = (sdp: string, kind: string): MediaSection => parse(sdp).media.find((m) => m.kind === kind)!;
const names = (m: MediaSection): string[] => m.codecs.map((c) => c.name);

describe('sendEncodings (W3C §5.1 addTransceiver)', () => {
  it('checks rids and ranges with the spec exceptions', () => {
    const a = pc();
    expect(thrown(() => a.addTransceiver('video', { sendEncodings: [{ rid: 'a' }, {}] }))).toBe('TypeError');
    expect(thrown(() => a.addTransceiver('video', { sendEncodings: [{ rid: 'a' }, { rid: 'a' }] }))).toBe('TypeError');
    expect(thrown(() => a.addTransceiver('video', { sendEncodings: [{ rid: 'a-b' }, { rid: 'c' }] }))).toBe('TypeError');
    expect(thrown(() => a.addTransceiver('video', { sendEncodings: [{ rid: 'x'.repeat(17) }, { rid: 'c' }] }))).toBe('TypeError');
    expect(thrown(() => a.addTransceiver('video', { sendEncodings: [{ scaleResolutionDownBy: 0.5 }] }))).toBe('RangeError');
    expect(thrown(() => a.addTransceiver('video', { sendEncodings: [{ maxFramerate: -1 }] }))).toBe('RangeError');
    expect(a.getTransceivers()).toHaveLength(0);
  });

  it('gives defaults: active, scaleResolutionDownBy 4/2/1 for video, no rid on a lone encoding, no video members for audio', () => {
    const a = pc();
    const v = a.addTransceiver('video', { sendEncodings: [{ rid: 'q' }, { rid: 'h', active: false }, { rid: 'f', maxBitrate: 2_500_000 }] });
    expect(v.sender.getParameters().encodings).toEqual([
      { rid: 'q', active: true, scaleResolutionDownBy: 4 },
      { rid: 'h', active: false, scaleResolutionDownBy: 2 },
      { rid: 'f', active: true, maxBitrate: 2_500_000, scaleResolutionDownBy: 1 },
    ]);
    const lone = a.addTransceiver('video', { sendEncodings: [{ rid: 'only', maxFramerate: 15 }] });
    expect(lone.sender.getParameters().encodings).toEqual([{ active: true, maxFramerate: 15, scaleResolutionDownBy: 1 }]);
    const audio = a.addTransceiver('audio', { sendEncodings: [{ maxFramerate: 15, scaleResolutionDownBy: 2, maxBitrate: 32000 }] });
    expect(audio.sender.getParameters().encodings).toEqual([{ active: true, maxBitrate: 32000 }]);
    expect(a.addTransceiver('video').sender.getParameters().encodings).toEqual([{ active: true, scaleResolutionDownBy: 1 }]);
  });
});

describe('RTCRtpSender.getParameters / setParameters (W3C §5.2)', () => {
  it('before negotiation: a transactionId, the encodings, the CNAME, no codecs yet', () => {
    const a = pc();
    const p = a.addTransceiver('audio').sender.getParameters();
    expect(typeof p.transactionId).toBe('string');
    expect(p.codecs).toEqual([]);
    expect(p.headerExtensions).toEqual([]);
    expect(typeof p.rtcp.cname).toBe('string');
    expect(p.rtcp.cname!.length).toBeGreaterThan(0);
  });

  it('applies a change made in the same task', async () => {
    const a = pc();
    const { sender } = a.addTransceiver('video', { sendEncodings: [{ rid: 'lo' }, { rid: 'hi' }] });
    const p = sender.getParameters();
    p.encodings[0]!.active = false;
    p.encodings[1]!.maxBitrate = 1_000_000;
    p.encodings[1]!.maxFramerate = 24;
    p.encodings[1]!.scaleResolutionDownBy = 1.5;
    await sender.setParameters(p);
    expect(sender.getParameters().encodings).toEqual([
      { rid: 'lo', active: false, scaleResolutionDownBy: 2 },
      { rid: 'hi', active: true, maxBitrate: 1_000_000, maxFramerate: 24, scaleResolutionDownBy: 1.5 },
    ]);
  });

  it('InvalidStateError without getParameters in the same task; InvalidModificationError for a stale transactionId', async () => {
    const a = pc();
    const { sender } = a.addTransceiver('video');
    const p = sender.getParameters();
    await tasks(2);
    expect(await rejection(sender.setParameters(p))).toBe('InvalidStateError');
    const first = sender.getParameters();
    const second = sender.getParameters();
    expect(second.transactionId).not.toBe(first.transactionId);
    expect(await rejection(sender.setParameters(first))).toBe('InvalidModificationError');
    // The failed call did not consume the transaction: the right one still works.
    expect(await rejection(sender.setParameters(second))).toBe('resolved');
    // …and only once.
    expect(await rejection(sender.setParameters(second))).toBe('InvalidStateError');
  });

  it('InvalidModificationError for another number of encodings or a read-only change, RangeError for a bad value', async () => {
    const a = pc();
    const { sender } = a.addTransceiver('video', { sendEncodings: [{ rid: 'a' }, { rid: 'b' }] });
    let p = sender.getParameters();
    p.encodings.pop();
    expect(await rejection(sender.setParameters(p))).toBe('InvalidModificationError');
    p = sender.getParameters();
    p.encodings[0]!.rid = 'z';
    expect(await rejection(sender.setParameters(p))).toBe('InvalidModificationError');
    p = sender.getParameters();
    p.rtcp.cname = 'other';
    expect(await rejection(sender.setParameters(p))).toBe('InvalidModificationError');
    p = sender.getParameters();
    p.headerExtensions.push({ uri: 'urn:x', id: 9, encrypted: false });
    expect(await rejection(sender.setParameters(p))).toBe('InvalidModificationError');
    p = sender.getParameters();
    p.encodings[1]!.scaleResolutionDownBy = 0.25;
    expect(await rejection(sender.setParameters(p))).toBe('RangeError');
    expect(await rejection(sender.setParameters(null as unknown as RTCRtpSendParameters))).toBe('TypeError');
  });

  it('InvalidStateError once the transceiver is stopped', async () => {
    const a = pc();
    const t = a.addTransceiver('audio');
    const p = t.sender.getParameters();
    t.stop();
    expect(await rejection(t.sender.setParameters(p))).toBe('InvalidStateError');
  });

  it('after negotiation: the answer codecs with payload types, header extensions with ids, rtcp reducedSize; the receiver likewise', async () => {
    const a = pc();
    const b = pc();
    const t = a.addTransceiver(new MediaStreamTrack('video'));
    await negotiate(a, b);
    const answer = section(a.remoteDescription!.sdp, 'video');
    const p = t.sender.getParameters();
    expect(p.codecs.map((c) => c.payloadType)).toEqual(answer.codecs.map((c) => c.payloadType));
    expect(p.codecs[0]).toMatchObject({ mimeType: 'video/VP8', clockRate: 90000 });
    expect(p.codecs.find((c) => c.mimeType === 'video/rtx')?.sdpFmtpLine).toMatch(/^apt=\d+$/);
    expect(p.headerExtensions).toContainEqual({ uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: answer.extmaps.find((e) => e.uri.endsWith('sdes:mid'))!.id, encrypted: false });
    expect(p.rtcp.reducedSize).toBe(true);
    const r = t.receiver.getParameters();
    expect(r.codecs).toEqual(p.codecs);
    const remote = b.getTransceivers()[0]!.receiver.getParameters();
    expect(remote.codecs.map((c) => c.mimeType)).toEqual(p.codecs.map((c) => c.mimeType));
  });
});

describe('getCapabilities and setCodecPreferences (W3C §5.2, §5.4)', () => {
  it('lists the codecs and header extensions by kind, null for another kind', () => {
    const video = RTCRtpSender.getCapabilities('video')!;
    expect(video.codecs.map((c) => c.mimeType)).toEqual(expect.arrayContaining(['video/VP8', 'video/H264', 'video/VP9', 'video/rtx']));
    expect(video.headerExtensions.map((h) => h.uri)).toContain('urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id');
    const audio = RTCRtpReceiver.getCapabilities('audio')!;
    expect(audio.codecs[0]).toMatchObject({ mimeType: 'audio/opus', clockRate: 48000, channels: 2, sdpFmtpLine: 'minptime=10;useinbandfec=1' });
    expect(RTCRtpSender.getCapabilities('application')).toBeNull();
  });

  it('InvalidModificationError for a codec not in the capabilities, or repair formats alone', () => {
    const a = pc();
    const t = a.addTransceiver('video');
    expect(thrown(() => t.setCodecPreferences([{ mimeType: 'video/H265', clockRate: 90000 }]))).toBe('InvalidModificationError');
    const vp8 = RTCRtpReceiver.getCapabilities('video')!.codecs.find((c) => c.mimeType === 'video/VP8')!;
    expect(thrown(() => t.setCodecPreferences([{ ...vp8, clockRate: 48000 }]))).toBe('InvalidModificationError');
    const rtx = RTCRtpReceiver.getCapabilities('video')!.codecs.find((c) => c.mimeType === 'video/rtx')!;
    expect(thrown(() => t.setCodecPreferences([rtx]))).toBe('InvalidModificationError');
    const opus = RTCRtpReceiver.getCapabilities('audio')!.codecs[0]!;
    expect(thrown(() => t.setCodecPreferences([opus]))).toBe('InvalidModificationError');
  });

  it('orders and limits the offer; RTX only when preferred; an empty list goes back to all', async () => {
    const a = pc();
    const t = a.addTransceiver('video');
    const caps = RTCRtpReceiver.getCapabilities('video')!.codecs;
    const vp9 = caps.find((c) => c.mimeType === 'video/VP9')!;
    const vp8 = caps.find((c) => c.mimeType === 'video/VP8')!;
    const rtx = caps.find((c) => c.mimeType === 'video/rtx')!;
    t.setCodecPreferences([vp9, vp8]);
    expect(names(section((await a.createOffer()).sdp!, 'video'))).toEqual(['VP9', 'VP8']);
    t.setCodecPreferences([vp9, rtx, vp8]);
    const m = section((await a.createOffer()).sdp!, 'video');
    expect(names(m)).toEqual(['VP9', 'rtx', 'VP8', 'rtx']);
    expect(m.formats).toEqual(m.codecs.map((c) => String(c.payloadType)));
    t.setCodecPreferences([]);
    expect(names(section((await a.createOffer()).sdp!, 'video'))[0]).toBe('VP8');
  });

  it('orders the answer by the answerer preferences, keeping the offer payload types', async () => {
    const a = pc();
    const b = pc();
    a.addTransceiver('video');
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription!);
    const offered = section(a.localDescription!.sdp, 'video');
    const caps = RTCRtpReceiver.getCapabilities('video')!.codecs;
    const h264 = caps.find((c) => c.mimeType === 'video/H264' && c.sdpFmtpLine!.includes('packetization-mode=1'))!;
    const vp8 = caps.find((c) => c.mimeType === 'video/VP8')!;
    b.getTransceivers()[0]!.setCodecPreferences([h264, vp8]);
    await b.setLocalDescription();
    const answered = section(b.localDescription!.sdp, 'video');
    expect(names(answered)).toEqual(['H264', 'VP8']);
    for (const c of answered.codecs) expect(offered.codecs.some((o) => o.payloadType === c.payloadType && o.name === c.name)).toBe(true);
    await a.setRemoteDescription(b.localDescription!);
    // Both send with the answer's first codec.
    expect(a.getTransceivers()[0]!.sender.getParameters().codecs[0]!.mimeType).toBe('video/H264');
  });
});

describe('simulcast in the SDP (RFC 8851, RFC 8853), as Chromium writes it', () => {
  it('offers a=rid:<rid> send per encoding, a=simulcast:send, the mid/rid/repaired-rid extensions, and no a=ssrc', async () => {
    const a = pc();
    const b = pc();
    const t = a.addTransceiver(new MediaStreamTrack('video'), { direction: 'sendonly', sendEncodings: [{ rid: 'q' }, { rid: 'h' }, { rid: 'f' }] });
    await a.setLocalDescription();
    const sdp = a.localDescription!.sdp;
    expect(sdp).toContain('a=rid:q send\r\na=rid:h send\r\na=rid:f send\r\n');
    expect(sdp).toContain('a=simulcast:send q;h;f\r\n');
    const m = section(sdp, 'video');
    const uris = m.extmaps.map((e) => e.uri);
    for (const u of ['urn:ietf:params:rtp-hdrext:sdes:mid', 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id', 'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id']) expect(uris).toContain(u);
    expect(m.ssrcs).toEqual([]);
    expect(m.msids).toHaveLength(1);
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription();
    const answer = b.localDescription!.sdp;
    expect(answer).toContain('a=rid:q recv\r\na=rid:h recv\r\na=rid:f recv\r\n');
    expect(answer).toContain('a=simulcast:recv q;h;f\r\n');
    await a.setRemoteDescription(b.localDescription!);
    expect(t.sender.getParameters().encodings.map((e) => e.rid)).toEqual(['q', 'h', 'f']);
  });

  it('an answer without simulcast leaves the first encoding only, without its rid (W3C §4.4.1.6)', async () => {
    const a = pc();
    const b = pc();
    const t = a.addTransceiver(new MediaStreamTrack('video'), { sendEncodings: [{ rid: 'q', maxBitrate: 100_000 }, { rid: 'f' }] });
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription();
    const stripped = b.localDescription!.sdp.split('\r\n').filter((l) => !l.startsWith('a=rid:') && !l.startsWith('a=simulcast:')).join('\r\n');
    await a.setRemoteDescription({ type: 'answer', sdp: stripped });
    expect(t.sender.getParameters().encodings).toEqual([{ active: true, maxBitrate: 100_000, scaleResolutionDownBy: 2 }]);
  });

  it('an answer keeping some rids keeps those encodings', async () => {
    const a = pc();
    const b = pc();
    const t = a.addTransceiver(new MediaStreamTrack('video'), { sendEncodings: [{ rid: 'q' }, { rid: 'h' }, { rid: 'f' }] });
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription();
    const fewer = b.localDescription!.sdp.replace('a=rid:h recv\r\n', '').replace('a=simulcast:recv q;h;f', 'a=simulcast:recv q;f');
    await a.setRemoteDescription({ type: 'answer', sdp: fewer });
    expect(t.sender.getParameters().encodings.map((e) => e.rid)).toEqual(['q', 'f']);
  });

  it('a remote offer asking to receive simulcast: the answerer takes one encoding per rid and answers a=simulcast:send', async () => {
    const a = pc();
    const b = pc();
    a.addTransceiver(new MediaStreamTrack('video'), { direction: 'sendonly', sendEncodings: [{ rid: 'q' }, { rid: 'h' }, { rid: 'f' }] });
    await a.setLocalDescription();
    // The same section turned around: the offerer wants to receive three layers (as an SFU offers).
    const recvOffer = a.localDescription!.sdp.replace(/a=rid:(\w+) send/g, 'a=rid:$1 recv').replace('a=simulcast:send', 'a=simulcast:recv').replace('a=sendonly', 'a=recvonly');
    await b.setRemoteDescription({ type: 'offer', sdp: recvOffer });
    const t = b.getTransceivers()[0]!;
    expect(t.sender.getParameters().encodings).toEqual([
      { rid: 'q', active: true, scaleResolutionDownBy: 4 }, { rid: 'h', active: true, scaleResolutionDownBy: 2 }, { rid: 'f', active: true, scaleResolutionDownBy: 1 },
    ]);
    expect(b.addTrack(new MediaStreamTrack('video'))).toBe(t.sender);
    await b.setLocalDescription();
    const answer = b.localDescription!.sdp;
    expect(answer).toContain('a=rid:q send\r\na=rid:h send\r\na=rid:f send\r\n');
    expect(answer).toContain('a=simulcast:send q;h;f\r\n');
    const m = section(answer, 'video');
    expect(m.direction).toBe('sendonly');
    expect(m.ssrcs).toEqual([]);
    expect(t.sender.getParameters().encodings.map((e) => e.rid)).toEqual(['q', 'h', 'f']);
  });
});

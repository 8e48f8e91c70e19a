/**
 * Transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01)
 * sent by the receiving peer. Sans-IO: two media controllers over an in-test pipe with a simulated
 * clock (descriptions from two socketless peers): the feedback crossing the pipe is parsed and
 * must report exactly the transport-wide sequence numbers the sender wrote (base, status count,
 * received and lost statuses), about every 100 ms, with our SSRC and the stream's; RTX is
 * recorded too; the sender's estimate becomes defined; a malformed extension is counted, never
 * thrown; without the extension or without `a=rtcp-fb transport-cc` nothing is recorded or sent.
 * On loopback: the sender's candidate-pair `availableOutgoingBitrate` appears only when
 * transport-cc was negotiated.
 */
import {
  RtpExtensionUri, getRtpExtension, parseRtcp, parseRtpPacket, parseTransportWideSequenceNumber, serializeRtpPacket,
  type TransportWideCcFeedback,
} from '@x/rtp';
import { parse } from '@x/sdp';
import { describe, expect, it } from 'vitest';
import { MediaController } from '../src/media-controller.js';
import { MediaStreamTrack, type RTCStats } from '../src/index.js';
import { wireControllers, videoPair, vp8LikeFrames } from './controller-pipe.js';
import { connected, eventually, loopbackPair, noNetwork, vp8Frames } from './helpers.js';

const TCC_URI = RtpExtensionUri.transportWideCc;

/** SDP without transport-cc: no extmap for it (`extmap`), no `a=rtcp-fb:<pt> transport-cc` (`feedback`), or both. */
function strip(sdp: string, what: 'extmap' | 'feedback' | 'both'): string {
  return sdp.split('\r\n').filter((l) => {
    if (what !== 'feedback' && l.startsWith('a=extmap:') && l.includes(TCC_URI)) return false;
    if (what !== 'extmap' && l.startsWith('a=rtcp-fb:') && l.endsWith(' transport-cc')) return false;
    return true;
  }).join('\r\n');
}

/** The transport-cc feedback b sent a, with the time each left. */
function feedbackToA(w: ReturnType<typeof wireControllers>): Array<{ at: number; fb: TransportWideCcFeedback }> {
  return w.rtcpToA.flatMap(({ at, packet }) => parseRtcp(packet).flatMap((r) => (r.type === 'twcc' ? [{ at, fb: r }] : [])));
}

/** The transport-wide sequence numbers of packets, by the negotiated extension id. */
function transportSeqs(packets: Uint8Array[], id: number): number[] {
  return packets.map((p) => parseTransportWideSequenceNumber(getRtpExtension(parseRtpPacket(p), id)!));
}

/** sequence number → received (true) or reported lost (false), over all feedback, checking that feedbacks continue each other. */
function reported(feedback: TransportWideCcFeedback[]): Map<number, boolean> {
  const out = new Map<number, boolean>();
  let next: number | undefined;
  for (const fb of feedback) {
    if (next !== undefined) expect(fb.baseSequenceNumber).toBe(next);
    fb.packets.forEach((p, i) => {
      expect(p.sequenceNumber).toBe((fb.baseSequenceNumber + i) & 0xffff);
      out.set(p.sequenceNumber, p.receiveDelta !== null);
    });
    next = (fb.baseSequenceNumber + fb.packets.length) & 0xffff;
  }
  return out;
}

describe('transport-cc feedback (sans-IO)', () => {
  it('reports every transport-wide sequence number the sender wrote, every ~100 ms, and the sender consumes it', async () => {
    const { a, b, track } = await videoPair();
    const answer = parse(a.currentRemoteDescription!.sdp).media[0]!;
    const id = answer.extmaps.find((e) => e.uri === TCC_URI)!.id;
    const vp8 = answer.codecs.find((c) => c.name === 'VP8')!;
    expect(vp8.feedback.map((f) => f.type)).toContain('transport-cc');
    const w = wireControllers(a, b);
    expect(w.ca.availableOutgoingBitrate).toBeUndefined();
    const sent = vp8LikeFrames(30);
    for (let i = 0; i < sent.length; i++) {
      track.writeFrame(sent[i]!, { timestamp: i * 33_333 });
      w.flush();
      w.advance(40);
    }
    w.advance(200);
    const seqs = transportSeqs(w.rtpToB, id);
    expect(seqs.length).toBeGreaterThanOrEqual(60);
    // The sender numbers its packets 1, 2, 3… across the transport.
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    const fbs = feedbackToA(w).map((f) => f.fb);
    // 30 frames 40 ms apart: 1.2 s of media, so about 12 feedbacks at 100 ms (never closer than 100 ms).
    expect(fbs.length).toBeGreaterThanOrEqual(10);
    expect(fbs.length).toBeLessThanOrEqual(14);
    for (let i = 1; i < feedbackToA(w).length; i++) expect(feedbackToA(w)[i]!.at - feedbackToA(w)[i - 1]!.at).toBeGreaterThanOrEqual(100);
    expect(fbs[0]!.baseSequenceNumber).toBe(1);
    const total = fbs.reduce((n, f) => n + f.packets.length, 0);
    expect(total).toBe(seqs.length);
    const statuses = reported(fbs);
    expect([...statuses.keys()]).toEqual(seqs);
    expect([...statuses.values()].every((r) => r)).toBe(true);
    expect(fbs.map((f) => f.feedbackPacketCount)).toEqual(fbs.map((_, i) => i));
    // Sender SSRC: the receiver's local SSRC (as in its RRs); media SSRC: the stream received.
    const sender = [...w.ca.senders.values()][0]![0]!;
    const receiver = [...w.cb.receivers.values()][0]![0]!;
    for (const f of fbs) {
      expect(f.senderSsrc).toBe(receiver.localSsrc);
      expect(f.mediaSsrc).toBe(sender.ssrc);
    }
    expect(w.cb.transportFeedback.stats).toEqual({ packetsRecorded: seqs.length, feedbackSent: fbs.length, malformedExtensions: 0 });
    // Our sender feeds the feedback to its bandwidth estimate, which becomes the stats' availableOutgoingBitrate.
    expect(w.ca.availableOutgoingBitrate).toBeGreaterThan(0);
    // Nothing arrives: nothing more is sent.
    const before = feedbackToA(w).length;
    w.advance(1000);
    expect(feedbackToA(w).length).toBe(before);
    a.close();
    b.close();
  });

  it('reports a lost packet as not received, and its repair over RTX under a transport-wide number of its own', async () => {
    const { a, b, track } = await videoPair();
    const answer = parse(a.currentRemoteDescription!.sdp).media[0]!;
    const id = answer.extmaps.find((e) => e.uri === TCC_URI)!.id;
    const rtxPt = answer.codecs.find((c) => c.name === 'rtx')!.payloadType;
    // The fifth packet is lost; NACK brings its repair over RTX.
    const w = wireControllers(a, b, (_p, i) => i === 4);
    const sent = vp8LikeFrames(4);
    sent.forEach((f, i) => track.writeFrame(f, { timestamp: i * 33_333 }));
    w.advance(300);
    const lost = transportSeqs([w.rtpToB[4]!], id)[0]!;
    const repairs = w.rtpToB.filter((p) => (p[1]! & 0x7f) === rtxPt);
    expect(repairs).toHaveLength(1);
    const repairSeq = transportSeqs(repairs, id)[0]!;
    // Numbered after every packet sent before it, not the lost packet's number again: numbers are
    // stamped as packets leave the pacer, so they run consecutively in the order on the wire
    // (the repair jumps the video queue).
    expect(repairSeq).toBeGreaterThan(Math.max(...transportSeqs(w.rtpToB.slice(0, w.rtpToB.indexOf(repairs[0]!)), id)));
    const onWire = transportSeqs(w.rtpToB, id);
    expect(onWire).toEqual(onWire.map((_, i) => onWire[0]! + i));
    const statuses = reported(feedbackToA(w).map((f) => f.fb));
    expect(statuses.get(lost)).toBe(false);
    expect(statuses.get(lost - 1)).toBe(true);
    expect(statuses.get(lost + 1)).toBe(true);
    expect(statuses.get(repairSeq)).toBe(true);
    a.close();
    b.close();
  });

  it('counts a malformed transport-wide extension and drops it, never throws; the packet still plays', async () => {
    const { a, b, track } = await videoPair();
    const answer = parse(a.currentRemoteDescription!.sdp).media[0]!;
    const id = answer.extmaps.find((e) => e.uri === TCC_URI)!.id;
    const w = wireControllers(a, b);
    let framesGot = 0;
    b.getTransceivers()[0]!.receiver.track.onFrame = () => framesGot++;
    // Capture one frame's packets without delivering them, then deliver them with a 3-byte extension value.
    const held: Uint8Array[] = [];
    const capture = new MediaController({ sendRtp: (p) => (held.push(p.slice()), true), sendRtcp: () => true, now: () => 0 }, 'x', { pacing: false });
    capture.configure(a.getTransceivers(), parse(a.currentLocalDescription!.sdp), parse(a.currentRemoteDescription!.sdp), 'remote');
    track.writeFrame(vp8LikeFrames(1)[0]!, { timestamp: 0 });
    expect(held.length).toBeGreaterThan(0);
    for (const p of held) {
      const parsed = parseRtpPacket(p);
      const bad = serializeRtpPacket({ ...parsed, extensions: parsed.extensions.map((e) => (e.id === id ? { id, value: new Uint8Array([1, 2, 3]) } : e)) });
      expect(() => w.cb.receive(bad, false)).not.toThrow();
    }
    expect(w.cb.transportFeedback.stats.malformedExtensions).toBe(held.length);
    expect(w.cb.transportFeedback.stats.packetsRecorded).toBe(0);
    expect(framesGot).toBe(1);
    w.advance(200);
    expect(feedbackToA(w)).toEqual([]);
    capture.close();
    a.close();
    b.close();
  });

  for (const what of ['both', 'extmap', 'feedback'] as const) {
    it(`sends no feedback when transport-cc is not negotiated (${what === 'both' ? 'neither extmap nor rtcp-fb' : `no ${what}`})`, async () => {
      const { a, b, track } = await videoPair(noNetwork, (s) => strip(s, what));
      const answer = parse(b.localDescription!.sdp).media[0]!;
      expect(answer.extmaps.some((e) => e.uri === TCC_URI)).toBe(what === 'feedback');
      expect(answer.codecs.some((c) => c.feedback.some((f) => f.type === 'transport-cc'))).toBe(what === 'extmap');
      const w = wireControllers(a, b);
      let framesGot = 0;
      b.getTransceivers()[0]!.receiver.track.onFrame = () => framesGot++;
      vp8LikeFrames(20).forEach((f, i) => {
        track.writeFrame(f, { timestamp: i * 33_333 });
        w.advance(40);
      });
      w.advance(500);
      expect(framesGot).toBe(20);
      expect(w.rtcpToA.length).toBeGreaterThan(0); // RRs still go
      expect(feedbackToA(w)).toEqual([]);
      expect(w.cb.transportFeedback.stats.packetsRecorded).toBe(0);
      expect(w.ca.availableOutgoingBitrate).toBeUndefined();
      a.close();
      b.close();
    });
  }
});

function selectedPair(report: ReadonlyMap<string, RTCStats>): RTCStats | undefined {
  const t = [...report.values()].find((s) => s.type === 'transport');
  return t === undefined ? undefined : report.get(t['selectedCandidatePairId'] as string);
}

/** a sends VP8 to b on loopback for `ms`; resolves with a's last selected-pair stats and b's frame count. */
async function loopbackVideo(edit: (sdp: string) => string, ms: number): Promise<{ pair: RTCStats | undefined; frames: number; seen: number | undefined }> {
  const { a, b } = loopbackPair();
  try {
    const track = new MediaStreamTrack('video');
    a.addTrack(track);
    let got = 0;
    b.ontrack = (e) => void (e.track.onFrame = () => got++);
    await a.setLocalDescription();
    await b.setRemoteDescription({ type: 'offer', sdp: edit(a.localDescription!.sdp) });
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription!);
    await Promise.all([connected(a), connected(b)]);
    const vp8 = vp8Frames();
    let i = 0;
    const timer = setInterval(() => {
      const f = vp8[i % vp8.length]!;
      track.writeFrame(f, { timestamp: i * 33_333, keyframe: (f[0]! & 1) === 0 });
      i++;
    }, 33);
    const started = Date.now();
    let seen: number | undefined;
    try {
      // Poll a's stats while media flows; remember when the estimate first showed.
      await eventually(async () => {
        const p = selectedPair(await a.getStats());
        if (seen === undefined && p?.['availableOutgoingBitrate'] !== undefined) seen = Date.now() - started;
        return Date.now() - started >= ms ? true : undefined;
      }, 100);
    } finally {
      clearInterval(timer);
    }
    return { pair: selectedPair(await a.getStats()), frames: got, seen };
  } finally {
    a.close();
    b.close();
  }
}

describe('transport-cc feedback between two peers on loopback', () => {
  it('the sender gets an availableOutgoingBitrate from the receiver\'s feedback only when transport-cc is negotiated', async () => {
    const on = await loopbackVideo((s) => s, 1500);
    expect(on.frames).toBeGreaterThan(10);
    expect(on.seen).toBeDefined();
    expect(on.pair?.['availableOutgoingBitrate']).toBeGreaterThan(0);
    const off = await loopbackVideo((s) => strip(s, 'both'), 1500);
    expect(off.frames).toBeGreaterThan(10);
    expect(off.seen).toBeUndefined();
    expect(off.pair).toBeDefined();
    expect(off.pair?.['availableOutgoingBitrate']).toBeUndefined();
  });
});

/**
 * Two media controllers joined by an in-test pipe with a simulated clock, configured from the
 * descriptions two socketless peers negotiated: the harness of the sans-IO media tests. Packets
 * travel through a queue (no re-entrancy); a→b RTP can be dropped; every datagram is kept.
 */
import { parse } from '@x/sdp';
import { MediaController } from '../src/media-controller.js';
import { MediaStreamTrack, type RTCPeerConnection } from '../src/index.js';
import { noNetwork } from './helpers.js';

/**
 * Two controllers over a queue; `drop(packet, index)` decides the fate of each a→b RTP packet.
 * `rtpToB` keeps every a→b RTP packet (dropped ones too), `rtcpToA` every b→a RTCP packet with
 * the time it left.
 */
export function wireControllers(
  a: RTCPeerConnection, b: RTCPeerConnection, drop: (rtp: Uint8Array, index: number) => boolean = () => false, options: { pacing?: boolean } = {},
) {
  let clock = 1000;
  const queue: Array<() => void> = [];
  const rtpToB: Uint8Array[] = [];
  const rtcpToA: Array<{ at: number; packet: Uint8Array }> = [];
  const log = { rtcpToA: 0, rtcpToB: 0, dropped: 0 };
  const ca: MediaController = new MediaController({
    sendRtp: (p) => {
      const copy = p.slice();
      if (drop(copy, rtpToB.push(copy) - 1)) log.dropped++;
      else queue.push(() => cb.receive(copy, false));
      return true;
    },
    sendRtcp: (p) => {
      const copy = p.slice();
      queue.push(() => {
        log.rtcpToB++;
        cb.receive(copy, true);
      });
      return true;
    },
    now: () => clock,
  }, 'a', options);
  const cb: MediaController = new MediaController({
    sendRtp: (p) => (queue.push(() => ca.receive(p.slice(), false)), true),
    sendRtcp: (p) => {
      const copy = p.slice();
      rtcpToA.push({ at: clock, packet: copy });
      queue.push(() => {
        log.rtcpToA++;
        ca.receive(copy, true);
      });
      return true;
    },
    now: () => clock,
  }, 'b', options);
  const model = (pc: RTCPeerConnection, which: 'local' | 'remote') =>
    parse((which === 'local' ? pc.currentLocalDescription : pc.currentRemoteDescription)!.sdp);
  ca.configure(a.getTransceivers(), model(a, 'local'), model(a, 'remote'), 'remote');
  cb.configure(b.getTransceivers(), model(b, 'local'), model(b, 'remote'), 'local');
  const flush = (): void => {
    while (queue.length > 0) queue.shift()!();
  };
  /** Time passes in 20 ms timer steps (the controllers' POLL_MS), delivering as it goes. */
  const advance = (ms: number): void => {
    for (let t = 0; t < ms; t += 20) {
      clock += 20;
      ca.tick();
      cb.tick();
      flush();
    }
  };
  return { ca, cb, flush, advance, log, rtpToB, rtcpToA, now: () => clock };
}

/** Socketless peers where a sends one video track to b; `edit` changes the offer b sees (its answer follows). */
export async function videoPair(factory = noNetwork, edit: (sdp: string) => string = (s) => s): Promise<{ a: RTCPeerConnection; b: RTCPeerConnection; track: MediaStreamTrack }> {
  const a = factory.createPeerConnection();
  const b = factory.createPeerConnection();
  const track = new MediaStreamTrack('video');
  a.addTrack(track);
  await a.setLocalDescription();
  await b.setRemoteDescription({ type: 'offer', sdp: edit(a.localDescription!.sdp) });
  await b.setLocalDescription();
  await a.setRemoteDescription(b.localDescription!);
  return { a, b, track };
}

/** VP8-like frames of about three packets each: a keyframe header (P=0), then deltas (P=1). */
export function vp8LikeFrames(n: number): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => {
    const f = new Uint8Array(3000).map((_, k) => (k * 7 + i) & 0xff);
    f[0] = i === 0 ? 0x10 : 0x11;
    return f;
  });
}

/**
 * The media path explains its drops through the factory's logger, each line carrying the
 * connection's id: two of our peers on 127.0.0.1, VP8 one way over SRTP. A tap on the UDP
 * sockets forges SRTP authentication tags and replays packets on the wire (the receiver says each
 * reason once, then counts), and makes the sender's history too short for a NACK (the sender says
 * it no longer holds the packet).
 */
import dgram from 'node:dgram';
import type { Logger } from '@x/base';
import { afterEach, describe, expect, it } from 'vitest';
import { MediaStreamTrack, PeerConnectionFactory, type RTCPeerConnection } from '../src/index.js';
import { connected, negotiate, recorder, tasks } from './helpers.js';

/** SRTP (not SRTCP) by its clear header: version 2, payload type outside RTCP's 192–223. */
const isRtp = (d: Uint8Array): boolean => (d[0]! & 0xc0) === 0x80 && !(d[1]! >= 192 && d[1]! <= 223);
const seqOf = (d: Uint8Array): number => (d[2]! << 8) | d[3]!;

type Tap = (data: Uint8Array, send: (d: Uint8Array) => void) => void;
const originalSend = dgram.Socket.prototype.send;
/** Every datagram this process sends over UDP goes through `tap` (which sends it, or not, or twice). */
function tapUdp(tap: Tap): void {
  dgram.Socket.prototype.send = function (this: dgram.Socket, ...args: unknown[]): void {
    const data = args[0];
    if (!(data instanceof Uint8Array) || typeof args[1] !== 'number') return (originalSend as (...a: unknown[]) => void).apply(this, args);
    const rest = args.slice(1, 3);
    let first = true;
    tap(data, (d) => {
      // The callback (the socket's onSent) belongs to one send.
      (originalSend as (...a: unknown[]) => void).apply(this, first ? [d, ...rest, ...args.slice(3)] : [d, ...rest]);
      first = false;
    });
  } as typeof dgram.Socket.prototype.send;
}

const open: RTCPeerConnection[] = [];
afterEach(async () => {
  dgram.Socket.prototype.send = originalSend;
  for (const p of open.splice(0)) p.close();
  await tasks(5);
});

/** a sends VP8 to b (a sendonly), connected, through a factory with `log`, without pacing. */
async function videoCall(log: Logger): Promise<{ a: RTCPeerConnection; b: RTCPeerConnection; track: MediaStreamTrack }> {
  const factory = new PeerConnectionFactory({ logger: log, pacing: false, ice: { includeLoopback: true, ipv6: false, ipFilter: (x) => x === '127.0.0.1' } });
  const a = factory.createPeerConnection();
  const b = factory.createPeerConnection();
  open.push(a, b);
  a.onicecandidate = (e) => void b.addIceCandidate(e.candidate ?? undefined).catch(() => undefined);
  b.onicecandidate = (e) => void a.addIceCandidate(e.candidate ?? undefined).catch(() => undefined);
  const track = new MediaStreamTrack('video');
  a.addTransceiver(track, { direction: 'sendonly' });
  await negotiate(a, b);
  await Promise.all([connected(a), connected(b)]);
  return { a, b, track };
}

/** A one-packet VP8 frame: the frame tag's P bit 0 for a keyframe. */
const frame = (key: boolean): Uint8Array => new Uint8Array([key ? 0x00 : 0x01, 0, 0, 0]);

describe('the media path says why it drops, with the connection id', () => {
  it('forged SRTP tags and replayed packets: each reason said once by the receiver, then counted', async () => {
    const log = recorder();
    const { a, b, track } = await videoCall(log);
    let forge = 0;
    let replay = 0;
    tapUdp((d, send) => {
      if (isRtp(d) && forge > 0) {
        forge--;
        const forged = d.slice();
        forged[forged.length - 1]! ^= 0xff; // the last byte of the authentication tag
        send(forged); // first: a forged copy must fail authentication, not the replay check
        send(d);
        return;
      }
      send(d);
      if (isRtp(d) && replay > 0) {
        replay--;
        send(d.slice());
      }
    });
    const written = 12;
    forge = written;
    for (let i = 0; i < written; i++) track.writeFrame(frame(i === 0), { timestamp: i * 33_333, keyframe: i === 0 });
    await log.seen(new RegExp(`^warn \\[${b.logId} rtp\\] SRTP auth-failed: 10 so far$`));
    replay = 3;
    for (let i = written; i < written + 3; i++) track.writeFrame(frame(false), { timestamp: i * 33_333 });
    await log.seen(new RegExp(`^debug \\[${b.logId} rtp\\] SRTP packet .* dropped: replayed`));
    await tasks(10);
    const said = (why: string): string[] => log.lines.filter((l) => l.includes(`dropped: ${why}`));
    expect(said('auth-failed')).toEqual([
      expect.stringMatching(new RegExp(
        `^warn \\[${b.logId} rtp\\] SRTP packet ssrc \\d+ seq \\d+ dropped: auth-failed \\(the authentication tag does not verify: altered in transit, or keyed from another DTLS session\\); further ones are counted$`,
      )),
    ]);
    expect(said('replayed')).toEqual([
      expect.stringMatching(new RegExp(`^debug \\[${b.logId} rtp\\] SRTP packet ssrc \\d+ seq \\d+ dropped: replayed \\(a packet index already received: a duplicate, RFC 3711 §3\\.3\\.2\\); further ones are counted$`)),
    ]);
    // Nothing of it on the sender's side.
    expect(log.lines.filter((l) => l.includes(`[${a.logId} rtp] SRTP`))).toEqual([]);
  });

  it('a NACK for a packet the sender no longer holds: the receiver says its NACK, the sender that it cannot answer', async () => {
    const log = recorder();
    const { a, b, track } = await videoCall(log);
    track.writeFrame(frame(true), { timestamp: 0, keyframe: true });
    let lost: number | undefined;
    tapUdp((d, send) => {
      if (isRtp(d) && lost === undefined) {
        lost = seqOf(d); // never sent, and never resent: RTX is another SSRC, and nothing drops it
        return;
      }
      send(d);
    });
    // In one tick, before any NACK can come back: the sender's history (1024 packets) moves past it.
    for (let i = 1; i <= 1100; i++) track.writeFrame(frame(false), { timestamp: i * 33_333 });
    const line = await log.seen(new RegExp(`^debug \\[${a.logId} rtp\\] ssrc \\d+: NACK for packet \\d+, no longer in the history`));
    expect(line).toMatch(/\(1024 packets kept, holding \d+\.\.\d+\); further ones are counted$/);
    expect(log.lines).toContainEqual(expect.stringMatching(new RegExp(`^debug \\[${b.logId} rtp\\] ssrc \\d+: NACK sent for packets? [\\d, ]*\\b${lost}\\b`)));
    expect(log.lines).toContainEqual(expect.stringMatching(new RegExp(`^debug \\[${a.logId} rtp\\] ssrc \\d+: NACK received for packets? `)));
  });
});

/**
 * Attacks on a live connection between two of our peers on 127.0.0.1: a forged DTLS fingerprint,
 * STUN checks without valid integrity from a stranger, SRTP replays and forged tags, DTLS records
 * from a third address, and a data channel message over the peer's max-message-size.
 */
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import type { EncodedFrame, RTCDataChannel, RTCPeerConnection, RTCStats } from '@x/peerconnection';
import { parse } from '@x/sdp';
import { SrtpSession, splitKeyingMaterial } from '@x/srtp';
import {
  attr, decodeMessage, encodeMessage, IceControlling, Priority, shortTermKey, StunClass, StunMethod, Username,
} from '@x/stun';
import { describe, expect, it } from 'vitest';
import { videoTrack } from '../src/pair-contents.js';
import { candidateEndpoint, connected, gathered, loopbackFactory, negotiate, opened, relayedPair } from '../src/relayed-pair.js';
import { startTapRelay, type TapRelay } from '../src/tap-relay.js';
import { encodeVp8, isVp8Keyframe } from '../src/vp8-frames.js';

const factory = loopbackFactory();

/** Two peers with trickle ICE wired both ways, straight on loopback. */
function directPair(f = factory, g = f): { a: RTCPeerConnection; b: RTCPeerConnection; candidatesB: Promise<string[]> } {
  const a = f.createPeerConnection();
  const b = g.createPeerConnection();
  const candidatesB = gathered(b);
  a.onicecandidate = (e) => void b.addIceCandidate(e.candidate ?? undefined).catch(() => undefined);
  b.onicecandidate = (e) => void a.addIceCandidate(e.candidate ?? undefined).catch(() => undefined);
  return { a, b, candidatesB };
}

function nextMessage(ch: RTCDataChannel): Promise<unknown> {
  return new Promise((resolve) => ch.addEventListener('message', (e: Event) => resolve((e as MessageEvent).data), { once: true }));
}

function byType(report: ReadonlyMap<string, RTCStats>, type: string): RTCStats[] {
  return [...report.values()].filter((s) => s.type === type);
}

function udpSocket(): Promise<dgram.Socket> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    s.bind(0, '127.0.0.1', () => resolve(s));
  });
}

describe.concurrent('security', () => {
  it('a DTLS fingerprint that is not the certificate\'s fails the connection', async () => {
    const { a, b } = directPair();
    a.createDataChannel('x');
    await a.setLocalDescription();
    // Change one hex digit of a's fingerprint as b learns it.
    const forged = a.localDescription!.sdp.replace(/(a=fingerprint:sha-256 )([0-9A-F])/, (_m, p: string, h: string) => p + (h === '0' ? '1' : '0'));
    expect(forged).not.toBe(a.localDescription!.sdp);
    // Listen before the answer is applied: b starts checking a's candidates as soon as it has its own
    // description, which may be before a's setRemoteDescription settles.
    const states: string[] = [];
    b.onconnectionstatechange = () => states.push(b.connectionState);
    const failed = new Promise<void>((resolve) => b.addEventListener('connectionstatechange', () => b.connectionState === 'failed' && resolve()));
    await b.setRemoteDescription({ type: 'offer', sdp: forged });
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription!);
    await failed;
    expect(states).toEqual(['connecting', 'failed']);
    expect(b.sctp!.transport.state).toBe('failed');
    a.close();
    b.close();
  });

  it('STUN binding requests without valid MESSAGE-INTEGRITY get no answer and change nothing', async () => {
    const { a, b, candidatesB } = directPair();
    const ch = a.createDataChannel('x', { negotiated: true, id: 0 });
    const chB = b.createDataChannel('x', { negotiated: true, id: 0 });
    await negotiate(a, b);
    await Promise.all([connected(a), connected(b), opened(ch), opened(chB)]);
    const target = candidateEndpoint((await candidatesB)[0]!);
    const local = parse(b.localDescription!.sdp).media[0]!;
    const remote = parse(a.localDescription!.sdp).media[0]!;
    const username = `${local.iceUfrag!}:${remote.iceUfrag!}`;
    // ICE may still move from connected to completed on its own (end of checks); what the forged
    // requests must not cause is any other state: record every change from here on.
    const statesSeen: string[] = [];
    const onIceState = () => statesSeen.push(b.iceConnectionState);
    const onState = () => statesSeen.push(`pc ${b.connectionState}`);
    b.addEventListener('iceconnectionstatechange', onIceState);
    b.addEventListener('connectionstatechange', onState);
    const candidatesBefore = byType(await b.getStats(), 'remote-candidate').length;

    const attacker = await udpSocket();
    const answers: Array<{ id: string; cls: number }> = [];
    attacker.on('message', (data) => {
      const msg = decodeMessage(new Uint8Array(data));
      answers.push({ id: Buffer.from(msg.transactionId).toString('hex'), cls: msg.messageClass });
    });
    const request = (key: Uint8Array | undefined, user = username): Uint8Array => encodeMessage(
      {
        method: StunMethod.Binding,
        messageClass: StunClass.Request,
        attributes: [attr(Username, user), attr(Priority, 0x6e0001ff), attr(IceControlling, 42n)],
      },
      key === undefined ? { fingerprint: true } : { messageIntegrity: key, fingerprint: true },
    );
    const bad = [
      request(undefined), // no MESSAGE-INTEGRITY at all
      request(shortTermKey('not-the-password-of-b-at-all')), // keyed with a wrong password
      request(shortTermKey(remote.icePwd!)), // keyed with the other side's password
      request(shortTermKey(local.icePwd!), `${local.iceUfrag!}:someone-else`), // right key, someone else's username
    ];
    // A check whose integrity is bad after the fact: valid message, last byte of the HMAC flipped.
    const tampered = request(shortTermKey(local.icePwd!));
    const flipped = new Uint8Array(tampered);
    flipped[flipped.length - 8 - 1] ^= 1; // the byte before FINGERPRINT (8 bytes) ends the HMAC
    bad.push(flipped);
    const send = (d: Uint8Array): Promise<void> => new Promise((resolve) => attacker.send(d, target.port, target.address, () => resolve()));
    for (const m of bad) await send(m);
    // A message a sends now reaches b's socket behind them: once it arrives they were all read.
    let got = nextMessage(chB);
    ch.send('probe');
    expect(await got).toBe('probe');
    expect(answers).toEqual([]);
    b.removeEventListener('iceconnectionstatechange', onIceState);
    b.removeEventListener('connectionstatechange', onState);
    expect(b.connectionState).toBe('connected');
    expect(['connected', 'completed']).toContain(b.iceConnectionState);
    expect(statesSeen.filter((s) => s !== 'completed')).toEqual([]);
    expect(byType(await b.getStats(), 'remote-candidate').length).toBe(candidatesBefore);
    // The same request keyed right is answered and makes a peer-reflexive candidate: the checks
    // above could have failed.
    const valid = request(shortTermKey(local.icePwd!));
    const answered = new Promise<void>((resolve) => attacker.on('message', () => resolve()));
    await send(valid);
    await answered;
    expect(answers).toEqual([{ id: Buffer.from(valid.subarray(8, 20)).toString('hex'), cls: StunClass.SuccessResponse }]);
    expect(byType(await b.getStats(), 'remote-candidate').length).toBe(candidatesBefore + 1);
    got = nextMessage(chB);
    ch.send('still fine');
    expect(await got).toBe('still fine');
    attacker.close();
    a.close();
    b.close();
  });

  it('SRTP replays and forged authentication tags are dropped at the peer; the session counts them by reason', async () => {
    const frames = encodeVp8(1, { gop: 30 }).slice(0, 20);
    const video = videoTrack();
    const srtpSeen: Buffer[] = [];
    const pair = await relayedPair<TapRelay>({
      startRelay: (x, y) => startTapRelay(x, y, (direction, d) => {
        // RTP (not RTCP: payload type 192–223) from a to b, RFC 7983's 128–191 range.
        if (direction === 'aToB' && d[0]! >= 128 && d[0]! <= 191 && !(d[1]! >= 192 && d[1]! <= 223)) srtpSeen.push(Buffer.from(d));
      }),
      prepare: video.prepare,
    });
    try {
      await Promise.all([connected(pair.a), connected(pair.b)]);
      const track = await video.remote();
      const got: EncodedFrame[] = [];
      let waiting: { n: number; resolve: () => void } | undefined;
      track.onFrame = (f) => {
        got.push(f);
        if (waiting !== undefined && got.length >= waiting.n) waiting.resolve();
      };
      const until = (n: number): Promise<void> => new Promise((resolve) => {
        if (got.length >= n) resolve();
        else waiting = { n, resolve };
      });
      const write = (i: number): void => video.local.writeFrame(frames[i]!, { timestamp: i * 33_333, keyframe: isVp8Keyframe(frames[i]!) });
      for (let i = 0; i < frames.length - 1; i++) write(i);
      await until(frames.length - 1);
      expect(srtpSeen.length).toBeGreaterThan(frames.length - 2);
      // Replays of every packet b already took, and forged copies: one tag byte changed, or the
      // payload changed under the old tag.
      for (const p of srtpSeen) pair.relay.inject('aToB', p);
      for (const p of srtpSeen) {
        const forged = Buffer.from(p);
        forged[forged.length - 1] ^= 0x80;
        pair.relay.inject('aToB', forged);
        const body = Buffer.from(p);
        body[20] ^= 0x01;
        pair.relay.inject('aToB', body);
      }
      // The last frame goes after them on the same path, so they were all read once it arrives.
      write(frames.length - 1);
      await until(frames.length);
      expect(got.map((f, i) => Buffer.from(f.data).equals(Buffer.from(frames[i]!)))).toEqual(frames.map(() => true));
      const [sent, received] = await Promise.all([pair.a.getStats(), pair.b.getStats()]);
      const inbound = byType(received, 'inbound-rtp')[0]!;
      const outbound = byType(sent, 'outbound-rtp')[0]!;
      expect(inbound['packetsReceived']).toBe(outbound['packetsSent']);
      expect(inbound['framesReceived']).toBe(frames.length);
    } finally {
      await pair.close();
    }

    // The counting itself, on an SrtpSession pair keyed as DTLS-SRTP would key it.
    const keys = splitKeyingMaterial('SRTP_AES128_CM_HMAC_SHA1_80', randomBytes(60));
    const sender = new SrtpSession({ profile: 'SRTP_AES128_CM_HMAC_SHA1_80', keys, role: 'client' });
    const receiver = new SrtpSession({ profile: 'SRTP_AES128_CM_HMAC_SHA1_80', keys, role: 'server' });
    const rtp = (seq: number): Uint8Array => {
      const p = new Uint8Array(12 + 100);
      p.set([0x80, 96, seq >> 8, seq & 0xff, 0, 0, 0, seq, 1, 2, 3, 4]);
      return p;
    };
    const packets = [1, 2, 3].map((s) => Uint8Array.from(sender.protectRtp(rtp(s))));
    for (const p of packets) expect(receiver.tryUnprotectRtp(p)).toBeDefined();
    for (const p of packets) expect(receiver.tryUnprotectRtp(p)).toBeUndefined();
    const forged = Uint8Array.from(sender.protectRtp(rtp(4)));
    forged[forged.length - 1]! ^= 1;
    expect(receiver.tryUnprotectRtp(forged)).toBeUndefined();
    expect(receiver.stats.dropped.replayed).toBe(3);
    expect(receiver.stats.dropped['auth-failed']).toBe(1);
    expect(receiver.stats.rtpUnprotected).toBe(3);
  }, 40_000);

  it('DTLS records from a third address are ignored: the connection and its channel go on', async () => {
    const dtlsSeen: Buffer[] = [];
    let tx: RTCDataChannel | undefined;
    let rx: RTCDataChannel | undefined;
    const pair = await relayedPair<TapRelay>({
      startRelay: (x, y) => startTapRelay(x, y, (direction, d) => {
        if (direction === 'aToB' && d[0]! >= 20 && d[0]! <= 63) dtlsSeen.push(Buffer.from(d));
      }),
      prepare: (a, b) => {
        tx = a.createDataChannel('x', { negotiated: true, id: 0 });
        rx = b.createDataChannel('x', { negotiated: true, id: 0 });
      },
    });
    try {
      await Promise.all([connected(pair.a), connected(pair.b), opened(tx!), opened(rx!)]);
      let got = nextMessage(rx!);
      tx!.send('before');
      expect(await got).toBe('before');
      const stranger = await udpSocket();
      const target = pair.relay.endpointB;
      const send = (d: Uint8Array): Promise<void> => new Promise((resolve) => stranger.send(d, target.port, target.address, () => resolve()));
      // Every record a sent so far (handshake, then application data), from a third address; then
      // a fatal alert and a close_notify in the clear, which b would obey from its real peer.
      const alerts = [
        Buffer.from([21, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0x7f, 0, 2, 2, 40]),
        Buffer.from([21, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 0, 0x7f, 0, 2, 1, 0]),
      ];
      expect(dtlsSeen.length).toBeGreaterThan(3);
      for (const d of [...dtlsSeen, ...alerts]) await send(d);
      // Sent after them, the next message reaches b's socket behind them.
      got = nextMessage(rx!);
      tx!.send('after');
      expect(await got).toBe('after');
      expect(pair.b.connectionState).toBe('connected');
      expect(pair.b.sctp!.transport.state).toBe('connected');
      stranger.close();
    } finally {
      await pair.close();
    }
  });

  it('a data channel message over the peer\'s max-message-size is refused with TypeError, not truncated', async () => {
    const small = loopbackFactory({}, { maxMessageSize: 1024 });
    const { a, b } = directPair(factory, small);
    const ch = a.createDataChannel('x', { negotiated: true, id: 0 });
    const chB = b.createDataChannel('x', { negotiated: true, id: 0 });
    await negotiate(a, b);
    await Promise.all([opened(ch), opened(chB)]);
    expect(a.sctp!.maxMessageSize).toBe(1024);
    chB.binaryType = 'arraybuffer';
    const received: unknown[] = [];
    chB.onmessage = (e: MessageEvent) => received.push(e.data);
    expect(() => ch.send(new Uint8Array(1025))).toThrow(TypeError);
    // 342 three-byte characters: 1026 bytes of UTF-8 though only 342 UTF-16 units.
    expect(() => ch.send('€'.repeat(342))).toThrow(TypeError);
    expect(ch.readyState).toBe('open');
    const last = nextMessage(chB);
    const exact = randomBytes(1024);
    ch.send(exact);
    const data = new Uint8Array((await last) as ArrayBuffer);
    expect(Buffer.from(data).equals(exact)).toBe(true);
    expect(received).toHaveLength(1);
    a.close();
    b.close();
  });
});

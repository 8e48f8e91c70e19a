/**
 * Two of our peers on 127.0.0.1: ICE, DTLS and SCTP for real, data channels both ways.
 */
import { parse } from '@x/sdp';
import { describe, expect, it } from 'vitest';
import type { RTCDataChannel, RTCDataChannelEvent, RTCPeerConnection, RTCPeerConnectionIceEvent } from '../src/index.js';
import { connected, loopback, negotiate, negotiateForgedFingerprint, next, tasks } from './helpers.js';

function udpSockets(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap').length;
}

/** Wires trickle ICE both ways and records what each side saw. */
function pair(): { a: RTCPeerConnection; b: RTCPeerConnection; log: Record<'a' | 'b', string[]>; candidates: Record<'a' | 'b', Array<string | null>> } {
  const a = loopback.createPeerConnection();
  const b = loopback.createPeerConnection();
  const log = { a: [] as string[], b: [] as string[] };
  const candidates = { a: [] as Array<string | null>, b: [] as Array<string | null> };
  for (const [name, self, other] of [['a', a, b], ['b', b, a]] as const) {
    self.onicecandidate = (e: RTCPeerConnectionIceEvent) => {
      candidates[name].push(e.candidate?.candidate ?? null);
      log[name].push(e.candidate === null ? 'candidate:null' : 'candidate');
      void other.addIceCandidate(e.candidate ?? undefined).catch(() => log[name].push('addIceCandidate failed'));
    };
    self.onicegatheringstatechange = () => log[name].push(`gathering:${self.iceGatheringState}`);
    self.oniceconnectionstatechange = () => log[name].push(`ice:${self.iceConnectionState}`);
    self.onconnectionstatechange = () => log[name].push(`connection:${self.connectionState}`);
  }
  return { a, b, log, candidates };
}

function message(ch: RTCDataChannel): Promise<unknown> {
  return next<MessageEvent>(ch, 'message').then((e) => e.data);
}

describe('two peers on loopback', () => {
  it('connect, open channels both ways, exchange messages, close one channel, then close cleanly', async () => {
    const sockets = udpSockets();
    const { a, b, log, candidates } = pair();

    const negotiatedA = a.createDataChannel('pre', { negotiated: true, id: 42 });
    const negotiatedB = b.createDataChannel('pre', { negotiated: true, id: 42 });
    const inband = a.createDataChannel('chat', { protocol: 'json', ordered: true });
    const remote = new Promise<RTCDataChannel>((resolve) => {
      b.ondatachannel = (e: RTCDataChannelEvent<RTCDataChannel>) => resolve(e.channel);
    });

    // A transceiver's transport exists from the offer on (pc.sctp only from the answer).
    const audio = a.addTransceiver('audio', { direction: 'inactive' });
    await next(a, 'negotiationneeded');
    await a.setLocalDescription();
    // The transport objects fire before the peer connection's aggregate events.
    const order: string[] = [];
    const iceT = audio.sender.transport!.iceTransport;
    iceT.addEventListener('statechange', () => order.push(`transport:${iceT.state}`));
    a.addEventListener('iceconnectionstatechange', () => order.push(`pc:${a.iceConnectionState}`));
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription!);
    await Promise.all([connected(a), connected(b), next(inband, 'open'), next(negotiatedA, 'open'), negotiatedB.readyState === 'open' ? undefined : next(negotiatedB, 'open')]);

    // States, in the order the spec gives them.
    expect(a.iceConnectionState === 'connected' || a.iceConnectionState === 'completed').toBe(true);
    expect(log.a.filter((x) => x.startsWith('connection:'))).toEqual(['connection:connecting', 'connection:connected']);
    expect(log.b.filter((x) => x.startsWith('connection:'))).toEqual(['connection:connecting', 'connection:connected']);
    expect(log.a.indexOf('ice:checking')).toBeLessThan(log.a.indexOf('connection:connecting'));

    expect(order.slice(0, 4)).toEqual(['transport:checking', 'pc:checking', 'transport:connected', 'pc:connected']);
    expect(a.canTrickleIceCandidates).toBe(true);

    // In-band channel announced on b with a's options and the DTLS server's (a's) odd id.
    const chat = await remote;
    expect(chat.label).toBe('chat');
    expect(chat.protocol).toBe('json');
    expect(chat.id).toBe(inband.id);
    expect(inband.id! % 2).toBe(1);
    if (chat.readyState !== 'open') await next(chat, 'open');

    // Strings, binary (ArrayBuffer, view, Blob) both ways.
    let got = message(chat);
    inband.send('hello');
    expect(await got).toBe('hello');
    got = message(inband);
    chat.send(new Uint8Array([1, 2, 3]));
    expect(new Uint8Array((await got) as ArrayBuffer)).toEqual(new Uint8Array([1, 2, 3]));
    got = message(negotiatedB);
    negotiatedA.send(new Uint16Array([0x0102, 0x0304]).subarray(1));
    expect(new Uint8Array((await got) as ArrayBuffer)).toEqual(new Uint8Array(new Uint16Array([0x0304]).buffer));
    chat.binaryType = 'blob';
    got = message(chat);
    inband.send(new Blob(['bl', 'ob']));
    const blob = (await got) as Blob;
    expect(blob).toBeInstanceOf(Blob);
    expect(await blob.text()).toBe('blob');
    // Order is kept behind a Blob being read.
    const seen: unknown[] = [];
    const three = new Promise<void>((resolve) => {
      negotiatedB.onmessage = (e: MessageEvent) => {
        seen.push(e.data);
        if (seen.length === 3) resolve();
      };
    });
    negotiatedA.send(new Blob(['1']));
    negotiatedA.send('2');
    negotiatedA.send(new ArrayBuffer(3));
    await three;
    expect(seen[0]).toBeInstanceOf(ArrayBuffer);
    expect(seen[1]).toBe('2');
    expect((seen[2] as ArrayBuffer).byteLength).toBe(3);

    // Too large for the peer's max-message-size: TypeError, and the channel goes on.
    expect(() => inband.send(new Uint8Array(262145))).toThrow(TypeError);

    // Close the in-band channel; the remote side sees closing then close; the other channel goes on.
    const remoteEvents: string[] = [];
    chat.onclosing = () => remoteEvents.push('closing');
    const remoteClosed = next(chat, 'close');
    const localClosed = next(inband, 'close');
    inband.close();
    expect(inband.readyState).toBe('closing');
    await Promise.all([remoteClosed, localClosed]);
    expect(remoteEvents).toEqual(['closing']);
    expect(chat.readyState).toBe('closed');
    got = message(negotiatedB);
    negotiatedA.send('still here');
    expect(await got).toBe('still here');

    // Trickle: host candidates on 127.0.0.1 only, then null; the local description has them too.
    expect(candidates.a.at(-1)).toBeNull();
    expect(candidates.a.slice(0, -1).every((c) => c !== null && / 127\.0\.0\.1 \d+ typ host/.test(c))).toBe(true);
    // Gathering events in the browser's order: gathering, candidates, complete, then null.
    const g = log.a.filter((x) => x.startsWith('gathering') || x.startsWith('candidate'));
    expect(g[0]).toBe('gathering:gathering');
    expect(g.slice(-2)).toEqual(['gathering:complete', 'candidate:null']);
    expect(g.slice(1, -2).every((x) => x === 'candidate')).toBe(true);
    const tag = parse(a.localDescription!.sdp).media[0]!;
    expect(tag.candidates.length).toBe(candidates.a.length - 1);
    expect(tag.endOfCandidates).toBe(true);

    // Stats from the parts.
    const stats = [...(await a.getStats()).values()];
    const transport = stats.find((s) => s.type === 'transport')!;
    expect(transport['dtlsState']).toBe('connected');
    expect(transport['dtlsRole']).toBe('server');
    const selected = stats.find((s) => s.id === transport['selectedCandidatePairId'])!;
    expect(selected.type).toBe('candidate-pair');
    expect(selected['state']).toBe('succeeded');
    // DTLS handshake and the messages above went over the selected pair.
    expect(selected['bytesSent']).toBeGreaterThan(1000);
    expect(selected['bytesSent']).toBe(transport['bytesSent']);
    expect(transport['bytesReceived']).toBeGreaterThan(1000);
    expect(stats.find((s) => s.id === selected['localCandidateId'])?.['address']).toBe('127.0.0.1');
    expect(stats.filter((s) => s.type === 'certificate')).toHaveLength(2);
    const dc = stats.find((s) => s.type === 'data-channel' && s['label'] === 'pre')!;
    expect(dc['messagesSent']).toBe(5);
    const pcStats = stats.find((s) => s.type === 'peer-connection')!;
    expect(pcStats['dataChannelsClosed']).toBe(1);

    // The W3C transport objects reflect the parts.
    const sctp = a.sctp!;
    expect(sctp.state).toBe('connected');
    expect(sctp.maxMessageSize).toBe(262144);
    expect(sctp.maxChannels).toBe(65535);
    expect(sctp.transport.state).toBe('connected');
    expect(sctp.transport.iceTransport).toBe(iceT);
    expect(iceT.role).toBe('controlling');
    expect(b.sctp!.transport.iceTransport.role).toBe('controlled');
    expect(iceT.getSelectedCandidatePair()!.local.address).toBe('127.0.0.1');
    expect(iceT.getLocalParameters()!.usernameFragment).toBe(tag.iceUfrag);
    const [remoteCert] = sctp.transport.getRemoteCertificates();
    const { createHash } = await import('node:crypto');
    const fingerprint = createHash('sha256').update(new Uint8Array(remoteCert!)).digest('hex').match(/../g)!.join(':');
    expect(fingerprint).toBe(parse(b.localDescription!.sdp).media[0]!.fingerprints[0]!.value.toLowerCase());

    // Close: no state events, every socket released.
    const after: string[] = [];
    a.onconnectionstatechange = () => after.push('a');
    a.close();
    b.close();
    expect(a.connectionState).toBe('closed');
    expect(negotiatedA.readyState).toBe('closed');
    await tasks(5);
    expect(after).toEqual([]);
    expect(udpSockets()).toBe(sockets);
  });

  it('fails DTLS when the remote fingerprint is not the certificate\'s', async () => {
    const sockets = udpSockets();
    const { a, b } = pair();
    a.createDataChannel('x');
    await negotiateForgedFingerprint(a, b);
    const dtlsEvents: string[] = [];
    const failed = new Promise<void>((resolve) => {
      b.addEventListener('connectionstatechange', () => b.connectionState === 'failed' && resolve());
    });
    b.sctp!.transport.addEventListener('error', (e) => dtlsEvents.push(`error:${(e as unknown as { error: { errorDetail: string } }).error.errorDetail}`));
    b.sctp!.transport.addEventListener('statechange', () => dtlsEvents.push(b.sctp!.transport.state));
    await failed;
    expect(b.connectionState).toBe('failed');
    expect(dtlsEvents).toEqual(['connecting', 'error:fingerprint-failure', 'failed']);
    a.close();
    b.close();
    await tasks(5);
    expect(udpSockets()).toBe(sockets);
  });

  it('restarts ICE with new credentials and keeps the data channel working', async () => {
    const sockets = udpSockets();
    const { a, b } = pair();
    const ch = a.createDataChannel('x', { negotiated: true, id: 0 });
    const chB = b.createDataChannel('x', { negotiated: true, id: 0 });
    await negotiate(a, b);
    await Promise.all([connected(a), connected(b), next(ch, 'open')]);
    const before = parse(a.currentLocalDescription!.sdp).media[0]!.iceUfrag;
    const remoteBefore = parse(b.currentLocalDescription!.sdp).media[0]!.iceUfrag;
    a.restartIce();
    await next(a, 'negotiationneeded');
    const gathering = next(a, 'icegatheringstatechange');
    await negotiate(a, b);
    await gathering;
    expect(parse(a.currentLocalDescription!.sdp).media[0]!.iceUfrag).not.toBe(before);
    expect(parse(b.currentLocalDescription!.sdp).media[0]!.iceUfrag).not.toBe(remoteBefore);
    // New checks run with the new credentials; the connection and the channel stay up.
    const stats = async (): Promise<unknown> => [...(await a.getStats()).values()].find((s) => s.type === 'transport')!['iceLocalUsernameFragment'];
    expect(await stats()).toBe(parse(a.currentLocalDescription!.sdp).media[0]!.iceUfrag);
    const got = message(chB);
    ch.send('after restart');
    expect(await got).toBe('after restart');
    expect(a.connectionState).toBe('connected');
    a.close();
    b.close();
    await tasks(5);
    expect(udpSockets()).toBe(sockets);
  });

  it('when the peer closes, the other side\'s channels fire error (sctp-failure) then close', async () => {
    const sockets = udpSockets();
    const { a, b } = pair();
    const ch = a.createDataChannel('x');
    const other = a.createDataChannel('y', { negotiated: true, id: 100 });
    b.createDataChannel('y', { negotiated: true, id: 100 });
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription!);
    await Promise.all([next(ch, 'open'), next(other, 'open')]);
    const events: string[] = [];
    for (const c of [ch, other]) {
      c.addEventListener('error', (e) => events.push(`${c.label}:error:${(e as unknown as { error: { errorDetail: string } }).error.errorDetail}`));
      c.addEventListener('close', () => events.push(`${c.label}:close`));
    }
    const closed = Promise.all([next(ch, 'close'), next(other, 'close')]);
    b.close();
    await closed;
    expect(events.filter((e) => e.startsWith('x'))).toEqual(['x:error:sctp-failure', 'x:close']);
    expect(events.filter((e) => e.startsWith('y'))).toEqual(['y:error:sctp-failure', 'y:close']);
    expect(a.signalingState).toBe('stable');
    a.close();
    await tasks(5);
    expect(udpSockets()).toBe(sockets);
  });

  it('counts bufferedAmount at send time and fires bufferedamountlow when it drains', async () => {
    const { a, b } = pair();
    const ch = a.createDataChannel('bulk', { negotiated: true, id: 1 });
    const rx = b.createDataChannel('bulk', { negotiated: true, id: 1 });
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription!);
    await next(ch, 'open');
    let received = 0;
    const all = new Promise<void>((resolve) => {
      rx.onmessage = (e: MessageEvent) => {
        received += (e.data as ArrayBuffer).byteLength;
        if (received === 32 * 16384) resolve();
      };
    });
    ch.bufferedAmountLowThreshold = 16384;
    const low = next(ch, 'bufferedamountlow');
    for (let i = 0; i < 32; i++) ch.send(new Uint8Array(16384));
    // The spec increases bufferedAmount synchronously in send().
    expect(ch.bufferedAmount).toBe(32 * 16384);
    await low;
    expect(ch.bufferedAmount).toBeLessThanOrEqual(16384);
    await all;
    a.close();
    b.close();
  });

  it('carries every in-band option to the peer through DCEP', async () => {
    const { a, b } = pair();
    const made = [
      a.createDataChannel('rexmit', { ordered: false, maxRetransmits: 0, protocol: 'p1', priority: 'high' }),
      a.createDataChannel('timed', { maxPacketLifeTime: 150, priority: 'very-low' }),
      a.createDataChannel('reliable', { priority: 'medium' }),
    ];
    const seen = new Map<string, RTCDataChannel>();
    const all = new Promise<void>((resolve) => {
      b.ondatachannel = (e: RTCDataChannelEvent<RTCDataChannel>) => {
        seen.set(e.channel.label, e.channel);
        if (seen.size === made.length) resolve();
      };
    });
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription!);
    await all;
    for (const local of made) {
      const remote = seen.get(local.label)!;
      expect([remote.ordered, remote.maxRetransmits, remote.maxPacketLifeTime, remote.protocol, remote.priority, remote.negotiated, remote.id])
        .toEqual([local.ordered, local.maxRetransmits, local.maxPacketLifeTime, local.protocol, local.priority, false, local.id]);
    }
    // Unordered, no retransmissions: on loopback the message still arrives.
    const rx = seen.get('rexmit')!;
    if (made[0]!.readyState !== 'open') await next(made[0]!, 'open');
    const got = message(rx);
    made[0]!.send('fast');
    expect(await got).toBe('fast');
    a.close();
    b.close();
  });

  it('closes mid-handshake with no socket or timer left behind', async () => {
    const resources = (): Record<string, number> => {
      const out: Record<string, number> = {};
      for (const r of process.getActiveResourcesInfo()) out[r] = (out[r] ?? 0) + 1;
      return out;
    };
    await tasks(5); // earlier tests' sockets close on a later task
    const before = resources();
    const { a, b } = pair();
    a.createDataChannel('x');
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription!);
    // Checks, DTLS retransmission and SCTP timers are armed somewhere in here.
    await next(a, 'iceconnectionstatechange');
    a.close();
    b.close();
    await tasks(5);
    const after = resources();
    expect(after['UDPWrap'] ?? 0).toBe(before['UDPWrap'] ?? 0);
    expect(after['Timeout'] ?? 0).toBeLessThanOrEqual(before['Timeout'] ?? 0);
  });
});

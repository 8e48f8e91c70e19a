// W3C WebRTC §5.5 RTCDtlsTransport state and statechange (WPT webrtc/RTCDtlsTransport-state.html).
// The transceivers' transport reaches connected on both sides; closing a connection closes its
// own transport at once (no event) and the peer's with a statechange (it gets our close_notify);
// stopping one of two bundled transceivers leaves the other on the same, still connected,
// transport.
import { afterEach, describe, expect, it } from 'vitest';
import { MediaStreamTrack, RTCDtlsTransport, type RTCPeerConnection } from '../../src/index.js';
import { loopbackPair, negotiate, next, tasks } from '../helpers.js';

const open: RTCPeerConnection[] = [];
afterEach(() => {
  for (const p of open.splice(0)) p.close();
});

function when(t: RTCDtlsTransport, state: string): Promise<void> {
  return new Promise((resolve) => {
    if (t.state === state) return resolve();
    t.addEventListener('statechange', () => t.state === state && resolve());
  });
}

async function connectedPair(kinds: ('audio' | 'video')[] = ['audio']): Promise<{ a: RTCPeerConnection; b: RTCPeerConnection; ta: RTCDtlsTransport; tb: RTCDtlsTransport }> {
  const { a, b } = loopbackPair();
  open.push(a, b);
  for (const k of kinds) a.addTransceiver(new MediaStreamTrack(k));
  await negotiate(a, b);
  const ta = a.getTransceivers()[0]!.sender.transport!;
  const tb = b.getTransceivers()[0]!.sender.transport!;
  expect(ta).toBeInstanceOf(RTCDtlsTransport);
  expect(tb).toBeInstanceOf(RTCDtlsTransport);
  await Promise.all([when(ta, 'connected'), when(tb, 'connected')]);
  return { a, b, ta, tb };
}

describe('RTCDtlsTransport state', () => {
  it('goes new -> connecting -> connected, each with a statechange', async () => {
    const { a, b } = loopbackPair();
    open.push(a, b);
    const sender = a.addTrack(new MediaStreamTrack('audio'));
    await a.setLocalDescription();
    const t = sender.transport!;
    expect(t.state).toBe('new');
    const states: string[] = [];
    t.onstatechange = () => states.push(t.state);
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription!);
    await when(t, 'connected');
    expect(states).toEqual(['connecting', 'connected']);
    expect(t.getRemoteCertificates()).toHaveLength(1);
  });

  it('is closed at once, without an event, when our connection closes', async () => {
    const { a, ta } = await connectedPair();
    let fired = 0;
    ta.onstatechange = () => fired++;
    a.close();
    expect(ta.state).toBe('closed');
    await tasks(5);
    expect(fired).toBe(0);
  });

  it('is closed with a statechange at the peer when the other connection closes', async () => {
    const { a, tb } = await connectedPair();
    const closed = next(tb, 'statechange');
    a.close();
    await closed;
    expect(tb.state).toBe('closed');
  });

  it('stays connected, the same object, for a bundled transceiver when another one is stopped', async () => {
    const { a, b, ta } = await connectedPair(['video', 'audio']);
    const [video, audio] = a.getTransceivers();
    expect(video!.sender.transport).toBe(audio!.sender.transport);
    expect(video!.sender.transport).toBe(video!.receiver.transport);
    const ended = next(video!.receiver.track, 'ended');
    video!.stop();
    await ended;
    await negotiate(a, b);
    expect(a.getSenders()).toEqual([audio!.sender]);
    expect(a.getReceivers()).toEqual([audio!.receiver]);
    expect(audio!.sender.transport).toBe(ta);
    expect(ta.state).toBe('connected');
  });
});

// W3C WebRTC §6.1.1 RTCSctpTransport state and statechange (the cases of WPT
// webrtc/RTCSctpTransport-events.html, which the index we read WPT from does not hold; written
// from the spec). The transport is connecting until the association is up, then connected
// (statechange, maxChannels known); closing our connection makes it closed without an event;
// the peer closing its connection (an SCTP ABORT) makes it closed with a statechange.
import { describe, expect, it } from 'vitest';
import { loopbackPair, negotiate, next, tasks } from '../helpers.js';
import { channelPairs } from './channels.js';

const pair = channelPairs();

describe('RTCSctpTransport state', () => {
  it('is connected once the association is up, with a statechange, and maxChannels a stream count', async () => {
    const { a, b } = await pair();
    // channelPairs waits for open channels: the association is up on both sides.
    for (const p of [a, b]) {
      expect(p.sctp!.state).toBe('connected');
      expect(p.sctp!.maxChannels).toBeGreaterThan(0);
      expect(p.sctp!.maxChannels).toBeLessThanOrEqual(65535);
      expect(p.sctp!.transport.state).toBe('connected');
    }
  });

  it('fires statechange for connecting -> connected', async () => {
    const { a, b } = loopbackPair();
    try {
      a.createDataChannel('x');
      const states: string[] = [];
      await negotiate(a, b);
      a.sctp!.onstatechange = () => states.push(a.sctp!.state);
      expect(a.sctp!.state).toBe('connecting');
      await next(a.sctp!, 'statechange');
      expect(states).toEqual(['connected']);
    } finally {
      a.close();
      b.close();
    }
  });

  it('is closed at once when our connection closes, without an event', async () => {
    const { a } = await pair();
    const sctp = a.sctp!;
    let fired = 0;
    sctp.onstatechange = () => fired++;
    a.close();
    expect(sctp.state).toBe('closed');
    expect(a.sctp).toBe(sctp);
    await tasks(5);
    expect(fired).toBe(0);
  });

  it('is closed with a statechange when the peer closes its connection', async () => {
    const { a, b } = await pair();
    const sctp = b.sctp!;
    const closed = next(sctp, 'statechange');
    a.close();
    await closed;
    expect(sctp.state).toBe('closed');
  });
});

// W3C WebRTC §6.1.1 RTCSctpTransport.maxChannels (WPT webrtc/RTCSctpTransport-maxChannels.html):
// null until the association is up; then the number of streams it can use, the smaller of the
// two sides' counts (ours and what the peer's INIT or INIT ACK allowed), so the same on both.
import type { Association } from '@x/sctp';
import { describe, expect, it } from 'vitest';
import type { RTCDtlsTransport, RTCPeerConnection } from '../../src/index.js';
import { RTCSctpTransport } from '../../src/index.js';
import type { TransportController } from '../../src/transport-controller.js';
import { closedAfterEach, exchange } from '../helpers.js';
import { channelPairs } from './channels.js';

const pc = closedAfterEach();
const pair = channelPairs();

/** The SCTP association under a connection (internal to the package). */
function association(p: RTCPeerConnection): Association | undefined {
  return (p.sctp?.transport as unknown as { controller: TransportController } | undefined)?.controller.sctp?.association;
}

describe('maxChannels', () => {
  it('is null on a transport that is not connected', async () => {
    const a = pc();
    const b = pc();
    a.createDataChannel('x');
    await exchange(a, b);
    expect(a.sctp).not.toBeNull();
    expect(a.sctp!.state).toBe('connecting');
    expect(a.sctp!.maxChannels).toBeNull();
  });

  it('once connected: the streams the association uses, the same on both sides', async () => {
    const { a, b } = await pair();
    for (const p of [a, b]) expect(p.sctp!.maxChannels).toBe(association(p)!.outboundStreams);
    expect(a.sctp!.maxChannels).toBe(b.sctp!.maxChannels);
  });

  it('takes the count the association settled on, not a fixed 65535', () => {
    const t = new (RTCSctpTransport as unknown as new (d: RTCDtlsTransport, m: () => number) => RTCSctpTransport)({} as RTCDtlsTransport, () => 65536);
    (t as unknown as { setState(s: string, fire: boolean, n: number): void }).setState('connected', false, 300);
    expect(t.maxChannels).toBe(300);
  });
});

// W3C WebRTC §5.3 RTCRtpReceiver.getParameters (WPT webrtc/RTCRtpReceiver-getParameters.html):
// empty codecs and header extensions before negotiation, the negotiated ones after; rtcp has
// reducedSize but no cname (the receiver's parameters leave it out; the sender's carry ours).
import { describe, expect, it } from 'vitest';
import { closedAfterEach, exchange } from '../helpers.js';

const pc = closedAfterEach();

describe('receiver.getParameters', () => {
  it.each(['audio', 'video'] as const)('%s: no rtcp.cname, before and after negotiation; the sender has one', async (kind) => {
    const a = pc();
    const b = pc();
    const { receiver, sender } = a.addTransceiver(kind);
    const before = receiver.getParameters();
    expect(before.codecs).toEqual([]);
    expect(before.headerExtensions).toEqual([]);
    expect('cname' in before.rtcp).toBe(false);
    await exchange(a, b);
    const after = receiver.getParameters();
    expect(after.codecs.length).toBeGreaterThan(0);
    expect(after.codecs.every((c) => c.mimeType.startsWith(`${kind}/`))).toBe(true);
    expect(after.rtcp.reducedSize).toBe(true);
    expect('cname' in after.rtcp).toBe(false);
    expect(typeof sender.getParameters().rtcp.cname).toBe('string');
  });
});

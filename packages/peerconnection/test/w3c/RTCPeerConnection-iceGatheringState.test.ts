// W3C WebRTC §4.3.2 RTCIceGatheringState (WPT webrtc/RTCPeerConnection-iceGatheringState.html):
// `new` when there are no transports. A negotiation that rejects every section leaves none
// (RFC 8829 §5.10), so both ends are `new` again as soon as the answer is applied, and a later
// offer starts a fresh transport that gathers again. By the time gathering is complete the local
// description carries a=end-of-candidates (RFC 8840 §4.2, the current WPT).
import { describe, expect, it } from 'vitest';
import { closedAfterEach, exchange, gathered, next } from '../helpers.js';

const pc = closedAfterEach();

describe('iceGatheringState', () => {
  it('is complete only once the local description says a=end-of-candidates', async () => {
    const a = pc();
    a.addTransceiver('audio', { direction: 'recvonly' });
    const seen: boolean[] = [];
    a.onicegatheringstatechange = () => seen.push(a.localDescription!.sdp.includes('a=end-of-candidates'));
    await a.setLocalDescription();
    await gathered(a);
    expect(seen.at(-1)).toBe(true);
    expect(a.pendingLocalDescription!.sdp).toContain('a=end-of-candidates');
  });

  it('is new on both ends once a renegotiation rejected every section, and gathers again for a new one', async () => {
    const a = pc();
    const b = pc();
    a.addTransceiver('audio', { direction: 'recvonly' });
    await exchange(a, b);
    await Promise.all([gathered(a), gathered(b)]);
    const aNew = next(a, 'icegatheringstatechange');
    const bNew = next(b, 'icegatheringstatechange');
    a.getTransceivers()[0]!.stop();
    await a.setLocalDescription(await a.createOffer());
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription(await b.createAnswer());
    expect(b.getTransceivers()).toHaveLength(0);
    expect(b.iceGatheringState).toBe('new');
    await bNew;
    await a.setRemoteDescription(b.localDescription!);
    expect(a.getTransceivers()).toHaveLength(0);
    expect(a.iceGatheringState).toBe('new');
    await aNew;
    const t = a.addTransceiver('video');
    await exchange(a, b);
    expect(t.sender.transport).not.toBeNull();
    await Promise.all([gathered(a), gathered(b)]);
  });
});

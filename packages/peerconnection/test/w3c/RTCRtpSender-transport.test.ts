// W3C WebRTC §5.2 RTCRtpSender.transport, §5.3 RTCRtpReceiver.transport and §4.4.1.5 "set the
// description" (WPT webrtc/RTCRtpSender-transport.https.html). Both are null until a description
// that gives the transceiver its transport is applied: a local description of any type, or a
// remote answer or pranswer. A remote offer does not set them; our answer does. Bundled sections
// share one RTCDtlsTransport, and the sender's is the receiver's. We bundle every section whatever
// the bundlePolicy (see the README), so WPT's distinct transports for balanced and max-compat
// offers are not asserted.
import { describe, expect, it } from 'vitest';
import { MediaStreamTrack, RTCDtlsTransport, RTCIceTransport } from '../../src/index.js';
import { closedAfterEach } from '../helpers.js';

const pc = closedAfterEach();

describe('sender and receiver transport', () => {
  it('is null for a new transceiver, and for an offer created but not applied', async () => {
    const a = pc();
    const sender = a.addTrack(new MediaStreamTrack('audio'));
    expect(sender.transport).toBeNull();
    await a.createOffer();
    expect(sender.transport).toBeNull();
    expect(a.getTransceivers()[0]!.receiver.transport).toBeNull();
  });

  it.each(['balanced', 'max-bundle', 'max-compat'] as const)('is set by the local offer, not by a remote offer, and by the local answer (%s)', async (bundlePolicy) => {
    const a = pc({ bundlePolicy });
    const b = pc();
    const s1 = a.addTrack(new MediaStreamTrack('audio'));
    const s2 = a.addTrack(new MediaStreamTrack('video'));
    const offer = await a.createOffer();
    await a.setLocalDescription(offer);
    expect(s1.transport).toBeInstanceOf(RTCDtlsTransport);
    expect(s2.transport).toBeInstanceOf(RTCDtlsTransport);
    const [t1, t2] = a.getTransceivers();
    expect(t1!.sender.transport).toBe(t1!.receiver.transport);
    expect(t1!.sender.transport!.iceTransport).toBeInstanceOf(RTCIceTransport);
    if (bundlePolicy === 'max-bundle') expect(t1!.sender.transport).toBe(t2!.sender.transport);

    await b.setRemoteDescription(offer);
    const [r1, r2] = b.getTransceivers();
    expect([r1!.sender.transport, r1!.receiver.transport, r2!.sender.transport, r2!.receiver.transport]).toEqual([null, null, null, null]);
    await b.setLocalDescription();
    expect(r1!.receiver.transport).toBeInstanceOf(RTCDtlsTransport);
    expect(r1!.receiver.transport).toBe(r2!.receiver.transport);
    expect(r1!.sender.transport).toBe(r1!.receiver.transport);

    await a.setRemoteDescription(b.localDescription!);
    expect(t1!.receiver.transport).toBe(t2!.receiver.transport);
  });

  it('leaves a transceiver a remote offer made without a transport until our answer; the remote answer keeps the offerer\'s', async () => {
    const a = pc();
    const b = pc();
    b.addTransceiver('audio');
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription!);
    const [t] = a.getTransceivers();
    expect(t!.receiver.transport).toBeNull();
    await a.setLocalDescription();
    expect(t!.receiver.transport).toBeInstanceOf(RTCDtlsTransport);
    await b.setRemoteDescription(a.localDescription!);
    expect(b.getTransceivers()[0]!.receiver.transport).toBe(b.getTransceivers()[0]!.sender.transport);
    expect(b.getTransceivers()[0]!.sender.transport).toBeInstanceOf(RTCDtlsTransport);
  });

  it('is the transport of pc.sctp for bundled media and data', async () => {
    const a = pc();
    const b = pc();
    const sender = a.addTrack(new MediaStreamTrack('audio'));
    a.createDataChannel('x');
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription!);
    expect(a.sctp!.transport).toBe(sender.transport);
    expect(b.sctp!.transport).toBe(b.getTransceivers()[0]!.receiver.transport);
  });
});

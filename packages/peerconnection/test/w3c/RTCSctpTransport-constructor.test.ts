// W3C WebRTC §6.1.1 RTCSctpTransport and §4.4.1.5 "set the description" (WPT
// webrtc/RTCSctpTransport-constructor.html). [[SctpTransport]] is null until an answer (or
// pranswer) that starts an SCTP association is applied, on the offering side
// (setRemoteDescription) and on the answering side (setLocalDescription); it is then made in
// the connecting state over the connection's RTCDtlsTransport. An offer alone does not make it,
// so rolling an offer back leaves pc.sctp null (which our earlier offer-time creation got wrong).
import { describe, expect, it } from 'vitest';
import { MediaStreamTrack, RTCDtlsTransport, RTCSctpTransport } from '../../src/index.js';
import { closedAfterEach } from '../helpers.js';

const pc = closedAfterEach();

describe('pc.sctp', () => {
  it('is null on a new connection and after a local offer with a data section', async () => {
    const a = pc();
    expect(a.sctp).toBeNull();
    a.createDataChannel('test');
    await a.setLocalDescription();
    expect(a.localDescription!.sdp).toContain('m=application');
    expect(a.sctp).toBeNull();
  });

  it('is made when the offerer applies the answer: connecting, over an RTCDtlsTransport, with a number as maxMessageSize', async () => {
    const a = pc();
    const b = pc();
    a.createDataChannel('test');
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription();
    expect(a.sctp).toBeNull();
    await a.setRemoteDescription(b.localDescription!);
    const sctp = a.sctp;
    expect(sctp).toBeInstanceOf(RTCSctpTransport);
    expect(sctp!.transport).toBeInstanceOf(RTCDtlsTransport);
    expect(sctp!.state).toBe('connecting');
    expect(typeof sctp!.maxMessageSize).toBe('number');
    expect(sctp!.maxChannels).toBeNull();
  });

  it('is made when the answerer applies its answer, not when it applies the offer', async () => {
    const a = pc();
    const b = pc();
    a.createDataChannel('test');
    await b.setRemoteDescription(await a.createOffer());
    expect(b.sctp).toBeNull();
    await b.setLocalDescription();
    expect(b.sctp).toBeInstanceOf(RTCSctpTransport);
    expect(b.sctp!.state).toBe('connecting');
  });

  it('stays null when the offer that would have made it is rolled back, on either side', async () => {
    const a = pc();
    const b = pc();
    a.createDataChannel('test');
    await a.setLocalDescription();
    await a.setLocalDescription({ type: 'rollback' });
    expect(a.sctp).toBeNull();
    await b.setRemoteDescription(await a.createOffer());
    await b.setRemoteDescription({ type: 'rollback' });
    expect(b.sctp).toBeNull();
  });

  it('stays null for an answer without a data section', async () => {
    const a = pc();
    const b = pc();
    a.addTransceiver(new MediaStreamTrack('audio'));
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription!);
    expect([a.sctp, b.sctp]).toEqual([null, null]);
  });

  it('is the same object afterwards, and runs over the same RTCDtlsTransport as the bundled media', async () => {
    const a = pc();
    const b = pc();
    const t = a.addTransceiver(new MediaStreamTrack('audio'));
    a.createDataChannel('test');
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription!);
    const sctp = a.sctp!;
    expect(sctp.transport).toBe(t.sender.transport);
    expect(sctp.transport).toBe(t.receiver.transport);
    // A renegotiation keeps it.
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription!);
    expect(a.sctp).toBe(sctp);
  });
});

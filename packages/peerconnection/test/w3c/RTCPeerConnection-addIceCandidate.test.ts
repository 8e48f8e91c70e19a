// W3C WebRTC §4.4.3.2 addIceCandidate and its legacy callback form (§4.4.3) (WPT
// webrtc/RTCPeerConnection-addIceCandidate.html): the checks in the order the steps make them.
import { describe, expect, it } from 'vitest';
import type { RTCPeerConnection } from '../../src/index.js';
import { closedAfterEach, rejection } from '../helpers.js';

const pc = closedAfterEach();
const line = 'candidate:1 1 udp 2113929471 127.0.0.1 5000 typ host';

/** A connection with a remote offer (one audio section, mid 0) applied. */
async function withRemote(): Promise<RTCPeerConnection> {
  const other = pc();
  other.addTransceiver('audio');
  const a = pc();
  await a.setRemoteDescription(await other.createOffer());
  return a;
}

describe('addIceCandidate', () => {
  it('a candidate without sdpMid and sdpMLineIndex is TypeError, before anything else', async () => {
    const a = pc();
    expect(await rejection(a.addIceCandidate({ candidate: line }))).toBe('TypeError');
  });

  it('before a remote description is InvalidStateError', async () => {
    expect(await rejection(pc().addIceCandidate({ candidate: line, sdpMid: '0' }))).toBe('InvalidStateError');
  });

  it('a mid or index that names no section is OperationError', async () => {
    const a = await withRemote();
    expect(await rejection(a.addIceCandidate({ candidate: line, sdpMid: 'nope' }))).toBe('OperationError');
    expect(await rejection(a.addIceCandidate({ candidate: line, sdpMLineIndex: 7 }))).toBe('OperationError');
  });

  it('a valid candidate is added to the remote description', async () => {
    const a = await withRemote();
    await a.addIceCandidate({ candidate: line, sdpMid: '0' });
    expect(a.remoteDescription!.sdp).toContain(`a=${line}`);
    await a.addIceCandidate({ candidate: '', sdpMid: '0' });
    expect(a.remoteDescription!.sdp).toContain('a=end-of-candidates');
  });

  it('legacy form: the success callback is called and the promise resolves with undefined', async () => {
    const a = await withRemote();
    let result: unknown = 'unset';
    await new Promise<void>((resolve, reject) => {
      void a.addIceCandidate({ candidate: line, sdpMid: '0' }, resolve, reject).then((v) => (result = v));
    });
    expect(result).toBeUndefined();
  });

  it('legacy form: the failure callback gets the error and the promise still resolves', async () => {
    const a = pc();
    let result: unknown = 'unset';
    const error = await new Promise<unknown>((resolve, reject) => {
      void a.addIceCandidate({ candidate: line, sdpMid: '0' }, reject, resolve).then((v) => (result = v));
    });
    expect((error as DOMException).name).toBe('InvalidStateError');
    expect(result).toBeUndefined();
  });
});

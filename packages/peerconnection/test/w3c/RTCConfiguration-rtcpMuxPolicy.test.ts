// W3C WebRTC §4.2.1 rtcpMuxPolicy (WPT webrtc/RTCConfiguration-rtcpMuxPolicy.html), with RFC 5761
// §4 (WPT webrtc/protocol/rtp-payloadtypes.html). The enum has only "require" now, so "negotiate"
// is a TypeError (the 2021 WPT file still allowed it or NotSupportedError); under "require" a
// remote offer or answer whose RTP sections lack a=rtcp-mux is InvalidAccessError, and so is a
// payload type in 64..95, which would read as an RTCP packet type on the shared port.
import { describe, expect, it } from 'vitest';
import { closedAfterEach, rejection, thrown } from '../helpers.js';
import { audioSection, description } from './sdp.js';

const pc = closedAfterEach();
const withoutMux = (lines: string[]): string[] => lines.filter((l) => l !== 'a=rtcp-mux');
const withPayloadType = (pt: number): string[] =>
  audioSection().map((l) => l.replace('UDP/TLS/RTP/SAVPF 111', `UDP/TLS/RTP/SAVPF ${pt}`).replace('a=rtpmap:111', `a=rtpmap:${pt}`));

describe('rtcpMuxPolicy', () => {
  it('is require, and negotiate is not in the enum', () => {
    expect(pc().getConfiguration().rtcpMuxPolicy).toBe('require');
    expect(thrown(() => pc({ rtcpMuxPolicy: 'negotiate' as 'require' }))).toBe('TypeError');
  });

  it('a remote offer without a=rtcp-mux is InvalidAccessError, and leaves the state stable', async () => {
    const a = pc();
    expect(await rejection(a.setRemoteDescription({ type: 'offer', sdp: description([withoutMux(audioSection())]) }))).toBe('InvalidAccessError');
    expect(a.signalingState).toBe('stable');
    expect(await rejection(a.setRemoteDescription({ type: 'offer', sdp: description([audioSection()]) }))).toBe('resolved');
  });

  it('a remote answer without a=rtcp-mux is InvalidAccessError', async () => {
    const a = pc();
    a.addTransceiver('audio', { direction: 'recvonly' });
    await a.setLocalDescription();
    const mid = a.getTransceivers()[0]!.mid!;
    const answer = withoutMux(audioSection([], mid)).map((l) => (l === 'a=setup:actpass' ? 'a=setup:active' : l));
    expect(await rejection(a.setRemoteDescription({ type: 'answer', sdp: description([answer]) }))).toBe('InvalidAccessError');
    expect(a.signalingState).toBe('have-local-offer');
  });

  it('payload types 64..95 are InvalidAccessError under rtcp-mux; 35..63 and 96..127 are taken', async () => {
    for (const pt of [64, 72, 95]) {
      expect(await rejection(pc().setRemoteDescription({ type: 'offer', sdp: description([withPayloadType(pt)]) }))).toBe('InvalidAccessError');
    }
    for (const pt of [35, 63, 96, 127]) {
      const a = pc();
      await a.setRemoteDescription({ type: 'offer', sdp: description([withPayloadType(pt)]) });
      expect((await a.createAnswer()).sdp).toContain(`a=rtpmap:${pt} opus/48000/2`);
    }
  });
});

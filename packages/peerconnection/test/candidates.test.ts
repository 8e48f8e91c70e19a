import { parse } from '@x/sdp';
import { describe, expect, it } from 'vitest';
import { RTCIceCandidate, type RTCPeerConnection } from '../src/index.js';
import { closedAfterEach, rejection } from './helpers.js';

const LINE = 'candidate:842163049 1 udp 1677729535 203.0.113.5 46154 typ srflx raddr 10.0.0.2 rport 46154 generation 0 ufrag EsAw network-cost 999';

const pc = closedAfterEach();

describe('RTCIceCandidate', () => {
  it('parses the candidate line into its attributes', () => {
    const c = new RTCIceCandidate({ candidate: LINE, sdpMid: '0', sdpMLineIndex: 0 });
    expect(c.foundation).toBe('842163049');
    expect(c.component).toBe('rtp');
    expect(c.protocol).toBe('udp');
    expect(c.priority).toBe(1677729535);
    expect(c.address).toBe('203.0.113.5');
    expect(c.port).toBe(46154);
    expect(c.type).toBe('srflx');
    expect(c.relatedAddress).toBe('10.0.0.2');
    expect(c.relatedPort).toBe(46154);
    // usernameFragment comes from the init only (W3C §4.8.2.1), not from the line's ufrag extension.
    expect(c.usernameFragment).toBeNull();
    expect(JSON.parse(JSON.stringify(c))).toEqual({ candidate: LINE, sdpMid: '0', sdpMLineIndex: 0, usernameFragment: null });
  });

  it('needs sdpMid or sdpMLineIndex (TypeError), and keeps unparsable lines with null fields', () => {
    expect(() => new RTCIceCandidate({ candidate: LINE })).toThrow(TypeError);
    const bad = new RTCIceCandidate({ candidate: 'candidate:garbage', sdpMid: '0' });
    expect(bad.candidate).toBe('candidate:garbage');
    expect(bad.address).toBeNull();
    expect(bad.type).toBeNull();
    const end = new RTCIceCandidate({ candidate: '', sdpMLineIndex: 0 });
    expect(end.candidate).toBe('');
    expect(end.sdpMid).toBeNull();
  });
});

describe('addIceCandidate', () => {
  async function withRemote(): Promise<{ b: RTCPeerConnection; ufrag: string }> {
    const a = pc();
    const b = pc();
    a.createDataChannel('x');
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription!);
    return { b, ufrag: parse(a.localDescription!.sdp).media[0]!.iceUfrag! };
  }

  it('needs a remote description (InvalidStateError)', async () => {
    expect(await rejection(pc().addIceCandidate({ candidate: LINE, sdpMid: '0' }))).toBe('InvalidStateError');
  });

  it('rejects a candidate without sdpMid and sdpMLineIndex with TypeError', async () => {
    const { b } = await withRemote();
    expect(await rejection(b.addIceCandidate({ candidate: LINE }))).toBe('TypeError');
  });

  it('rejects unknown mids, bad indexes, foreign ufrags and garbage with OperationError', async () => {
    const { b, ufrag } = await withRemote();
    expect(await rejection(b.addIceCandidate({ candidate: LINE, sdpMid: '9' }))).toBe('OperationError');
    expect(await rejection(b.addIceCandidate({ candidate: LINE, sdpMLineIndex: 3 }))).toBe('OperationError');
    expect(await rejection(b.addIceCandidate({ candidate: LINE.replace('ufrag EsAw', `ufrag ${ufrag}`), sdpMid: '0', usernameFragment: 'nope' }))).toBe('OperationError');
    expect(await rejection(b.addIceCandidate({ candidate: 'candidate:1 1 udp x 1.2.3.4 5 typ host', sdpMid: '0' }))).toBe('OperationError');
    // The connection goes on: a good candidate is still taken.
    await b.addIceCandidate({ candidate: 'candidate:1 1 udp 2122252543 127.0.0.1 40000 typ host', sdpMid: '0', usernameFragment: ufrag });
  });

  it('adds candidates and end-of-candidates to the remote description', async () => {
    const { b, ufrag } = await withRemote();
    await b.addIceCandidate(new RTCIceCandidate({ candidate: 'candidate:1 1 udp 2122252543 127.0.0.1 40000 typ host', sdpMLineIndex: 0 }));
    await b.addIceCandidate({ candidate: '', sdpMid: '0', usernameFragment: ufrag });
    const m = parse(b.remoteDescription!.sdp).media[0]!;
    expect(m.candidates.map((c) => `${c.address}:${c.port}`)).toEqual(['127.0.0.1:40000']);
    expect(m.endOfCandidates).toBe(true);
    // addIceCandidate() with nothing means end-of-candidates for every section.
    await b.addIceCandidate();
  });
});

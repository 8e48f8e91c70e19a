/**
 * The DTLS handshake a peer connection runs: ICE has already proved that the peer receives at its
 * address, so our server skips the HelloVerifyRequest round trip (as libwebrtc's does) and answers
 * the first ClientHello with its flight.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PeerConnectionFactory, type IceSettings, type RTCPeerConnection } from '../src/index.js';
import { recorder, tasks } from './helpers.js';

const v4: IceSettings = { includeLoopback: true, ipv6: false, ipFilter: (a) => a === '127.0.0.1' };
const open: RTCPeerConnection[] = [];
afterEach(async () => {
  for (const p of open.splice(0)) p.close();
  await tasks(5);
});

describe('DTLS inside a peer connection', () => {
  it('the server answers the first ClientHello with its flight: no HelloVerifyRequest round trip', async () => {
    const log = recorder();
    const factory = new PeerConnectionFactory({ logger: log, ice: v4 });
    const a = factory.createPeerConnection({});
    const b = factory.createPeerConnection({});
    open.push(a, b);
    a.onicecandidate = (e) => void b.addIceCandidate(e.candidate ?? undefined).catch(() => undefined);
    b.onicecandidate = (e) => void a.addIceCandidate(e.candidate ?? undefined).catch(() => undefined);
    const channel = a.createDataChannel('x');
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription!);
    await new Promise<void>((resolve) => (channel.onopen = () => resolve()));
    const dtls = log.lines.filter((l) => / dtls\] /.test(l));
    expect(dtls.some((l) => l.includes('server: connected'))).toBe(true);
    expect(dtls.some((l) => l.includes('client: connected'))).toBe(true);
    expect(dtls.filter((l) => /hello_verify_request/.test(l))).toEqual([]);
    // The client sent one ClientHello, and the server's next flight answered it.
    expect(dtls.filter((l) => /client: sent flight: client_hello$/.test(l))).toHaveLength(1);
    const hello = dtls.findIndex((l) => /server: received client_hello/.test(l));
    expect(dtls[hello + 1]).toMatch(/server: sent flight: server_hello, certificate, server_key_exchange, certificate_request, server_hello_done/);
  });
});

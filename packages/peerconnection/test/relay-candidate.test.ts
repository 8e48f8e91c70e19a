/**
 * `RTCIceCandidate.relayProtocol` and `url` (W3C §4.8.2) on the candidates a connection gathers
 * against coturn on 127.0.0.1: the relay candidate names the TURN server's URL and the protocol
 * to it; host candidates name no server. The `icecandidate` event's (deprecated) `url` agrees.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RTCPeerConnectionIceEvent } from '../src/index.js';
import { hasTurnserver, startCoturn, type Coturn } from './coturn.js';
import { loopback } from './helpers.js';

if (!hasTurnserver && process.env['CI'] === 'true') throw new Error('coturn (turnserver) is required under CI');

describe.skipIf(!hasTurnserver)('local candidates name their server', () => {
  let turn: Coturn;
  beforeAll(async () => {
    turn = await startCoturn();
  });
  afterAll(async () => {
    await turn?.stop();
  });

  it('a relay candidate has the TURN URL and relayProtocol udp; a host candidate has neither', async () => {
    const url = `turn:127.0.0.1:${turn.port}?transport=udp`;
    const pc = loopback.createPeerConnection({ iceServers: [{ urls: url, username: 'u', credential: 'p' }] });
    try {
      const events: RTCPeerConnectionIceEvent[] = [];
      const done = new Promise<void>((resolve) => {
        pc.onicecandidate = (e) => (e.candidate === null ? resolve() : events.push(e));
      });
      pc.createDataChannel('x');
      await pc.setLocalDescription();
      await done;
      const seen = events.map((e) => [e.candidate!.type, e.candidate!.url, e.candidate!.relayProtocol, e.url]);
      expect(seen).toContainEqual(['relay', url, 'udp', url]);
      expect(seen).toContainEqual(['host', null, null, null]);
    } finally {
      pc.close();
    }
  });
});

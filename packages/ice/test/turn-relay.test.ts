import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IceTransport } from '../src/index.js';
import { hasTurnserver, startCoturn, type Coturn } from './coturn.js';
import { connectPair, exchangeData, LOOPBACK } from './helpers.js';

if (!hasTurnserver && process.env.CI === 'true') throw new Error('coturn (turnserver) is required under CI');

describe.skipIf(!hasTurnserver)('relay candidates through coturn (TURN over UDP)', () => {
  let turn: Coturn;
  beforeAll(async () => {
    turn = await startCoturn();
  });
  afterAll(async () => {
    await turn?.stop();
  });

  it('two agents with the relay policy gather relay candidates only, connect through the relay, and move data', async () => {
    const iceServers = [{ urls: `turn:127.0.0.1:${turn.port}?transport=udp`, username: 'u', credential: 'p' }];
    const a = new IceTransport({ controlling: true, ...LOOPBACK, ipv6: false, iceServers, iceTransportPolicy: 'relay' });
    const b = new IceTransport({ controlling: false, ...LOOPBACK, ipv6: false, iceServers, iceTransportPolicy: 'relay' });
    try {
      const types: string[] = [];
      a.onLocalCandidate((c) => c && types.push(c.type));
      await connectPair(a, b);
      expect(types).toEqual(['relay']);
      expect(a.state === 'connected' || a.state === 'completed').toBe(true);
      const pa = a.selectedPair!;
      expect(pa.local.type).toBe('relay');
      expect(pa.remote.type).toBe('relay');
      // The relayed addresses are coturn's, not the TURN server's listening port.
      expect(pa.local.port).not.toBe(turn.port);
      expect(await exchangeData(a, b, 'through the relay')).toBe('through the relay');
      expect(await exchangeData(b, a, 'and back')).toBe('and back');
      // The selected relayed pair gets a TURN channel (RFC 8656 §12); data then goes as ChannelData.
      type Relay = { client: { core: { channelOf(p: { family: string; address: string; port: number }): number | undefined } } };
      const channelOf = (t: IceTransport) => {
        const relay = [...(t as unknown as { relays: Map<number, Relay> }).relays.values()][0]!;
        const r = t.selectedPair!.remote;
        return relay.client.core.channelOf({ family: 'IPv4', address: r.address, port: r.port });
      };
      for (let i = 0; i < 100 && (channelOf(a) === undefined || channelOf(b) === undefined); i++) await new Promise((r) => setTimeout(r, 20));
      expect(channelOf(a)).toBeGreaterThanOrEqual(0x4000);
      expect(channelOf(b)).toBeGreaterThanOrEqual(0x4000);
      expect(await exchangeData(a, b, 'over a channel')).toBe('over a channel');
    } finally {
      a.close();
      b.close();
    }
  });

  it('a relay candidate is announced with the URL of its TURN server and the protocol that reaches it', async () => {
    const url = `turn:127.0.0.1:${turn.port}?transport=udp`;
    const a = new IceTransport({ controlling: true, ...LOOPBACK, ipv6: false, iceServers: [{ urls: url, username: 'u', credential: 'p' }] });
    try {
      const announced: Array<{ type: string; url: string | undefined; relayProtocol: string | undefined }> = [];
      const done = new Promise<void>((r) => a.onLocalCandidate((c) => (c === null ? r() : announced.push({ type: c.type, url: c.url, relayProtocol: c.relayProtocol }))));
      await a.gather();
      await done;
      expect(announced).toContainEqual({ type: 'relay', url, relayProtocol: 'udp' });
      // A host candidate came from no server.
      expect(announced).toContainEqual({ type: 'host', url: undefined, relayProtocol: undefined });
    } finally {
      a.close();
    }
  });

  it('a bad TURN password yields no relay candidate; gathering still completes', async () => {
    const a = new IceTransport({
      controlling: true,
      ...LOOPBACK,
      ipv6: false,
      iceServers: [{ urls: `turn:127.0.0.1:${turn.port}`, username: 'u', credential: 'wrong' }],
      iceTransportPolicy: 'relay',
    });
    try {
      const done = new Promise<void>((r) => a.onLocalCandidate((c) => c === null && r()));
      await a.gather();
      await done;
      expect(a.agent.getLocalCandidates().length).toBe(0);
      expect(a.stats.socketErrors).toBeGreaterThan(0);
    } finally {
      a.close();
    }
  });
});

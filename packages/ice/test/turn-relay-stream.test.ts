/** Relay candidates through coturn reached over TCP (`?transport=tcp`) and TLS (`turns:`), RFC 8656 §3.1. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IceTransport, relayLocalPreference, type IceServer } from '../src/index.js';
import { hasTurnserver, startCoturn, type Coturn } from './coturn.js';
import { connectPair, exchangeData, LOOPBACK } from './helpers.js';

if (!hasTurnserver && process.env.CI === 'true') throw new Error('coturn (turnserver) is required under CI');

type RelayView = { client: { core: { channelOf(p: { family: string; address: string; port: number }): number | undefined } } };
const channelOf = (t: IceTransport) => {
  const relay = [...(t as unknown as { relays: Map<number, RelayView> }).relays.values()][0]!;
  const r = t.selectedPair!.remote;
  return relay.client.core.channelOf({ family: 'IPv4', address: r.address, port: r.port });
};
/** Bits 8–23 of a priority: the local preference (RFC 8445 §5.1.2.1). */
const localPrefOf = (priority: number) => Math.floor(priority / 0x100) & 0xffff;

describe.skipIf(!hasTurnserver)('relay candidates through coturn over TCP and TLS', () => {
  let turn: Coturn;
  beforeAll(async () => {
    turn = await startCoturn({ tls: true });
  });
  afterAll(async () => {
    await turn?.stop();
  });

  const cases: Array<[string, () => string, 'tcp' | 'tls']> = [
    ['TCP', () => `turn:127.0.0.1:${turn.port}?transport=tcp`, 'tcp'],
    ['TLS', () => `turns:127.0.0.1:${turn.tlsPort}`, 'tls'],
  ];
  for (const [name, url, protocol] of cases) {
    it(`two relay-only agents connect through coturn over ${name} and move data both ways, then over a channel`, async () => {
      const iceServers: IceServer[] = [{ urls: url(), username: 'u', credential: 'p' }];
      const opts = { ...LOOPBACK, ipv6: false, iceServers, iceTransportPolicy: 'relay' as const, turnTls: { ca: turn.ca! } };
      const a = new IceTransport({ controlling: true, ...opts });
      const b = new IceTransport({ controlling: false, ...opts });
      try {
        const got: { type: string; priority: number }[] = [];
        a.onLocalCandidate((c) => c && got.push({ type: c.type, priority: c.priority }));
        await connectPair(a, b);
        expect(got.map((c) => c.type)).toEqual(['relay']);
        expect(localPrefOf(got[0]!.priority)).toBe(relayLocalPreference(4, protocol));
        expect(a.state === 'connected' || a.state === 'completed').toBe(true);
        expect(a.selectedPair!.local.type).toBe('relay');
        expect(a.selectedPair!.remote.type).toBe('relay');
        expect(await exchangeData(a, b, `through the relay over ${name}`)).toBe(`through the relay over ${name}`);
        expect(await exchangeData(b, a, 'and back')).toBe('and back');
        // Once the selected pair has its channel, data goes as padded ChannelData on the stream.
        for (let i = 0; i < 100 && (channelOf(a) === undefined || channelOf(b) === undefined); i++) await new Promise((r) => setTimeout(r, 20));
        expect(channelOf(a)).toBeGreaterThanOrEqual(0x4000);
        expect(channelOf(b)).toBeGreaterThanOrEqual(0x4000);
        for (const n of [1, 3, 5, 1199, 1200]) {
          const text = 'abcdefghijklmnopqrstuvwxyz'.repeat(50).slice(0, n);
          expect(await exchangeData(a, b, text)).toBe(text);
          expect(await exchangeData(b, a, text)).toBe(text);
        }
      } finally {
        a.close();
        b.close();
      }
    });
  }

  it('with UDP, TCP and TLS servers it gathers one relay candidate each, ranked UDP > TCP > TLS', async () => {
    const a = new IceTransport({
      controlling: true,
      ...LOOPBACK,
      ipv6: false,
      iceServers: [
        { urls: [`turns:127.0.0.1:${turn.tlsPort}`, `turn:127.0.0.1:${turn.port}?transport=tcp`, `turn:127.0.0.1:${turn.port}`], username: 'u', credential: 'p' },
      ],
      iceTransportPolicy: 'relay',
      turnTls: { ca: turn.ca! },
    });
    try {
      const done = new Promise<void>((r) => a.onLocalCandidate((c) => c === null && r()));
      await a.gather();
      await done;
      const relays = a.agent.getLocalCandidates();
      expect(relays.length).toBe(3);
      const byPref = [...relays].sort((x, y) => y.priority - x.priority).map((c) => localPrefOf(c.priority));
      expect(byPref).toEqual([relayLocalPreference(4, 'udp'), relayLocalPreference(4, 'tcp'), relayLocalPreference(4, 'tls')]);
      // Allocations over different protocols are separate foundations (they fail independently).
      expect(new Set(relays.map((c) => c.foundation)).size).toBe(3);
    } finally {
      a.close();
    }
  });

  it('a turns: server whose certificate is not trusted gives no relay candidate; gathering completes', async () => {
    const a = new IceTransport({
      controlling: true,
      ...LOOPBACK,
      ipv6: false,
      iceServers: [{ urls: `turns:127.0.0.1:${turn.tlsPort}`, username: 'u', credential: 'p' }],
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

describe('relay local preference (RFC 8445 §5.1.2.1)', () => {
  it('ranks UDP over TCP over TLS to the server, whatever the family, within 0..65535', () => {
    for (const f of [4, 6] as const) {
      expect(relayLocalPreference(f, 'udp')).toBeGreaterThan(relayLocalPreference(f, 'tcp'));
      expect(relayLocalPreference(f, 'tcp')).toBeGreaterThan(relayLocalPreference(f, 'tls'));
    }
    expect(relayLocalPreference(4, 'udp')).toBeGreaterThan(relayLocalPreference(6, 'tcp'));
    expect(relayLocalPreference(6, 'tls')).toBeGreaterThanOrEqual(0);
    expect(relayLocalPreference(6, 'udp')).toBeLessThanOrEqual(65535);
  });
});

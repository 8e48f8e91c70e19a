import { describe, expect, it } from 'vitest';
import { parseRecords, parseHandshakeFragments } from '../src/index.js';
import { pair, rsaCert, SimulatedNetwork } from './helpers/sim.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

describe('handshake under loss, reordering and duplication (simulated clock)', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`seed ${seed}: 20% loss, up to 300 ms jitter, 5% duplicates, then application data`, () => {
      const { client, server } = pair();
      const net = new SimulatedNetwork(client, server, { loss: 0.2, jitterMs: 300, latencyMs: 10, duplicate: 0.05, seed });
      client.start(0);
      server.start(0);
      const ok = net.run(() => client.state === 'connected' && server.state === 'connected', 120_000);
      expect(ok).toBe(true);
      expect(client.exportKeyingMaterial('EXTRACTOR-dtls_srtp', 56)).toEqual(server.exportKeyingMaterial('EXTRACTOR-dtls_srtp', 56));
      // Application data: every record that arrives is intact, and none arrives twice.
      const got: string[] = [];
      server.events.on('data', (d) => got.push(dec(d)));
      for (let i = 0; i < 50; i++) client.send(enc(`m${i}`));
      net.run(() => false, net.now + 5_000);
      expect(new Set(got).size).toBe(got.length);
      for (const g of got) expect(g).toMatch(/^m([0-9]|[1-4][0-9])$/);
      expect(got.length).toBeGreaterThan(25);
    });
  }

  it('the lossy runs above really lose handshake datagrams and recover by retransmission', () => {
    let runsWithRetransmissions = 0;
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const { client, server } = pair();
      const net = new SimulatedNetwork(client, server, { loss: 0.2, jitterMs: 300, latencyMs: 10, duplicate: 0.05, seed });
      client.start(0);
      expect(net.run(() => client.state === 'connected' && server.state === 'connected')).toBe(true);
      if (client.stats.retransmissions + server.stats.retransmissions > 0) runsWithRetransmissions++;
    }
    expect(runsWithRetransmissions).toBeGreaterThanOrEqual(4);
  });

  it('retransmits lost flights on the RFC 6347 timer (1 s, doubling) and recovers', () => {
    const { client, server } = pair();
    const net = new SimulatedNetwork(client, server, { latencyMs: 10 });
    // Drop the first three datagrams from the server: the HelloVerifyRequest, then its retransmissions.
    let dropped = 0;
    const clientSendTimes: number[] = [];
    net.tamper = (from, d) => {
      if (from === 0) clientSendTimes.push(net.now);
      if (from === 1 && dropped < 3) {
        dropped++;
        return undefined;
      }
      return d;
    };
    client.start(0);
    server.start(0);
    expect(net.run(() => client.state === 'connected' && server.state === 'connected')).toBe(true);
    // ClientHello at 0, retransmitted after 1 s, then 2 s later, then 4 s later.
    expect(clientSendTimes.slice(0, 4)).toEqual([0, 1000, 3000, 7000]);
    expect(client.stats.retransmissions).toBe(3);
  });

  it('server retransmits its final flight when the client repeats its Finished flight', () => {
    const { client, server } = pair();
    const net = new SimulatedNetwork(client, server, { latencyMs: 10 });
    let serverFinalDropped = false;
    net.tamper = (from, d) => {
      // Drop the server's ChangeCipherSpec+Finished datagram once.
      if (from === 1 && server.state === 'connected' && !serverFinalDropped) {
        serverFinalDropped = true;
        return undefined;
      }
      return d;
    };
    client.start(0);
    expect(net.run(() => client.state === 'connected' && server.state === 'connected')).toBe(true);
    expect(serverFinalDropped).toBe(true);
    expect(client.stats.retransmissions).toBe(1);
    expect(server.stats.retransmissions).toBe(1);
  });

  it('fragments a large flight to the MTU and reassembles it under loss (RSA certificate, MTU 256)', () => {
    const { client, server } = pair({ mtu: 256 }, { mtu: 256, certificate: rsaCert() });
    const net = new SimulatedNetwork(client, server, { loss: 0.2, jitterMs: 100, seed: 42 });
    client.start(0);
    expect(net.run(() => client.state === 'connected' && server.state === 'connected')).toBe(true);
    let fragmented = 0;
    for (const d of [...net.sent[0], ...net.sent[1]]) {
      expect(d.length).toBeLessThanOrEqual(256);
      for (const r of parseRecords(d)) {
        if (r.type !== 22 || r.epoch !== 0) continue;
        for (const f of parseHandshakeFragments(r.fragment)) if (f.body.length < f.length) fragmented++;
      }
    }
    expect(fragmented).toBeGreaterThan(4);
  });

  it('keeps datagrams within the default 1200-byte MTU and packs several records per datagram', () => {
    const { client, server } = pair();
    const net = new SimulatedNetwork(client, server);
    client.start(0);
    net.run(() => client.state === 'connected' && server.state === 'connected');
    const all = [...net.sent[0], ...net.sent[1]];
    for (const d of all) expect(d.length).toBeLessThanOrEqual(1200);
    expect(all.some((d) => parseRecords(d).length > 1)).toBe(true);
  });
});

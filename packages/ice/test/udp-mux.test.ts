// IceTransports sharing one IceUdpMux socket per family, against clients with their own sockets,
// over real UDP on loopback.
import dgram from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { encodeCheckRequest, IceError, IceTransport, IceUdpMux } from '../src/index.js';
import { closedAfterEach, connectPair, exchangeData, LOOPBACK } from './helpers.js';

const { open, transport } = closedAfterEach();
async function mux(address: string | string[]): Promise<IceUdpMux> {
  const m = await IceUdpMux.bind({ address });
  open.unshift(m);
  return m;
}
const gathered = (t: IceTransport): string[] => {
  const out: string[] = [];
  t.onLocalCandidate((c) => c && out.push(`${c.address}:${c.port}`));
  return out;
};

describe('IceUdpMux with IceTransports on loopback', () => {
  it('serves several transports on one socket per family: host candidates are the mux\'s, data goes to the right one', async () => {
    const m = await mux(['127.0.0.1', '::1']);
    expect(m.socketCount).toBe(2);
    const [v4, v6] = m.localAddresses;
    const pairs = [0, 1, 2].map(() => ({ server: transport({ controlling: false, udpMux: m }), client: transport({ controlling: true, ...LOOPBACK }) }));
    const serverCandidates = pairs.map((p) => gathered(p.server));
    await Promise.all(pairs.map((p) => connectPair(p.client, p.server)));
    for (const [i, p] of pairs.entries()) {
      expect(serverCandidates[i]!.sort()).toEqual([`127.0.0.1:${v4!.port}`, `::1:${v6!.port}`]);
      expect(['connected', 'completed']).toContain(p.server.state);
      expect(p.client.selectedPair!.remote.port).toBe(p.server.selectedPair!.local.port);
    }
    for (const [i, p] of pairs.entries()) {
      expect(await exchangeData(p.client, p.server, `to server ${i}`)).toBe(`to server ${i}`);
      expect(await exchangeData(p.server, p.client, `to client ${i}`)).toBe(`to client ${i}`);
    }
    // Nothing reached a transport it was not meant for: no agent dropped data from an unknown source.
    for (const p of pairs) expect(p.server.agent.stats.droppedUnknownSource).toBe(0);
    expect(m.stats.droppedUnroutable + m.stats.droppedUnknownUfrag + m.stats.droppedMalformed + m.stats.droppedUnknown).toBe(0);
    expect(m.size.routes).toBe(3);
    expect(m.size.ufrags).toBe(3);
  });

  it('ICE restart: the new ufrag routes, data flows meanwhile, and the old ufrag is dropped once a new pair is selected', async () => {
    const m = await mux('127.0.0.1');
    const server = transport({ controlling: false, udpMux: m });
    const client = transport({ controlling: true, ...LOOPBACK, ipv6: false });
    await connectPair(client, server);
    const oldUfrag = server.localParameters.usernameFragment;
    const oldPair = server.selectedPair;
    client.restart();
    server.restart();
    expect(m.size.ufrags).toBe(2);
    expect(await exchangeData(client, server, 'during restart')).toBe('during restart');
    const reselected = new Promise<void>((resolve) => server.onSelectedPairChange(() => resolve()));
    client.setRemoteParameters(server.localParameters);
    server.setRemoteParameters(client.localParameters);
    await reselected;
    expect(server.selectedPair).not.toBe(oldPair);
    expect(server.localParameters.usernameFragment).not.toBe(oldUfrag);
    expect(m.size.ufrags).toBe(1);
    expect(await exchangeData(client, server, 'after restart')).toBe('after restart');
    expect(await exchangeData(server, client, 'back')).toBe('back');
  });

  it('two connections from one remote socket (a peer that muxes too): checks route by ufrag and both connect', async () => {
    const serverMux = await mux('127.0.0.1');
    const clientMux = await mux('127.0.0.1');
    const s1 = transport({ controlling: false, udpMux: serverMux });
    const s2 = transport({ controlling: false, udpMux: serverMux });
    const c1 = transport({ controlling: true, udpMux: clientMux });
    const c2 = transport({ controlling: true, udpMux: clientMux });
    await Promise.all([connectPair(c1, s1), connectPair(c2, s2)]);
    for (const t of [s1, s2, c1, c2]) expect(['connected', 'completed']).toContain(t.state);
    // Every check reached the agent whose ufrag it named: none was refused for its USERNAME.
    for (const t of [s1, s2, c1, c2]) expect(t.agent.stats.droppedUnknownUsername).toBe(0);
    expect(serverMux.stats.droppedUnknownUfrag).toBe(0);
    // One address known by both: the rest goes to the one whose selected pair it is (here both).
    expect(serverMux.size.addresses).toBe(1);
    c1.close();
    s1.close();
    expect(serverMux.size).toEqual({ routes: 1, ufrags: 1, addresses: 1, transactions: serverMux.size.transactions });
    expect(await exchangeData(c2, s2, 'still here')).toBe('still here');
  });

  it('close() of a transport leaves no route behind; the socket serves the next one', async () => {
    const m = await mux('127.0.0.1');
    const a = transport({ controlling: false, udpMux: m });
    const ca = transport({ controlling: true, ...LOOPBACK, ipv6: false });
    await connectPair(ca, a);
    expect(m.size.addresses).toBeGreaterThan(0);
    a.close();
    ca.close();
    expect(m.size).toEqual({ routes: 0, ufrags: 0, addresses: 0, transactions: 0 });
    const b = transport({ controlling: false, udpMux: m });
    const cb = transport({ controlling: true, ...LOOPBACK, ipv6: false });
    await connectPair(cb, b);
    expect(await exchangeData(cb, b, 'next')).toBe('next');
    b.close();
    expect(m.size).toEqual({ routes: 0, ufrags: 0, addresses: 0, transactions: 0 });
    expect(m.socketCount).toBe(1);
    m.close();
    expect(m.socketCount).toBe(0);
  });

  it('garbage, truncated STUN and checks for unknown ufrags are counted and dropped; the live connection goes on', async () => {
    const m = await mux('127.0.0.1');
    const server = transport({ controlling: false, udpMux: m });
    const client = transport({ controlling: true, ...LOOPBACK, ipv6: false });
    await connectPair(client, server);
    const port = m.localAddresses[0]!.port;
    const attacker = dgram.createSocket('udp4');
    open.push({ close: () => attacker.close() });
    await new Promise<void>((r) => attacker.bind(0, '127.0.0.1', () => r()));
    const check = encodeCheckRequest({
      transactionId: new Uint8Array(12).fill(7), username: 'nobody:x', password: 'p'.repeat(22), priority: 1, controlling: true, tieBreaker: 1n, useCandidate: false,
    });
    const junk = [Uint8Array.of(0xff, 0, 1), Uint8Array.of(5, 0, 1), check.subarray(0, 24), check, Uint8Array.of(23, 0xfe, 0xfd, 0, 1), Uint8Array.of(0x80, 0, 0, 0)];
    const before = { ...m.stats };
    // Repeated: UDP on loopback may still drop one.
    for (let round = 0; round < 5; round++) for (const j of junk) attacker.send(j, port, '127.0.0.1');
    await exchangeData(client, server, 'after junk');
    while (m.stats.received - before.received < 30 + 1) await new Promise((r) => setTimeout(r, 10));
    expect(m.stats.droppedUnknown - before.droppedUnknown).toBeGreaterThan(0);
    expect(m.stats.droppedMalformed - before.droppedMalformed).toBeGreaterThan(0);
    expect(m.stats.droppedUnknownUfrag - before.droppedUnknownUfrag).toBeGreaterThan(0);
    expect(m.stats.droppedUnroutable - before.droppedUnroutable).toBeGreaterThan(0);
    // None of it reached the transport.
    expect(server.agent.stats.droppedUnknownSource).toBe(0);
    expect(await exchangeData(server, client, 'alive')).toBe('alive');
  });

  it('refuses addresses it cannot announce, and a port in use fails `ready` without crashing transports', async () => {
    expect(() => new IceUdpMux({ address: '0.0.0.0' })).toThrow(IceError);
    expect(() => new IceUdpMux({ address: 'example.com' })).toThrow(IceError);
    expect(() => new IceUdpMux({ address: ['127.0.0.1', '127.0.0.2'] })).toThrow(IceError);
    const m = await mux('127.0.0.1');
    const clash = new IceUdpMux({ address: '127.0.0.1', port: m.localAddresses[0]!.port });
    await expect(clash.ready).rejects.toThrow(IceError);
    const t = transport({ controlling: false, udpMux: clash });
    const candidates = gathered(t);
    await t.gather();
    expect(candidates).toEqual([]);
    expect(t.stats.socketErrors).toBe(1);
    clash.close();
  });
});

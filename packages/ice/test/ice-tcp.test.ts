// ICE-TCP (RFC 6544): candidates, pairing and priorities, the agent over a simulated TCP
// connection (sans-IO), the TCP mux's routing table, and IceTransports over real TCP on loopback.
import net from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canPair,
  candidatePriority,
  encodeCheckRequest,
  frameRfc4571,
  IceAgent,
  IceTcpMux,
  IceTransport,
  IceUdpMux,
  localPreference,
  parseCandidate,
  formatCandidate,
  TcpMuxRouter,
  tcpLocalPreference,
  TYPE_PREFERENCE,
  type Candidate,
  type TransportAddress,
} from '../src/index.js';
import { closedAfterEach, exchangeData, LOOPBACK } from './helpers.js';

const check = (localUfrag: string): Uint8Array =>
  encodeCheckRequest({
    transactionId: new Uint8Array(12).fill(7), username: `${localUfrag}:peer`, password: 'p'.repeat(22), priority: 1,
    controlling: true, tieBreaker: 1n, useCandidate: false,
  });

describe('ICE-TCP candidates', () => {
  it('ranks UDP above TCP on the same interface, and active above passive (RFC 6544 §4.2)', () => {
    for (const family of [4, 6] as const) {
      for (const idx of [0, 3]) {
        const udp = localPreference(idx, family);
        const active = tcpLocalPreference(idx, family, 'active');
        const passive = tcpLocalPreference(idx, family, 'passive');
        expect(udp).toBeGreaterThan(active);
        expect(active).toBeGreaterThan(passive);
        // direction-pref in the top 3 bits (2^13 units): 6 for active, 4 for passive.
        expect(active >> 13).toBe(6);
        expect(passive >> 13).toBe(4);
        expect(candidatePriority(TYPE_PREFERENCE.host, udp)).toBeGreaterThan(candidatePriority(TYPE_PREFERENCE.host, active));
      }
    }
  });

  it('pairs TCP only with TCP, active only with passive (RFC 6544 §6.2)', () => {
    const c = (transport: string, tcpType?: string): Candidate => ({
      foundation: '1', component: 1, transport, priority: 1, address: '127.0.0.1', port: 9, type: 'host', ...(tcpType ? { tcpType } : {}),
    });
    expect(canPair(c('tcp', 'active'), c('tcp', 'passive'))).toBe(true);
    expect(canPair(c('tcp', 'passive'), c('tcp', 'active'))).toBe(true);
    expect(canPair(c('tcp', 'so'), c('tcp', 'so'))).toBe(true);
    expect(canPair(c('tcp', 'active'), c('tcp', 'active'))).toBe(false);
    expect(canPair(c('tcp', 'passive'), c('tcp', 'passive'))).toBe(false);
    expect(canPair(c('tcp', 'active'), c('tcp', 'so'))).toBe(false);
    expect(canPair(c('udp'), c('tcp', 'passive'))).toBe(false);
    expect(canPair(c('tcp', 'active'), c('udp'))).toBe(false);
  });

  it('announces an active candidate with port 9 and tcptype in SDP, and reads a passive one back', () => {
    const agent = new IceAgent({ controlling: true });
    const active = agent.addTcpCandidate(1, { address: '127.0.0.1', port: 0 }, 'active');
    const line = formatCandidate(active);
    expect(line).toMatch(/^candidate:\S+ 1 tcp \d+ 127\.0\.0\.1 9 typ host tcptype active$/);
    expect(parseCandidate(line)).toMatchObject({ transport: 'tcp', port: 9, tcpType: 'active' });
    // A UDP and a TCP candidate on one address and port (a server muxing both) are two candidates.
    agent.setRemoteParameters({ usernameFragment: 'rfrag', password: 'r'.repeat(22), iceLite: false });
    expect(agent.addRemoteCandidate(parseCandidate('candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host'))).toBe(true);
    expect(agent.addRemoteCandidate(parseCandidate('candidate:2 1 tcp 1843396351 127.0.0.1 5000 typ host tcptype passive'))).toBe(true);
    expect(agent.checklist.pairs.map((p) => `${p.local.tcpType}->${p.remote.tcpType}`)).toEqual(['active->passive']);
  });
});

/**
 * Two sans-IO agents joined by one simulated TCP connection: active end A, passive end B
 * (A controlling unless `passiveControls`).
 */
function tcpPair(passiveControls = false) {
  const a = new IceAgent({ controlling: !passiveControls, random: () => 0.5 });
  const b = new IceAgent({ controlling: passiveControls, random: () => 0.5 });
  const passive: TransportAddress = { address: '127.0.0.1', port: 5000 };
  const ephemeral: TransportAddress = { address: '127.0.0.1', port: 40123 };
  const aCand = a.addTcpCandidate(1, { address: '127.0.0.1', port: 0 }, 'active');
  const bCand = b.addTcpCandidate(2, passive, 'passive');
  a.setRemoteParameters(b.localParameters);
  b.setRemoteParameters(a.localParameters);
  a.addRemoteCandidate(bCand);
  b.addRemoteCandidate(aCand);
  a.endOfLocalCandidates();
  b.endOfLocalCandidates();
  let now = 0;
  let connectionOpen = true;
  const wire: string[] = [];
  const pump = (steps: number): void => {
    for (let i = 0; i < steps; i++) {
      for (let t = a.pollTransmit(); t; t = a.pollTransmit()) {
        expect(t.socketId).toBe(1);
        expect(t.destination).toEqual(passive);
        wire.push('a>b');
        if (connectionOpen) b.handleDatagram(t.data, 2, ephemeral, now);
      }
      for (let t = b.pollTransmit(); t; t = b.pollTransmit()) {
        // The passive end answers, and checks, on the connection the peer opened.
        expect(t.socketId).toBe(2);
        expect(t.destination).toEqual(ephemeral);
        wire.push('b>a');
        if (connectionOpen) a.handleDatagram(t.data, 1, passive, now);
      }
      now += 10;
      a.handleTimeout(now);
      b.handleTimeout(now);
    }
  };
  return { a, b, pump, passive, ephemeral, close: () => (connectionOpen = false), now: () => now, wire };
}

describe('IceAgent over a TCP connection (sans-IO)', () => {
  it('the active end checks first; the passive end answers and checks back on the same connection; both select the TCP pair', () => {
    const { a, b, pump, wire } = tcpPair();
    expect(b.checklist.pairs).toHaveLength(0);
    pump(200);
    expect(wire[0]).toBe('a>b');
    expect(['connected', 'completed']).toContain(a.connectionState);
    expect(['connected', 'completed']).toContain(b.connectionState);
    expect(a.selectedPair).toMatchObject({ nominated: true, local: { transport: 'tcp', tcpType: 'active' }, remote: { tcpType: 'passive' } });
    // The passive end learned the connection's source as a peer-reflexive active TCP candidate.
    expect(b.selectedPair).toMatchObject({ nominated: true, local: { tcpType: 'passive' }, remote: { type: 'prflx', transport: 'tcp', tcpType: 'active', port: 40123 } });
    // No peer-reflexive local candidate from the kernel's port: the connection is the path.
    expect(a.getLocalCandidates()).toHaveLength(1);
    // Data both ways is accepted from the connection.
    expect(b.handleDatagram(Uint8Array.of(23, 1), 2, { address: '127.0.0.1', port: 40123 }, 0)).toBeDefined();
    expect(a.handleDatagram(Uint8Array.of(23, 1), 1, { address: '127.0.0.1', port: 5000 }, 0)).toBeDefined();
  });

  it('the passive end may be the controlling one: it nominates in a check on the connection the peer opened', () => {
    const { a, b, pump, wire } = tcpPair(true);
    pump(200);
    expect(wire[0]).toBe('a>b');
    expect(b.controlling).toBe(true);
    expect(b.selectedPair).toMatchObject({ nominated: true, local: { tcpType: 'passive' }, remote: { tcpType: 'active' } });
    expect(a.selectedPair).toMatchObject({ nominated: true, local: { tcpType: 'active' }, remote: { tcpType: 'passive' } });
  });

  it('consent freshness runs over the connection; the connection closing fails the pair at once', () => {
    const { a, b, pump, passive, ephemeral, close, now } = tcpPair();
    pump(200);
    const sent = a.stats.consentChecksSent;
    pump(1500);
    expect(a.stats.consentChecksSent).toBeGreaterThan(sent);
    expect(['connected', 'completed']).toContain(a.connectionState);
    close();
    a.tcpPathClosed(1, passive, now());
    b.tcpPathClosed(2, ephemeral, now());
    expect(a.connectionState).toBe('failed');
    expect(b.connectionState).toBe('failed');
    expect(a.canSend).toBe(false);
  });

  it('a check over TCP is sent once, never retransmitted (RFC 6544 §7.1), and an unanswered one still fails its pair', () => {
    const { a, pump, close } = tcpPair();
    close(); // a connection that swallows everything without closing
    a.endOfRemoteCandidates();
    pump(3000);
    const pair = a.checklist.pairs[0]!;
    expect(pair.state).toBe('failed');
    expect(pair.requestsSent).toBe(1);
    expect(a.stats.retransmissions).toBe(0);
    expect(a.connectionState).toBe('failed');
  });

  it('a connection that fails before any answer fails its pair and stops its checks', () => {
    const { a, pump, passive, close, now } = tcpPair();
    close();
    pump(1);
    while (a.pollTransmit() !== undefined);
    expect(a.checklist.pairs[0]!.state).toBe('in-progress');
    a.tcpPathClosed(1, passive, now());
    a.endOfRemoteCandidates();
    expect(a.checklist.pairs[0]!.state).toBe('failed');
    expect(a.pollTransmit()).toBeUndefined();
    const before = a.stats.retransmissions;
    pump(300);
    expect(a.stats.retransmissions).toBe(before);
    expect(a.connectionState).toBe('failed');
  });
});

describe('TcpMuxRouter', () => {
  it('routes a connection by its first check\'s local ufrag and refuses anything else; remove leaves nothing', () => {
    const router = new TcpMuxRouter<string>();
    expect(router.addUfrag('one', 'ufrag1')).toBe(true);
    expect(router.addUfrag('two', 'ufrag2')).toBe(true);
    expect(router.addUfrag('two', 'ufrag1')).toBe(false);
    expect(router.routeFirstFrame(check('ufrag1'))).toBe('one');
    expect(router.routeFirstFrame(check('ufrag2'))).toBe('two');
    expect(router.routeFirstFrame(check('nobody'))).toBeUndefined();
    expect(router.routeFirstFrame(Uint8Array.of(22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))).toBeUndefined();
    const truncated = check('ufrag1').subarray(0, 30);
    expect(router.routeFirstFrame(truncated)).toBeUndefined();
    expect(router.stats).toMatchObject({ routed: 2, droppedUnknownUfrag: 1, droppedNotStun: 2, ufragConflicts: 1 });
    router.remove('one');
    router.remove('two');
    expect([router.routes, router.ufrags]).toEqual([0, 0]);
  });

  it('property: any first frame, garbage or a mutated check, is routed or counted, never thrown', () => {
    const router = new TcpMuxRouter<string>();
    router.addUfrag('one', 'ufrag1');
    const base = check('ufrag1');
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 }), fc.nat(base.length)).map(([i, v, cut]) => {
            const m = base.slice(0, Math.max(cut, 1));
            if (i < m.length) m[i] = v;
            return m;
          }),
        ),
        (frame) => {
          const before = router.stats.routed + router.stats.droppedNotStun + router.stats.droppedUnknownUfrag;
          const r = router.routeFirstFrame(frame);
          expect(r === undefined || r === 'one').toBe(true);
          expect(router.stats.routed + router.stats.droppedNotStun + router.stats.droppedUnknownUfrag).toBe(before + 1);
        },
      ),
      { seed: 6544, numRuns: 500 },
    );
  });
});

const { open, transport } = closedAfterEach();
async function tcpMux(address: string | string[], options: { port?: number; firstFrameTimeout?: number } = {}): Promise<IceTcpMux> {
  const m = await IceTcpMux.bind({ address, ...options });
  open.unshift(m);
  return m;
}
/** Trickles both ways, gathers both, and waits for both to connect (or fail). */
async function connect(client: IceTransport, server: IceTransport): Promise<void> {
  client.onLocalCandidate((c) => (c ? void server.addRemoteCandidate(c) : server.endOfRemoteCandidates()));
  server.onLocalCandidate((c) => (c ? void client.addRemoteCandidate(c) : client.endOfRemoteCandidates()));
  client.setRemoteParameters(server.localParameters);
  server.setRemoteParameters(client.localParameters);
  await Promise.all([client.gather(), server.gather()]);
  await Promise.all([client.waitFor('connected', 'completed', 'failed'), server.waitFor('connected', 'completed', 'failed')]);
}
/** A server with passive TCP candidates only (no UDP host address). */
const tcpOnly = { ipv4: false, ipv6: false } as const;
const closedOnce = (s: net.Socket): Promise<void> => new Promise((resolve) => s.once('close', () => resolve()));

describe('IceTcpMux with IceTransports on loopback', () => {
  it('several transports on one listening port per family: each client reaches its own over TCP, data both ways', async () => {
    const m = await tcpMux(['127.0.0.1', '::1']);
    const pairs = [0, 1, 2].map(() => ({
      server: transport({ controlling: false, tcpMux: m, ...tcpOnly }),
      client: transport({ controlling: true, tcpActive: true, ...LOOPBACK, ipv6: false }),
    }));
    const serverLines: string[][] = pairs.map((p) => {
      const out: string[] = [];
      p.server.onLocalCandidate((c) => c && out.push(formatCandidate(c)));
      return out;
    });
    await Promise.all(pairs.map((p) => connect(p.client, p.server)));
    for (const [i, p] of pairs.entries()) {
      expect(serverLines[i]!.every((l) => / tcp .* typ host tcptype passive$/.test(l))).toBe(true);
      expect(serverLines[i]!.some((l) => l.includes(` 127.0.0.1 ${m.localAddresses[0]!.port} `))).toBe(true);
      expect(p.client.selectedPair).toMatchObject({ local: { transport: 'tcp', tcpType: 'active' }, remote: { transport: 'tcp', tcpType: 'passive', port: m.localAddresses[0]!.port } });
      expect(await exchangeData(p.client, p.server, `to server ${i}`)).toBe(`to server ${i}`);
      expect(await exchangeData(p.server, p.client, `to client ${i}`)).toBe(`to client ${i}`);
    }
    for (const p of pairs) expect(p.server.agent.stats.droppedUnknownSource).toBe(0);
    expect(m.stats).toMatchObject({ routed: 3, droppedNotStun: 0, droppedUnknownUfrag: 0, timedOut: 0 });
    expect(m.size).toMatchObject({ routes: 3, ufrags: 3, pending: 0, connections: 3 });
    for (const p of pairs) p.server.close();
    expect(m.size).toMatchObject({ routes: 0, ufrags: 0, pending: 0 });
    for (const p of pairs) await p.client.waitFor('failed');
    expect(m.size.connections).toBe(0);
  });

  it('with UDP there too, the UDP pair wins; a TCP and a UDP candidate may share one port number', async () => {
    const udp = await IceUdpMux.bind({ address: '127.0.0.1' });
    open.unshift(udp);
    const m = await tcpMux('127.0.0.1', { port: udp.localAddresses[0]!.port });
    expect(m.localAddresses[0]!.port).toBe(udp.localAddresses[0]!.port);
    const server = transport({ controlling: false, tcpMux: m, udpMux: udp });
    const client = transport({ controlling: true, tcpActive: true, ...LOOPBACK, ipv6: false });
    await connect(client, server);
    expect(client.selectedPair).toMatchObject({ local: { transport: 'udp' }, remote: { transport: 'udp', port: udp.localAddresses[0]!.port } });
    expect(client.agent.getRemoteCandidates().map((c) => c.transport).sort()).toEqual(['tcp', 'udp']);
  });

  it('closes and counts a connection whose first frame is not a check for a known ufrag, and one that says nothing', async () => {
    const m = await tcpMux('127.0.0.1', { firstFrameTimeout: 200 });
    const server = transport({ controlling: false, tcpMux: m, ...tcpOnly });
    await server.gather();
    const to = m.localAddresses[0]!;
    const garbage = net.connect(to.port, to.address);
    garbage.write(frameRfc4571(Uint8Array.of(22, 0xfe, 0xfd, 1, 2, 3)));
    await closedOnce(garbage);
    const stranger = net.connect(to.port, to.address);
    stranger.write(frameRfc4571(check('nobody')));
    await closedOnce(stranger);
    const huge = net.connect(to.port, to.address);
    huge.write(Uint8Array.of(0xff, 0xff, 1, 2, 3));
    await closedOnce(huge);
    const silent = net.connect(to.port, to.address);
    await closedOnce(silent);
    expect(m.stats).toMatchObject({ accepted: 4, routed: 0, droppedNotStun: 1, droppedUnknownUfrag: 1, malformedFrames: 1, timedOut: 1 });
    expect(m.size).toMatchObject({ pending: 0, connections: 0, ufrags: 1 });
  });

  it('a refused connection fails the active pair at once, not after the check\'s timeout', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(port));
      });
    });
    const client = transport({ controlling: true, tcpActive: true, ...LOOPBACK, ipv6: false });
    client.setRemoteParameters({ usernameFragment: 'nobody', password: 'p'.repeat(22), iceLite: false });
    await client.addRemoteCandidate(`candidate:1 1 tcp 1518280447 127.0.0.1 ${closedPort} typ host tcptype passive`);
    client.endOfRemoteCandidates();
    await client.gather();
    expect(await client.waitFor('failed')).toBe('failed');
    const pair = client.agent.checklist.pairs.find((p) => p.local.transport === 'tcp')!;
    expect(pair).toMatchObject({ state: 'failed', requestsSent: 1, responsesReceived: 0 });
  });

  it('closing the mux closes its connections: the pairs on them fail, nothing is left', async () => {
    const m = await tcpMux('127.0.0.1');
    const server = transport({ controlling: false, tcpMux: m, ...tcpOnly });
    const client = transport({ controlling: true, tcpActive: true, ...LOOPBACK, ipv6: false });
    await connect(client, server);
    m.close();
    expect(await server.waitFor('failed')).toBe('failed');
    expect(await client.waitFor('failed')).toBe('failed');
    expect(m.size).toEqual({ routes: 0, ufrags: 0, pending: 0, connections: 0 });
  });

  it('a connection that closes fails its pair on both ends, and leaves no entry in the mux', async () => {
    const m = await tcpMux('127.0.0.1');
    const server = transport({ controlling: false, tcpMux: m, ...tcpOnly, consentInterval: [200, 300] });
    const client = transport({ controlling: true, tcpActive: true, ...LOOPBACK, ipv6: false });
    await connect(client, server);
    expect(m.size.connections).toBe(1);
    client.close();
    expect(await server.waitFor('failed')).toBe('failed');
    expect(m.size).toMatchObject({ connections: 0, pending: 0 });
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attr, encodeMessage, StunClass, StunMethod, Username, XorMappedAddress } from '@x/stun';
import { type IceAgentEvent } from '../src/index.js';
import { bothNominated, exchange, SimNetwork, type SimPeer } from './sim-network.js';
import { encodeCheckRequest } from '../src/connectivity-check.js';

const enc = new TextEncoder();

function connectedPair(net = new SimNetwork(), optsA = {}, optsB = {}): { net: SimNetwork; a: SimPeer; b: SimPeer } {
  const a = net.addPeer('A', { controlling: true, ...optsA });
  const b = net.addPeer('B', { controlling: false, ...optsB });
  a.addHost('192.0.2.1', 5000);
  b.addHost('192.0.2.2', 6000);
  a.agent.endOfLocalCandidates();
  b.agent.endOfLocalCandidates();
  exchange(a, b);
  net.run(10_000, () => bothNominated(a, b));
  expect(bothNominated(a, b)).toBe(true);
  return { net, a, b };
}

describe('role conflict (RFC 8445 §7.3.1.1)', () => {
  it('two controlling agents: the larger tie-breaker stays controlling', () => {
    const { a, b } = connectedPair(new SimNetwork(), { controlling: true, tieBreaker: 5n }, { controlling: true, tieBreaker: 9n });
    expect(a.agent.controlling).toBe(false);
    expect(b.agent.controlling).toBe(true);
    expect(a.agent.stats.roleConflicts + b.agent.stats.roleConflicts).toBeGreaterThan(0);
    expect(a.events.some((e) => e.event.type === 'role-change')).toBe(true);
    expect(b.agent.selectedPair!.nominated).toBe(true);
  });

  it('two controlled agents: the larger tie-breaker becomes controlling', () => {
    const { a, b } = connectedPair(new SimNetwork(), { controlling: false, tieBreaker: 5n }, { controlling: false, tieBreaker: 9n });
    expect(a.agent.controlling).toBe(false);
    expect(b.agent.controlling).toBe(true);
    expect(a.agent.selectedPair!.remote.address).toBe('192.0.2.2');
  });
});

describe('consent freshness (RFC 7675)', () => {
  it('sends a consent check every 4–6 s while connected', () => {
    const { net, a } = connectedPair();
    const before = a.agent.stats.consentChecksSent;
    net.run(net.now + 60_000);
    const n = a.agent.stats.consentChecksSent - before;
    expect(n).toBeGreaterThanOrEqual(10);
    expect(n).toBeLessThanOrEqual(15);
    expect(a.agent.connectionState).toBe('completed');
  });

  it('goes disconnected, then failed at 30 s without answers, and stops sending', () => {
    const { net, a, b } = connectedPair();
    net.run(net.now + 12_000);
    net.up = false;
    const last = a.agent.selectedPair!.lastConsentAt;
    net.run(net.now + 40_000);
    expect(a.stateAt('disconnected')).toBe(last + 8000);
    expect(a.stateAt('failed')).toBe(last + 30_000);
    expect(a.states().slice(-2)).toEqual(['disconnected', 'failed']);
    expect(a.agent.canSend).toBe(false);
    expect(a.sendData(enc.encode('x'))).toBe(false);
    // B saw the same silence.
    expect(b.states().slice(-2)).toEqual(['disconnected', 'failed']);
    // No more consent checks once consent is lost.
    const sent = a.agent.stats.consentChecksSent;
    net.run(net.now + 20_000);
    expect(a.agent.stats.consentChecksSent).toBe(sent);
  });

  it('comes back to connected when answers return before 30 s', () => {
    const { net, a } = connectedPair();
    net.up = false;
    net.run(net.now + 15_000);
    expect(a.agent.connectionState).toBe('disconnected');
    net.up = true;
    net.run(net.now + 8_000);
    expect(a.agent.connectionState).toBe('completed');
    expect(a.agent.canSend).toBe(true);
  });
});

describe('ICE restart (RFC 8445 §9)', () => {
  it('keeps data flowing on the old pair until a new pair is selected with new credentials', () => {
    const { net, a, b } = connectedPair();
    const oldPair = a.agent.selectedPair!;
    const oldUfrag = a.agent.localParameters.usernameFragment;
    const eventsBefore = a.events.length;
    a.agent.restart(undefined, net.now);
    b.agent.restart(undefined, net.now);
    expect(a.agent.localParameters.usernameFragment).not.toBe(oldUfrag);
    // Local candidates are announced again for the new generation.
    net.run(net.now + 1);
    expect(a.events.slice(eventsBefore).some((e) => e.event.type === 'local-candidate')).toBe(true);
    // Still the old pair, and data flows on it.
    expect(a.agent.selectedPair).toBe(oldPair);
    expect(a.sendData(enc.encode('during restart'))).toBe(true);
    net.run(net.now + 100);
    expect(new TextDecoder().decode(b.received.at(-1))).toBe('during restart');
    exchange(a, b);
    net.run(net.now + 10_000, () => a.agent.selectedPair !== oldPair && bothNominated(a, b));
    expect(a.agent.selectedPair).not.toBe(oldPair);
    expect(b.agent.selectedPair!.nominated).toBe(true);
    expect(a.states()).not.toContain('failed');
    expect(a.states()).not.toContain('disconnected');
    expect(b.sendData(enc.encode('after restart'))).toBe(true);
    net.run(net.now + 100);
    expect(new TextDecoder().decode(a.received.at(-1))).toBe('after restart');
    // Checks with the old credentials are now dropped as unknown usernames.
    const stale = encodeCheckRequest({
      transactionId: new Uint8Array(12).fill(1),
      username: `${oldUfrag}:x`,
      password: 'p'.repeat(22),
      priority: 1,
      controlling: false,
      tieBreaker: 1n,
      useCandidate: false,
    });
    const dropped = a.agent.stats.droppedUnknownUsername;
    a.agent.handleDatagram(stale, 1, { address: '192.0.2.2', port: 6000 }, net.now);
    expect(a.agent.stats.droppedUnknownUsername).toBe(dropped + 1);
  });
});

describe('ICE restart the peer has not seen yet', () => {
  it('answers the peer\'s consent checks with the old credentials and takes its data until a new pair is selected', () => {
    const { net, a, b } = connectedPair();
    const answeredBefore = b.agent.stats.responsesReceived;
    a.agent.restart(undefined, net.now);
    // The offer has not reached b: b goes on checking consent on the old pair for 20 s.
    net.run(net.now + 20_000);
    expect(b.agent.stats.responsesReceived).toBeGreaterThan(answeredBefore + 2);
    expect(b.states()).not.toContain('disconnected');
    expect(b.agent.connectionState).toBe('completed');
    expect(b.sendData(enc.encode('from the old generation'))).toBe(true);
    net.run(net.now + 100);
    expect(new TextDecoder().decode(a.received.at(-1))).toBe('from the old generation');
    b.agent.restart(undefined, net.now);
    exchange(a, b);
    const oldPair = a.agent.selectedPair;
    net.run(net.now + 10_000, () => a.agent.selectedPair !== oldPair && bothNominated(a, b));
    expect(a.agent.selectedPair).not.toBe(oldPair);
    expect(a.states()).not.toContain('disconnected');
  });
});

describe('ICE restart after consent was lost for a while (disconnected)', () => {
  it('stays disconnected until a check on the new credentials succeeds, then connects', () => {
    const { net, a, b } = connectedPair();
    net.up = false;
    net.run(net.now + 12_000);
    expect(a.agent.connectionState).toBe('disconnected');
    const before = a.states().length;
    const oldPair = a.agent.selectedPair;
    a.agent.restart(undefined, net.now);
    b.agent.restart(undefined, net.now);
    net.run(net.now + 1_000);
    // Nothing has answered yet: the restart alone does not make the old, silent pair connected.
    expect(a.agent.connectionState).toBe('disconnected');
    expect(a.states().slice(before)).toEqual([]);
    net.up = true;
    exchange(a, b);
    net.run(net.now + 10_000, () => a.agent.selectedPair !== oldPair && bothNominated(a, b));
    expect(a.agent.selectedPair).not.toBe(oldPair);
    expect(bothNominated(a, b)).toBe(true);
    expect(a.states().slice(before)).toContain('connected');
    expect(a.agent.canSend).toBe(true);
  });

  it('fails at the old pair\'s consent expiry when the new credentials never get an answer', () => {
    const { net, a, b } = connectedPair();
    net.up = false;
    const last = a.agent.selectedPair!.lastConsentAt;
    net.run(net.now + 12_000);
    const before = a.states().length;
    a.agent.restart(undefined, net.now);
    b.agent.restart(undefined, net.now);
    exchange(a, b);
    net.run(net.now + 30_000);
    expect(a.stateAt('failed')).toBe(last + 30_000);
    expect(a.states().slice(before)).toEqual(['failed']);
    expect(a.agent.canSend).toBe(false);
  });
});

describe('ICE restart with relays gathered anew', () => {
  it('does not announce a replaced relay again, and completes gathering only after the new one', () => {
    const { net, a } = connectedPair();
    const relay = a.agent.addRelayCandidate(77, { address: '198.51.100.7', port: 40000 }, { address: '203.0.113.1', port: 5000 }, '198.51.100.7', net.now);
    a.agent.endOfLocalCandidates(net.now);
    net.run(net.now + 1);
    const eventsBefore = a.events.length;
    a.agent.restart(undefined, net.now, [relay.socketId]);
    net.run(net.now + 1);
    const announced = () => a.events.slice(eventsBefore).flatMap((e) => (e.event.type === 'local-candidate' ? [e.event.candidate] : []));
    expect(announced().some((c) => c.type === 'host')).toBe(true);
    expect(announced().some((c) => c.socketId === relay.socketId)).toBe(false);
    expect(a.agent.gatheringState).toBe('gathering');
    // The adapter's new allocation arrives, then it says no more will.
    const fresh = a.agent.addRelayCandidate(78, { address: '198.51.100.7', port: 40002 }, { address: '203.0.113.1', port: 5000 }, '198.51.100.7', net.now);
    a.agent.endOfLocalCandidates(net.now);
    net.run(net.now + 1);
    expect(announced().map((c) => c.socketId)).toContain(fresh.socketId);
    expect(a.agent.gatheringState).toBe('complete');
  });
});

describe('ICE-lite (RFC 8445 §2.5)', () => {
  it('a lite agent only answers; the full agent becomes controlling and nominates', () => {
    const { net, a, b } = connectedPair(new SimNetwork(), { controlling: false }, { lite: true, controlling: true });
    expect(b.agent.localParameters.iceLite).toBe(true);
    expect(a.agent.controlling).toBe(true);
    expect(b.agent.controlling).toBe(false);
    expect(b.agent.stats.checksSent).toBe(0);
    net.run(net.now + 20_000);
    expect(b.agent.stats.consentChecksSent).toBe(0);
    // The full agent's consent checks keep the lite agent connected.
    expect(b.agent.connectionState).toBe('completed');
    expect(a.sendData(enc.encode('to lite'))).toBe(true);
    expect(b.sendData(enc.encode('from lite'))).toBe(true);
    net.run(net.now + 100);
    expect(b.received.length).toBe(1);
    expect(a.received.length).toBe(1);
  });
});

describe('trickle ICE (RFC 8838)', () => {
  it('connects with candidates trickled one by one and completes only after end-of-candidates', () => {
    const net = new SimNetwork();
    const a = net.addPeer('A', { controlling: true });
    const b = net.addPeer('B', { controlling: false });
    a.agent.setRemoteParameters(b.agent.localParameters);
    b.agent.setRemoteParameters(a.agent.localParameters);
    const hostsA: Array<[string, number]> = [['2001:db8::1', 5001], ['192.0.2.1', 5000]];
    const hostsB: Array<[string, number]> = [['192.0.2.2', 6000], ['2001:db8::2', 6001]];
    for (let i = 0; i < 2; i++) {
      a.addHost(...hostsA[i]!);
      b.addHost(...hostsB[i]!);
      net.run(net.now + 30);
      for (const e of a.events) if (e.event.type === 'local-candidate') b.agent.addRemoteCandidate(e.event.candidate, net.now);
      for (const e of b.events) if (e.event.type === 'local-candidate') a.agent.addRemoteCandidate(e.event.candidate, net.now);
    }
    net.run(net.now + 3000, () => bothNominated(a, b));
    expect(bothNominated(a, b)).toBe(true);
    net.run(net.now + 3000);
    expect(a.agent.connectionState).toBe('connected');
    a.agent.endOfLocalCandidates(net.now);
    b.agent.endOfLocalCandidates(net.now);
    a.agent.endOfRemoteCandidates(net.now);
    b.agent.endOfRemoteCandidates(net.now);
    net.run(net.now + 1);
    expect(a.agent.connectionState).toBe('completed');
    expect(b.agent.connectionState).toBe('completed');
    const kinds = (es: Array<{ event: IceAgentEvent }>) => es.map((e) => (e.event.type === 'gathering-state' ? `g:${e.event.state}` : e.event.type)).filter((t) => t.startsWith('g:') || t === 'local-candidate');
    expect(kinds(a.events)).toEqual(['g:gathering', 'local-candidate', 'local-candidate', 'g:complete']);
    // IPv6 pairs outrank IPv4 ones (local preference), and both families were paired.
    expect(a.agent.checklist.pairs.length).toBeGreaterThan(0);
  });
});

describe('bad input', () => {
  it('drops and counts garbage, malformed STUN, bad credentials and stray responses, and still connects', () => {
    const net = new SimNetwork();
    const a = net.addPeer('A', { controlling: true });
    const b = net.addPeer('B', { controlling: false });
    a.addHost('192.0.2.1', 5000);
    b.addHost('192.0.2.2', 6000);
    exchange(a, b);
    const from = { address: '192.0.2.1', port: 5000 };
    const stranger = { address: '198.51.100.9', port: 1 };
    const ag = b.agent;
    // Not STUN, first byte 0–3.
    expect(ag.handleDatagram(new Uint8Array([0, 1, 2, 3]), 1, from, 0)).toBeUndefined();
    // STUN header but truncated attribute.
    const trunc = encodeMessage({ method: StunMethod.Binding, messageClass: StunClass.Request, transactionId: new Uint8Array(12), attributes: [attr(Username, 'abcd')] });
    trunc[3] = 12;
    ag.handleDatagram(trunc, 1, from, 0);
    expect(ag.stats.droppedMalformed).toBe(2);
    const request = (username: string, password: string) =>
      encodeCheckRequest({ transactionId: new Uint8Array(12).fill(7), username, password, priority: 1, controlling: true, tieBreaker: 1n, useCandidate: true });
    const ufB = ag.localParameters.usernameFragment;
    const ufA = a.agent.localParameters.usernameFragment;
    ag.handleDatagram(request(`nope:${ufA}`, ag.localParameters.password), 1, from, 0);
    expect(ag.stats.droppedUnknownUsername).toBe(1);
    ag.handleDatagram(request(`${ufB}:${ufA}`, 'wrongwrongwrongwrongwrong'), 1, from, 0);
    expect(ag.stats.droppedBadIntegrity).toBe(1);
    // A bit flip breaks the fingerprint.
    const flipped = request(`${ufB}:${ufA}`, ag.localParameters.password);
    flipped[flipped.length - 1] ^= 1;
    ag.handleDatagram(flipped, 1, from, 0);
    expect(ag.stats.droppedMalformed).toBe(3);
    const stray = encodeMessage(
      { method: StunMethod.Binding, messageClass: StunClass.SuccessResponse, transactionId: new Uint8Array(12).fill(9), attributes: [attr(XorMappedAddress, { family: 'IPv4', ...from })] },
      { fingerprint: true },
    );
    ag.handleDatagram(stray, 1, from, 0);
    expect(ag.stats.droppedUnknownTransaction).toBe(1);
    expect(ag.handleDatagram(new Uint8Array([0x80, 1, 2]), 1, stranger, 0)).toBeUndefined();
    expect(ag.stats.droppedUnknownSource).toBe(1);
    expect(ag.stats.requestsReceived).toBe(0);
    expect(ag.pollTransmit()).toBeUndefined();
    net.run(10_000, () => bothNominated(a, b));
    expect(bothNominated(a, b)).toBe(true);
  });

  it('never throws on mutated and truncated real check requests, and counts them (fast-check, fixed seed)', () => {
    const net = new SimNetwork();
    const a = net.addPeer('A', { controlling: true });
    const b = net.addPeer('B', { controlling: false });
    a.addHost('192.0.2.1', 5000);
    b.addHost('192.0.2.2', 6000);
    exchange(a, b);
    const valid = encodeCheckRequest({
      transactionId: new Uint8Array(12).fill(3),
      username: `${b.agent.localParameters.usernameFragment}:${a.agent.localParameters.usernameFragment}`,
      password: b.agent.localParameters.password,
      priority: 1,
      controlling: true,
      tieBreaker: 1n,
      useCandidate: true,
    });
    let accepted = 0;
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), fc.nat(), (edits, cut) => {
        const m = Uint8Array.from(valid);
        for (const [i, x] of edits) m[i % m.length] = x;
        const data = m.subarray(0, Math.max(1, cut % (m.length + 1)));
        const before = b.agent.stats.requestsReceived;
        b.agent.handleDatagram(data, 1, { address: '192.0.2.1', port: 5000 }, 0);
        accepted += b.agent.stats.requestsReceived - before;
        while (b.agent.pollTransmit());
      }),
      { seed: 8445, numRuns: 2000 },
    );
    const s = b.agent.stats;
    // Nearly every mutation is caught by the parser, FINGERPRINT or MESSAGE-INTEGRITY and counted.
    expect(s.droppedMalformed + s.droppedBadIntegrity + s.droppedUnknownUsername + s.droppedUnknownSource).toBeGreaterThan(1900);
    expect(accepted).toBeLessThan(100);
    net.run(10_000, () => bothNominated(a, b));
    expect(bothNominated(a, b)).toBe(true);
  });

  it('never throws on random datagrams during checks and connects anyway (fast-check, fixed seed)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 0, maxLength: 80 }), { maxLength: 20 }), fc.boolean(), (junk, stunLike) => {
        const net = new SimNetwork();
        const a = net.addPeer('A', { controlling: true });
        const b = net.addPeer('B', { controlling: false });
        a.addHost('192.0.2.1', 5000);
        b.addHost('192.0.2.2', 6000);
        exchange(a, b);
        for (const j of junk) {
          if (stunLike && j.length >= 20) {
            j[0] = j[0]! & 1;
            j.set([0x21, 0x12, 0xa4, 0x42], 4);
            j[2] = 0;
            j[3] = (j.length - 20) & ~3;
          }
          b.agent.handleDatagram(j, 1, { address: '192.0.2.1', port: 5000 }, 0);
          a.agent.handleDatagram(j, 1, { address: '192.0.2.2', port: 6000 }, 0);
        }
        net.run(10_000, () => bothNominated(a, b));
        expect(bothNominated(a, b)).toBe(true);
      }),
      { seed: 2024, numRuns: 150 },
    );
  });
});

describe('close', () => {
  it('moves to closed, sends nothing more and has no timer', () => {
    const { net, a } = connectedPair();
    a.agent.close();
    net.run(net.now + 1);
    expect(a.agent.connectionState).toBe('closed');
    expect(a.agent.pollTimeout()).toBeUndefined();
    expect(a.agent.handleDatagram(new Uint8Array([0x80]), 1, { address: '192.0.2.2', port: 6000 }, net.now)).toBeUndefined();
    expect(a.sendData(enc.encode('x'))).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { decodeMessage, IceControlled, IceControlling, Priority, shortTermKey, UseCandidate, Username, verifyMessageIntegrity } from '@x/stun';
import { candidatePriority, localPreference } from '../src/index.js';
import { bothNominated, exchange, Nat, SimNetwork } from './sim-network.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

function pingPong(net: SimNetwork, a: ReturnType<SimNetwork['addPeer']>, b: ReturnType<SimNetwork['addPeer']>, tries = 1): void {
  for (let i = 0; i < tries && a.received.length === 0; i++) {
    expect(b.sendData(enc.encode(`from ${b.name}`))).toBe(true);
    net.run(net.now + 100);
  }
  for (let i = 0; i < tries && b.received.length === 0; i++) {
    expect(a.sendData(enc.encode(`from ${a.name}`))).toBe(true);
    net.run(net.now + 100);
  }
  expect(dec.decode(a.received[0])).toBe(`from ${b.name}`);
  expect(dec.decode(b.received[0])).toBe(`from ${a.name}`);
}

describe('two sans-IO agents on a simulated network', () => {
  it('connect over host candidates: states, nomination, the same selected pair, data both ways', () => {
    const net = new SimNetwork();
    const a = net.addPeer('A', { controlling: true });
    const b = net.addPeer('B', { controlling: false });
    a.addHost('192.0.2.1', 5000);
    b.addHost('192.0.2.2', 6000);
    a.agent.endOfLocalCandidates();
    b.agent.endOfLocalCandidates();
    exchange(a, b);
    net.run(10_000, () => a.agent.connectionState === 'completed' && b.agent.connectionState === 'completed');
    expect(a.states()).toEqual(['checking', 'connected', 'completed']);
    // Regular nomination right after the first valid pair when nothing better is pending:
    // check (10 ms each way), then the USE-CANDIDATE check after at most Ta (50 ms), answered.
    const selectedAt = a.events.find((e) => e.event.type === 'selected-pair')!.at;
    expect(selectedAt).toBeLessThanOrEqual(20 + 50 + 20);
    expect(b.states()).toEqual(['checking', 'connected', 'completed']);
    const pa = a.agent.selectedPair!;
    const pb = b.agent.selectedPair!;
    expect([pa.local.address, pa.local.port, pa.remote.address, pa.remote.port]).toEqual(['192.0.2.1', 5000, '192.0.2.2', 6000]);
    expect([pb.local.address, pb.remote.address]).toEqual(['192.0.2.2', '192.0.2.1']);
    expect(pa.nominated && pb.nominated).toBe(true);
    // Pair stats: the simulated round trip is twice the 10 ms latency.
    expect(pa.roundTripTime).toBe(20);
    expect(pa.requestsSent).toBeGreaterThanOrEqual(1);
    expect(pa.responsesReceived).toBe(pa.requestsSent);
    // Every request was answered without a retransmission: each one is a 20 ms measurement in the total.
    expect(pa.totalRoundTripTime).toBe(20 * pa.responsesReceived);
    expect(pb.requestsReceived).toBeGreaterThanOrEqual(1);
    expect(a.agent.controlling).toBe(true);
    expect(b.agent.controlling).toBe(false);
    pingPong(net, a, b);
  });

  it('sends data on a valid pair before nomination (RFC 8445 §12.1), then on the nominated one', () => {
    const net = new SimNetwork();
    // A long Ta keeps the nomination (a new, paced check) well after the first valid pair.
    const a = net.addPeer('A', { controlling: true, ta: 500 });
    const b = net.addPeer('B', { controlling: false, ta: 500 });
    a.addHost('192.0.2.1', 5000);
    b.addHost('192.0.2.2', 6000);
    a.agent.endOfLocalCandidates();
    b.agent.endOfLocalCandidates();
    exchange(a, b);
    // A's check and B's triggered check each take a 20 ms round trip.
    net.run(100);
    for (const p of [a, b]) {
      expect(p.agent.connectionState).toBe('connected');
      expect(p.agent.selectedPair?.nominated).toBe(false);
      expect(p.agent.selectedPair?.valid).toBe(true);
    }
    pingPong(net, a, b);
    const used = a.agent.selectedPair;
    net.run(10_000, () => bothNominated(a, b) && a.agent.connectionState === 'completed' && b.agent.connectionState === 'completed');
    // Nomination keeps the pair in use: no second selected-pair event.
    expect(a.agent.selectedPair).toBe(used);
    expect(a.events.filter((e) => e.event.type === 'selected-pair')).toHaveLength(1);
    expect(b.agent.selectedPair!.nominated).toBe(true);
    expect(a.states()).toEqual(['checking', 'connected', 'completed']);
  });

  it('checks a pair in use about every second until it is nominated, then every 4–6 s (consent)', () => {
    const net = new SimNetwork();
    // Ta of 5 s: A's nomination, a new paced check, comes about 5 s after the first valid pair.
    const a = net.addPeer('A', { controlling: true, ta: 5000 });
    const b = net.addPeer('B', { controlling: false });
    a.addHost('192.0.2.1', 5000);
    b.addHost('192.0.2.2', 6000);
    exchange(a, b);
    net.run(4500);
    expect(b.agent.selectedPair?.nominated).toBe(false);
    // B's only ordinary check came early; what A hears from B since are the repeated checks.
    expect(b.agent.stats.consentChecksSent).toBeGreaterThanOrEqual(3);
    net.run(10_000, () => bothNominated(a, b));
    expect(bothNominated(a, b)).toBe(true);
    const before = b.agent.stats.consentChecksSent;
    net.run(net.now + 3500);
    expect(b.agent.stats.consentChecksSent - before).toBeLessThanOrEqual(1);
  });

  it('re-checks a pair in use before nomination at least as often as a shorter consent interval asks', () => {
    const net = new SimNetwork();
    const short = { consentInterval: [200, 300] as const, disconnectedTimeout: 750, failedTimeout: 2500 };
    const a = net.addPeer('A', { controlling: true, ta: 5000, ...short });
    const b = net.addPeer('B', { controlling: false, ...short });
    a.addHost('192.0.2.1', 5000);
    b.addHost('192.0.2.2', 6000);
    exchange(a, b);
    net.run(500, () => b.agent.selectedPair !== undefined);
    const before = b.agent.stats.consentChecksSent;
    net.run(net.now + 3000);
    // Still not nominated (A's nomination waits for Ta), and never disconnected: a check every
    // 200–300 ms, not the one-second recheck that would outlast the 750 ms timeout.
    expect(b.agent.selectedPair?.nominated).toBe(false);
    expect(b.agent.stats.consentChecksSent - before).toBeGreaterThanOrEqual(10);
    expect(b.states()).not.toContain('disconnected');
  });

  it('sends checks as RFC 8445 §7.2.2 asks: USERNAME, PRIORITY, ICE-CONTROLLING, integrity and fingerprint', () => {
    const net = new SimNetwork();
    const a = net.addPeer('A', { controlling: true, tieBreaker: 0x0123456789abcdefn });
    const b = net.addPeer('B', { controlling: false });
    a.addHost('192.0.2.1', 5000);
    b.addHost('192.0.2.2', 6000);
    exchange(a, b, false);
    a.agent.handleTimeout(0);
    const t = a.agent.pollTransmit()!;
    expect(t.destination).toEqual({ address: '192.0.2.2', port: 6000 });
    // decodeMessage checks the FINGERPRINT.
    const m = decodeMessage(t.data);
    expect(m.hasFingerprint).toBe(true);
    expect(m.method).toBe(1);
    expect(m.messageClass).toBe(0);
    expect(m.get(Username)).toBe(`${b.agent.localParameters.usernameFragment}:${a.agent.localParameters.usernameFragment}`);
    expect(m.get(Priority)).toBe(candidatePriority(110, localPreference(0, 4)));
    expect(m.get(IceControlling)).toBe(0x0123456789abcdefn);
    expect(m.get(IceControlled)).toBeUndefined();
    expect(m.get(UseCandidate)).toBeUndefined();
    expect(verifyMessageIntegrity(m, shortTermKey(b.agent.localParameters.password))).toBe('MESSAGE-INTEGRITY');
  });

  it('paces new checks at least Ta apart and retransmits unanswered checks, then fails the pairs', () => {
    const net = new SimNetwork();
    const a = net.addPeer('A', { controlling: true, ta: 20 });
    a.addHost('192.0.2.1', 5000);
    a.agent.endOfLocalCandidates();
    a.agent.setRemoteParameters({ usernameFragment: 'abcd', password: 'p'.repeat(22) });
    for (let i = 0; i < 4; i++) {
      a.agent.addRemoteCandidate({ foundation: `${i}`, component: 1, transport: 'udp', priority: 1000 + i, address: `198.51.100.${i + 1}`, port: 9, type: 'host' });
    }
    a.agent.endOfRemoteCandidates();
    const sent: Array<{ at: number; to: string; tx: string }> = [];
    let now = 0;
    while (now < 20_000) {
      a.agent.handleTimeout(now);
      for (let t = a.agent.pollTransmit(); t; t = a.agent.pollTransmit()) {
        sent.push({ at: now, to: t.destination.address, tx: Buffer.from(t.data.subarray(8, 20)).toString('hex') });
      }
      const next = a.agent.pollTimeout();
      if (next === undefined) break;
      now = next;
    }
    const firsts = new Map<string, number>();
    for (const s of sent) if (!firsts.has(s.tx)) firsts.set(s.tx, s.at);
    const starts = [...firsts.values()].sort((x, y) => x - y);
    expect(starts.length).toBe(4);
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(20);
    // Highest-priority remote first.
    expect(sent[0]!.to).toBe('198.51.100.4');
    // Seven transmissions per check (default), then the pair fails and, with end-of-candidates, the agent fails.
    for (const tx of firsts.keys()) expect(sent.filter((s) => s.tx === tx).length).toBe(7);
    expect(a.agent.checklist.pairs.every((p) => p.state === 'failed')).toBe(true);
    expect(a.agent.connectionState).toBe('failed');
  });

  it('sizes the first RTO of a check as RFC 8445 §14.3 says: MAX(500 ms, Ta × (waiting + in-progress))', () => {
    const a = new SimNetwork().addPeer('A', { controlling: true });
    a.addHost('192.0.2.1', 5000);
    a.agent.setRemoteParameters({ usernameFragment: 'abcd', password: 'p'.repeat(22) });
    for (let i = 0; i < 20; i++) {
      // Distinct foundations: all 20 pairs start waiting.
      a.agent.addRemoteCandidate({ foundation: `${i}`, component: 1, transport: 'udp', priority: 1000 - i, address: `198.51.100.${i + 1}`, port: 9, type: 'host' });
    }
    const firstTx = () => Buffer.from(a.agent.pollTransmit()!.data.subarray(8, 20)).toString('hex');
    a.agent.handleTimeout(0);
    const first = firstTx();
    // 19 waiting + 1 in progress, Ta 50 ms: 1000 ms, not 500.
    expect(a.agent.pollTimeout()).toBe(50); // the next paced check
    let now = 0;
    const resends: number[] = [];
    while (now < 1500) {
      now = a.agent.pollTimeout()!;
      a.agent.handleTimeout(now);
      for (let t = a.agent.pollTransmit(); t; t = a.agent.pollTransmit()) {
        if (Buffer.from(t.data.subarray(8, 20)).toString('hex') === first) resends.push(now);
      }
    }
    expect(resends[0]).toBe(1000);
  });

  it('is disconnected once every pair failed without end-of-candidates (W3C), failed failedTimeout later', () => {
    const net = new SimNetwork();
    const a = net.addPeer('A', { controlling: true, failedTimeout: 10_000 });
    a.addHost('192.0.2.1', 5000);
    a.agent.endOfLocalCandidates();
    a.agent.setRemoteParameters({ usernameFragment: 'abcd', password: 'p'.repeat(22) });
    a.agent.addRemoteCandidate({ foundation: '1', component: 1, transport: 'udp', priority: 1000, address: '198.51.100.1', port: 9, type: 'host' });
    net.run(60_000);
    const lastFailure = 500 + 1000 + 1600 * 5; // seven sends, then one more wait
    expect(a.stateAt('disconnected')).toBe(lastFailure);
    expect(a.stateAt('failed')).toBe(lastFailure + 10_000);
    expect(a.states()).toEqual(['checking', 'disconnected', 'failed']);
  });

  it('goes from disconnected back to checking, then connected, when a candidate that works comes later', () => {
    const net = new SimNetwork();
    const a = net.addPeer('A', { controlling: true });
    const b = net.addPeer('B', { controlling: false });
    a.addHost('192.0.2.1', 5000);
    b.addHost('192.0.2.2', 6000);
    a.agent.endOfLocalCandidates();
    b.agent.endOfLocalCandidates();
    a.agent.setRemoteParameters(b.agent.localParameters, 0);
    b.agent.setRemoteParameters(a.agent.localParameters, 0);
    a.agent.addRemoteCandidate({ foundation: '1', component: 1, transport: 'udp', priority: 1000, address: '198.51.100.1', port: 9, type: 'host' }, 0);
    net.run(20_000);
    expect(a.agent.connectionState).toBe('disconnected');
    for (const c of b.agent.getLocalCandidates()) a.agent.addRemoteCandidate(c, net.now);
    net.run(25_000, () => a.agent.connectionState === 'connected');
    expect(a.states()).toEqual(['checking', 'disconnected', 'checking', 'connected']);
  });

  it('keeps a frozen pair frozen while its foundation is being checked, then checks it (no busy loop)', () => {
    const net = new SimNetwork();
    const a = net.addPeer('A', { controlling: true });
    // Two sockets on one IP: same foundation, so one pair waits and the other is frozen.
    a.addHost('192.0.2.1', 5000);
    a.addHost('192.0.2.1', 5001);
    a.agent.setRemoteParameters({ usernameFragment: 'abcd', password: 'p'.repeat(22) });
    a.agent.addRemoteCandidate({ foundation: '1', component: 1, transport: 'udp', priority: 1000, address: '198.51.100.1', port: 9, type: 'host' });
    const states = a.agent.checklist.pairs.map((p) => p.state).sort();
    expect(states).toEqual(['frozen', 'waiting']);
    net.run(500);
    expect(a.agent.checklist.pairs.map((p) => p.state).sort()).toEqual(['frozen', 'in-progress']);
    net.run(30_000);
    expect(a.agent.checklist.pairs.map((p) => p.state)).toEqual(['failed', 'failed']);
  });

  it('answers checks that arrive before the remote parameters (early checks, RFC 8445 §7.3.1) and connects', () => {
    const net = new SimNetwork();
    const a = net.addPeer('A', { controlling: true });
    const b = net.addPeer('B', { controlling: false });
    a.addHost('192.0.2.1', 5000);
    b.addHost('192.0.2.2', 6000);
    // A knows everything; B knows nothing yet about A.
    a.agent.setRemoteParameters(b.agent.localParameters);
    for (const c of b.agent.getLocalCandidates()) a.agent.addRemoteCandidate(c);
    net.run(200);
    expect(b.agent.stats.requestsReceived).toBeGreaterThan(0);
    // B answered without knowing A's ufrag, and learned A as a peer-reflexive candidate.
    expect(b.agent.getRemoteCandidates().map((c) => c.type)).toEqual(['prflx']);
    b.agent.setRemoteParameters(a.agent.localParameters, net.now);
    net.run(net.now + 5000, () => bothNominated(a, b));
    expect(bothNominated(a, b)).toBe(true);
    pingPong(net, a, b);
  });

  it('connects with 20 % loss each way (seeded)', () => {
    let dropped = 0;
    let retransmissions = 0;
    for (const seed of [1, 2, 3, 4, 5]) {
      const net = new SimNetwork(seed);
      net.loss = 0.2;
      const a = net.addPeer('A', { controlling: true });
      const b = net.addPeer('B', { controlling: false });
      a.addHost('192.0.2.1', 5000);
      a.addHost('2001:db8::1', 5001);
      b.addHost('192.0.2.2', 6000);
      b.addHost('2001:db8::2', 6001);
      exchange(a, b);
      net.run(30_000, () => bothNominated(a, b));
      expect(bothNominated(a, b)).toBe(true);
      expect(addressOf(a.agent.selectedPair!.remote)).toBe(addressOf(b.agent.selectedPair!.local));
      dropped += net.dropped;
      retransmissions += a.agent.stats.retransmissions + b.agent.stats.retransmissions;
      pingPong(net, a, b, 20);
    }
    // The loss was real and the agents recovered from it by retransmitting.
    expect(dropped).toBeGreaterThan(0);
    expect(retransmissions).toBeGreaterThan(0);
  });

  it('connects through NATs: srflx gathered from a STUN server, hole punching on both sides', () => {
    const net = new SimNetwork();
    net.addStunServer({ address: '203.0.113.100', port: 3478 });
    const natA = net.addNat(new Nat('203.0.113.1'));
    const natB = net.addNat(new Nat('203.0.113.2'));
    const stunServers = [{ address: '203.0.113.100', port: 3478 }];
    const a = net.addPeer('A', { controlling: true, stunServers });
    const b = net.addPeer('B', { controlling: false, stunServers });
    a.addHost('10.0.0.1', 5000, natA);
    b.addHost('10.0.1.1', 6000, natB);
    a.agent.endOfLocalCandidates();
    b.agent.endOfLocalCandidates();
    net.run(1000, () => a.agent.gatheringState === 'complete' && b.agent.gatheringState === 'complete');
    const srflxA = a.agent.getLocalCandidates().find((c) => c.type === 'srflx')!;
    expect(srflxA.address).toBe('203.0.113.1');
    expect(srflxA.relatedAddress).toBe('10.0.0.1');
    expect(srflxA.socketId).toBe(1);
    expect(srflxA.priority).toBe(candidatePriority(100, localPreference(0, 4)));
    expect(a.events.filter((e) => e.event.type === 'gathering-state').map((e) => (e.event as { state: string }).state)).toEqual(['gathering', 'complete']);
    exchange(a, b);
    net.run(20_000, () => bothNominated(a, b));
    expect(bothNominated(a, b)).toBe(true);
    // Each sees the other's public address; each local side is its own host base.
    expect(a.agent.selectedPair!.remote.address).toBe('203.0.113.2');
    expect(b.agent.selectedPair!.remote.address).toBe('203.0.113.1');
    pingPong(net, a, b);
  });

  it('learns peer-reflexive candidates on both sides when only private host candidates are signalled', () => {
    const net = new SimNetwork();
    const nat = net.addNat(new Nat('203.0.113.1'));
    const a = net.addPeer('A', { controlling: true });
    const b = net.addPeer('B', { controlling: false });
    a.addHost('10.0.0.1', 5000, nat);
    b.addHost('198.51.100.2', 6000);
    exchange(a, b);
    net.run(20_000, () => bothNominated(a, b));
    expect(bothNominated(a, b)).toBe(true);
    const remoteAtB = b.agent.selectedPair!.remote;
    expect(remoteAtB.type).toBe('prflx');
    expect(remoteAtB.address).toBe('203.0.113.1');
    const localAtA = a.agent.selectedPair!.local;
    expect(localAtA.type).toBe('prflx');
    expect(localAtA.address).toBe('203.0.113.1');
    expect(localAtA.base).toEqual({ address: '10.0.0.1', port: 5000 });
    pingPong(net, a, b);
  });
});

function addressOf(c: { address: string; port: number }): string {
  return `${c.address}:${c.port}`;
}

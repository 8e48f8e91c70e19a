/**
 * Faults on a live call between two of our peers: the other peer vanishes mid-transfer (consent
 * freshness, RFC 7675), with shortened consent timings and with the defaults; the TURN server of a
 * relay-only call is restarted (recovery by ICE restart); the path changes under a call (recovery
 * by ICE restart).
 */
import { startUdpRelayPair, type UdpRelay } from '@x/netem';
import type { IceSettings, RTCConfiguration, RTCDataChannel, RTCPeerConnection, RTCStats } from '@x/peerconnection';
import { describe, expect, it } from 'vitest';
import { freeUdpPort, hasTurnserver, startCoturn } from '../src/coturn.js';
import { bulkChannels } from '../src/pair-contents.js';
import {
  candidateEndpoint, connected, gathered, loopbackFactory, negotiate, negotiateWithoutCandidates, opened, reaches, relayedPair, rewriteCandidate,
} from '../src/relayed-pair.js';

if (!hasTurnserver && process.env['CI'] === 'true') throw new Error('coturn (turnserver) is required under CI');

/** Consent every 0.4–0.6 s, disconnected after 1.5 s and failed after 5 s without an answer. */
const shortConsent: IceSettings = { consentInterval: [400, 600], disconnectedTimeout: 1500, failedTimeout: 5000 };

async function echoes(tx: RTCDataChannel, rx: RTCDataChannel, text: string): Promise<boolean> {
  const got = new Promise<unknown>((resolve) => rx.addEventListener('message', (e: Event) => resolve((e as MessageEvent).data), { once: true }));
  tx.send(text);
  return (await got) === text;
}

function recordStates(pc: RTCPeerConnection): string[] {
  const states: string[] = [];
  pc.addEventListener('connectionstatechange', () => states.push(pc.connectionState));
  return states;
}

/** Keeps a channel busy until stopped: the peer vanishes mid-transfer. */
function keepSending(ch: RTCDataChannel): () => void {
  let running = true;
  const chunk = new Uint8Array(16384);
  ch.bufferedAmountLowThreshold = 128 << 10;
  const pump = (): void => {
    while (running && ch.readyState === 'open' && ch.bufferedAmount < 256 << 10) ch.send(chunk);
  };
  ch.onbufferedamountlow = pump;
  pump();
  return () => {
    running = false;
  };
}

async function vanishMidTransfer(ice: IceSettings, expected: { disconnected: number; failed: number; interval: number }): Promise<{ disconnected: number; failed: number }> {
  const channels = bulkChannels();
  const pair = await relayedPair({ model: {}, factory: loopbackFactory(ice), prepare: channels.prepare });
  try {
    const [tx, rx] = channels.ends();
    await Promise.all([connected(pair.a), connected(pair.b), opened(tx), opened(rx)]);
    let received = 0;
    const flowing = new Promise<void>((resolve) => {
      rx.onmessage = (e: MessageEvent) => {
        received += (e.data as ArrayBuffer).byteLength;
        if (received >= 1 << 20) resolve();
      };
    });
    const stop = keepSending(tx);
    await flowing;
    const states = recordStates(pair.a);
    const disconnected = reaches(pair.a, 'disconnected');
    const failed = reaches(pair.a, 'failed');
    // B vanishes: nothing crosses the relay any more, either way.
    pair.relay.setModel('aToB', { loss: 1 });
    pair.relay.setModel('bToA', { loss: 1 });
    const times = { disconnected: await disconnected, failed: await failed };
    stop();
    expect(states).toEqual(['disconnected', 'failed']);
    // Consent is lost `failedTimeout` after the last answer, and the last answer came at most one
    // consent interval (plus a round trip) before the cut.
    expect(times.failed).toBeGreaterThan(expected.failed - expected.interval - 1000);
    expect(times.failed).toBeLessThan(expected.failed + 5000);
    expect(times.disconnected).toBeGreaterThan(expected.disconnected - expected.interval - 1000);
    expect(times.disconnected).toBeLessThan(times.failed);
    return times;
  } finally {
    await pair.close();
  }
}

/** The promise's value, or a rejection once `ms` passed without one. */
function within<T>(ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`nothing after ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

function selectedLocalType(report: ReadonlyMap<string, RTCStats>): unknown {
  const transport = [...report.values()].find((s) => s.type === 'transport')!;
  const selected = report.get(transport['selectedCandidatePairId'] as string)!;
  return report.get(selected['localCandidateId'] as string)?.['candidateType'];
}

describe.concurrent('faults', () => {
  it('a peer that vanishes mid-transfer: disconnected, then failed when consent expires (short consent timings)', async () => {
    const t = await vanishMidTransfer(shortConsent, { disconnected: 1500, failed: 5000, interval: 600 });
    console.log(`vanished peer, consent every 0.4–0.6 s, 1.5 s / 5 s: disconnected after ${t.disconnected.toFixed(0)} ms, failed after ${t.failed.toFixed(0)} ms`);
  }, 30_000);

  it('a peer that vanishes mid-transfer, default timings: failed when consent expires at 30 s (RFC 7675)', async () => {
    const t = await vanishMidTransfer({}, { disconnected: 8000, failed: 30000, interval: 6000 });
    console.log(`vanished peer, defaults (consent every 4–6 s, 8 s / 30 s): disconnected after ${t.disconnected.toFixed(0)} ms, failed after ${t.failed.toFixed(0)} ms`);
  }, 60_000);

  it('an ICE restart recovers the call after the path changed', async () => {
    let tx: RTCDataChannel | undefined;
    let rx: RTCDataChannel | undefined;
    const pair = await relayedPair({
      model: { delayMs: 5 },
      factory: loopbackFactory(shortConsent),
      prepare: (a, b) => {
        tx = a.createDataChannel('x', { negotiated: true, id: 1 });
        rx = b.createDataChannel('x', { negotiated: true, id: 1 });
      },
    });
    let second: UdpRelay | undefined;
    try {
      const { a, b } = pair;
      await Promise.all([connected(a), connected(b), opened(tx!), opened(rx!)]);
      expect(await echoes(tx!, rx!, 'before')).toBe(true);
      // The path dies.
      // Both sides see the silence (each by its own consent timer) before the restart.
      const disconnected = Promise.all([reaches(a, 'disconnected'), reaches(b, 'disconnected')]);
      pair.relay.setModel('aToB', { loss: 1 });
      pair.relay.setModel('bToA', { loss: 1 });
      await disconnected;
      // A new path, learned through an ICE restart: new credentials, new candidates, a new relay.
      const candidatesA = gathered(a);
      const candidatesB = gathered(b);
      a.restartIce();
      await negotiateWithoutCandidates(a, b);
      // The restart alone crossed nothing: until a check on the new credentials succeeds, the
      // call is still disconnected.
      expect([a.iceConnectionState, b.iceConnectionState]).toEqual(['disconnected', 'disconnected']);
      const [lineA, lineB] = [(await candidatesA)[0]!, (await candidatesB)[0]!];
      second = await startUdpRelayPair({ a: candidateEndpoint(lineA), b: candidateEndpoint(lineB), model: { delayMs: 5 } });
      await a.addIceCandidate({ candidate: rewriteCandidate(lineB, second.addressForA.address, second.addressForA.port), sdpMid: '0' });
      await b.addIceCandidate({ candidate: rewriteCandidate(lineA, second.addressForB.address, second.addressForB.port), sdpMid: '0' });
      // The old path is dead, so the message can only cross the new one.
      expect(await echoes(tx!, rx!, 'after')).toBe(true);
      expect(second.stats.aToB.forwarded).toBeGreaterThan(0);
      expect([a.connectionState, b.connectionState]).toEqual(['connected', 'connected']);
    } finally {
      await pair.close();
      await second?.close();
    }
  }, 30_000);

  // The restarted server has no allocation of ours: only the fresh allocations an ICE restart makes
  // (as libwebrtc gathers anew) carry the call again.
  it.skipIf(!hasTurnserver)('a TURN server restarted mid-call with relay-only ICE: the call recovers through an ICE restart', async () => {
    const port = await freeUdpPort();
    let turn = await startCoturn(port);
    const configuration: RTCConfiguration = {
      iceTransportPolicy: 'relay',
      iceServers: [{ urls: `turn:127.0.0.1:${port}`, username: 'u', credential: 'p' }],
    };
    const factory = loopbackFactory(shortConsent);
    const a = factory.createPeerConnection(configuration);
    const b = factory.createPeerConnection(configuration);
    try {
      a.onicecandidate = (e) => void b.addIceCandidate(e.candidate ?? undefined).catch(() => undefined);
      b.onicecandidate = (e) => void a.addIceCandidate(e.candidate ?? undefined).catch(() => undefined);
      const tx = a.createDataChannel('x', { negotiated: true, id: 1 });
      const rx = b.createDataChannel('x', { negotiated: true, id: 1 });
      await negotiate(a, b);
      await Promise.all([connected(a), connected(b), opened(tx), opened(rx)]);
      expect(selectedLocalType(await a.getStats())).toBe('relay');
      expect(await echoes(tx, rx, 'through TURN')).toBe(true);
      // The server dies with every allocation, and comes back empty on the same port.
      const lost = reaches(a, 'disconnected');
      await turn.stop();
      await lost;
      turn = await startCoturn(port);
      a.restartIce();
      await negotiate(a, b);
      // Only a new allocation on the restarted server carries this message.
      expect(await within(10_000, echoes(tx, rx, 'through the restarted TURN server'))).toBe(true);
      expect([a.connectionState, b.connectionState]).toEqual(['connected', 'connected']);
      expect(selectedLocalType(await a.getStats())).toBe('relay');
    } finally {
      a.close();
      b.close();
      await turn.stop();
    }
  }, 40_000);
});

/**
 * Failures that explain themselves: with a logger given to the factory, a connection that does
 * not connect says why, through every layer (ICE, DTLS, the peer connection), on loopback.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PeerConnectionFactory, RTCError, type IceSettings, type RTCPeerConnection } from '../src/index.js';
import { negotiateForgedFingerprint, recorder, tasks } from './helpers.js';

const v4: IceSettings = { includeLoopback: true, ipv6: false, ipFilter: (a) => a === '127.0.0.1' };
const v6: IceSettings = { includeLoopback: true, ipv4: false, ipFilter: (a) => a === '::1' };

const open: RTCPeerConnection[] = [];
afterEach(async () => {
  for (const p of open.splice(0)) p.close();
  await tasks(5);
});

function peer(factory: PeerConnectionFactory, ice?: IceSettings): RTCPeerConnection {
  const p = factory.createPeerConnection({}, ice === undefined ? {} : { ice });
  open.push(p);
  return p;
}

/** Offer/answer with a data channel; candidates trickled only when `trickle`. */
async function negotiate(a: RTCPeerConnection, b: RTCPeerConnection, trickle: boolean): Promise<void> {
  if (trickle) {
    a.onicecandidate = (e) => void b.addIceCandidate(e.candidate ?? undefined).catch(() => undefined);
    b.onicecandidate = (e) => void a.addIceCandidate(e.candidate ?? undefined).catch(() => undefined);
  }
  a.createDataChannel('x');
  await a.setLocalDescription();
  await b.setRemoteDescription(strip(a.localDescription!));
  await b.setLocalDescription();
  await a.setRemoteDescription(strip(b.localDescription!));
}

/** The description without candidates: only trickle (or nothing) brings them. */
function strip(d: { type: 'offer' | 'answer' | 'pranswer' | 'rollback'; sdp: string }): { type: 'offer' | 'answer' | 'pranswer' | 'rollback'; sdp: string } {
  return { type: d.type, sdp: d.sdp.replace(/^a=(candidate|end-of-candidates).*\r\n/gm, '') };
}

describe('a connection that does not connect says why', () => {
  it('candidates that never meet (IPv4 against IPv6): ICE says there is no pair, and why', async () => {
    const log = recorder();
    const a = peer(new PeerConnectionFactory({ logger: log, ice: v4 }));
    const b = peer(new PeerConnectionFactory({ ice: v6 }));
    await negotiate(a, b, true);
    // Said once the peer's end-of-candidates makes it final, as a warning.
    const line = await log.seen(/^warn \[pc\d+ ice\] checking: no candidate pair/);
    expect(line).toBe(`warn [${a.logId} ice] checking: no candidate pair: local candidates are IPv4, remote IPv6; no pair of one family`);
    expect(log.lines).toContainEqual(expect.stringMatching(new RegExp(`^debug \\[${a.logId} ice\\] remote candidate host \\[::1\\]:\\d+ added but pairs with nothing: no local IPv6 candidate$`)));
    expect(log.lines).toContain(`debug [${a.logId}] setRemoteDescription(answer): signaling state stable`);
  });

  it('no candidates exchanged at all: ICE says no remote candidate came', async () => {
    const log = recorder();
    const a = peer(new PeerConnectionFactory({ logger: log, ice: v4 }));
    const b = peer(new PeerConnectionFactory({ ice: v4 }));
    await negotiate(a, b, false);
    expect(await log.seen(/ ice\] new: no remote candidates yet/)).toBe(
      `debug [${a.logId} ice] new: no remote candidates yet (has the signalling delivered the peer's candidates?)`,
    );
    expect(a.iceConnectionState).toBe('new');
  });

  it('the only remote candidate is unreachable: every check times out and ICE fails saying so', async () => {
    const log = recorder();
    // A shorter check budget than the default 7 transmissions (9.6 s), to keep the suite fast.
    const ice = { ...v4, maxCheckTransmissions: 2 } as IceSettings;
    const a = peer(new PeerConnectionFactory({ logger: log, ice }));
    const b = peer(new PeerConnectionFactory({ ice: v4 }));
    await negotiate(a, b, false);
    const mid = a.localDescription!.sdp.match(/^a=mid:(.*)$/m)![1]!.trim();
    // Port 9 (discard) on loopback: nothing listens there.
    await a.addIceCandidate({ candidate: 'candidate:1 1 udp 2130706431 127.0.0.1 9 typ host', sdpMid: mid });
    await a.addIceCandidate({ candidate: '', sdpMid: mid });
    const failed = await log.seen(/ ice\] state checking -> failed/);
    expect(failed).toBe(`warn [${a.logId} ice] state checking -> failed: the pair timed out, no remote candidate answered`);
    expect(log.lines).toContainEqual(expect.stringMatching(new RegExp(`^debug \\[${a.logId} ice\\] pair host 127\\.0\\.0\\.1:\\d+ -> host 127\\.0\\.0\\.1:9 failed: no answer to 2 checks in \\d+\\.\\d s$`)));
    await log.seen(/\[pc\d+\] connectionState \w+ -> failed/);
    expect(a.connectionState).toBe('failed');
  });

  it('a connection that connects says each layer starting, and the data channel opening', async () => {
    const log = recorder();
    const factory = new PeerConnectionFactory({ logger: log, ice: v4 });
    const a = peer(factory);
    const b = peer(factory);
    await negotiate(a, b, true);
    await log.seen(/^debug \[pc\d+\] data channel "x" \(id \d+\) open$/);
    expect(log.lines).toContain(`debug [${a.logId}] ICE starts as controlling, 0 ICE server(s), policy all`);
    expect(log.lines).toContainEqual(expect.stringMatching(/^debug \[pc\d+ ice\] selected pair host 127\.0\.0\.1:\d+ -> host 127\.0\.0\.1:\d+/));
    expect(log.lines).toContainEqual(expect.stringMatching(/^debug \[pc\d+ dtls\] client: received finished$/));
    expect(log.lines).toContainEqual(expect.stringMatching(/^debug \[pc\d+ sctp\] association cookie-echoed -> established$/));
  });

  it('two connections in one process: every line carries the id of the connection it is from', async () => {
    const log = recorder();
    const factory = new PeerConnectionFactory({ logger: log, ice: v4 });
    const a = peer(factory);
    const b = peer(factory);
    expect(a.logId).toMatch(/^pc\d+$/);
    expect(b.logId).toBe(`pc${Number(a.logId.slice(2)) + 1}`);
    await negotiate(a, b, true);
    await log.seen(new RegExp(`^debug \\[${b.logId}\\] data channel "x" \\(id \\d+\\) open$`));
    await log.seen(new RegExp(`^debug \\[${a.logId}\\] data channel "x" \\(id \\d+\\) open$`));
    // Each connection's first line says it was made.
    for (const pc of [a, b]) expect(log.lines.find((l) => l.includes(`[${pc.logId}`))).toBe(`debug [${pc.logId}] created: bundlePolicy balanced, 0 ICE server(s), iceTransportPolicy all`);
    const scopes = new Set(log.lines.map((l) => /^(?:debug|warn) \[([^\]]+)\] /.exec(l)?.[1]));
    for (const pc of [a, b]) for (const layer of ['', ' ice', ' dtls', ' sctp']) expect(scopes).toContain(`${pc.logId}${layer}`);
    expect([...scopes].filter((s) => s === undefined || !/^pc\d+( ice| dtls| sctp| stun| rtp)?$/.test(s))).toEqual([]);
    // The offerer's ICE is controlling, the answerer's controlled: told apart by id.
    expect(log.lines).toContain(`debug [${a.logId}] ICE starts as controlling, 0 ICE server(s), policy all`);
    expect(log.lines).toContain(`debug [${b.logId}] ICE starts as controlled, 0 ICE server(s), policy all`);
    expect(log.lines).toContain(`debug [${a.logId} dtls] server: received finished`);
    expect(log.lines).toContain(`debug [${b.logId} dtls] client: received finished`);
  });

  it('a forged fingerprint: DTLS logs the alert by name, and the RTCError carries it', async () => {
    const log = recorder();
    const factory = new PeerConnectionFactory({ logger: log, ice: v4 });
    const a = peer(factory);
    const b = peer(factory);
    a.onicecandidate = (e) => void b.addIceCandidate(e.candidate ?? undefined).catch(() => undefined);
    b.onicecandidate = (e) => void a.addIceCandidate(e.candidate ?? undefined).catch(() => undefined);
    a.createDataChannel('x');
    await negotiateForgedFingerprint(a, b);
    const errors = { a: [] as RTCError[], b: [] as RTCError[] };
    a.sctp!.transport.addEventListener('error', (e) => errors.a.push((e as unknown as { error: RTCError }).error));
    b.sctp!.transport.addEventListener('error', (e) => errors.b.push((e as unknown as { error: RTCError }).error));
    // b answers, so b is the DTLS client.
    expect(await log.seen(/ dtls\] client: failed/)).toBe(
      `warn [${b.logId} dtls] client: failed: fingerprint-mismatch: server certificate does not match the remote fingerprint; sent fatal alert bad_certificate (42)`,
    );
    await log.seen(/ dtls\] server: received fatal alert/);
    expect(log.lines).toContain(`warn [${a.logId} dtls] server: received fatal alert bad_certificate (42)`);
    await log.seen(new RegExp(`\\[${a.logId}\\] DTLS failed: alert-received`));
    await tasks(5);
    expect(errors.b.map((e) => [e.errorDetail, e.sentAlert, e.receivedAlert])).toEqual([['fingerprint-failure', 42, null]]);
    expect(errors.a.map((e) => [e.errorDetail, e.sentAlert, e.receivedAlert])).toEqual([['dtls-failure', null, 42]]);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  certificatePublicKey,
  DtlsConnection,
  DtlsError,
  encodeRecord,
  generateCertificate,
  HandshakeReassembler,
  parseClientHello,
  parseHandshakeFragments,
  parseHelloVerifyRequest,
  parseRecord,
  parseRecords,
  parseServerHello,
  ReplayWindow,
} from '../src/index.js';
import { parseAlert } from '../src/alert.js';
import { parseExtensions } from '../src/extensions.js';
import {
  parseCertificate,
  parseCertificateRequest,
  parseCertificateVerify,
  parseClientKeyExchange,
  parseServerKeyExchange,
} from '../src/handshake-messages.js';
import { encodeHandshakeMessage } from '../src/handshake-fragment.js';
import { pair, SimulatedNetwork } from './helpers/sim.js';

function onlyDtlsError(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof DtlsError)) throw e;
  }
}

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    if (e instanceof DtlsError) return e.code;
    throw e;
  }
}

function connected() {
  const { client, server } = pair();
  const net = new SimulatedNetwork(client, server);
  client.start(0);
  server.start(0);
  net.run(() => client.state === 'connected' && server.state === 'connected');
  const got: string[] = [];
  server.events.on('data', (d) => got.push(new TextDecoder().decode(d)));
  return { client, server, net, got };
}

describe('record parser (RFC 6347 §4.1)', () => {
  const rec = encodeRecord(23, 1, 5, new Uint8Array(40));
  it('rejects truncated headers and fragments, unknown types, versions and oversized lengths', () => {
    expect(codeOf(() => parseRecord(rec.subarray(0, 12), 0))).toBe('truncated');
    expect(codeOf(() => parseRecord(rec.subarray(0, 30), 0))).toBe('truncated');
    const badType = rec.slice();
    badType[0] = 99;
    expect(codeOf(() => parseRecord(badType, 0))).toBe('malformed');
    const badVersion = rec.slice();
    badVersion[2] = 0x03;
    expect(codeOf(() => parseRecord(badVersion, 0))).toBe('malformed');
    const huge = rec.slice();
    huge[11] = 0xff;
    huge[12] = 0xff;
    expect(codeOf(() => parseRecord(huge, 0))).toBe('oversized');
  });

  it('reads several records from one datagram and stops at garbage', () => {
    const two = new Uint8Array([...rec, ...encodeRecord(21, 0, 7, Uint8Array.of(1, 0)), 0x16, 0xfe]);
    const drops: DtlsError[] = [];
    const rs = parseRecords(two, (e) => drops.push(e));
    expect(rs.map((r) => [r.type, r.epoch, r.sequenceNumber])).toEqual([
      [23, 1, 5],
      [21, 0, 7],
    ]);
    expect(drops.map((d) => d.code)).toEqual(['truncated']);
  });

  it('skips a record of unknown content type by its length and reads the next one', () => {
    const unknown = encodeRecord(23, 0, 1, Uint8Array.of(9, 9, 9));
    unknown[0] = 25; // tls12_cid, not negotiated here
    const drops: DtlsError[] = [];
    const rs = parseRecords(new Uint8Array([...unknown, ...rec]), (e) => drops.push(e));
    expect(rs.map((r) => r.sequenceNumber)).toEqual([5]);
    expect(drops.map((d) => d.code)).toEqual(['malformed']);
  });

  it('fast-check: arbitrary bytes give records or DtlsError only', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(10), (b, off) => {
        onlyDtlsError(() => parseRecord(b, Math.min(off, b.length)));
        for (const r of parseRecords(b)) expect(r.fragment.length).toBeLessThanOrEqual(b.length);
      }),
      { seed: 6347, numRuns: 2000 },
    );
  });
});

describe('anti-replay window (RFC 6347 §4.1.2.6)', () => {
  it('accepts new and late-but-unseen numbers, rejects repeats and numbers left behind', () => {
    const w = new ReplayWindow();
    for (const s of [0, 1, 5, 3]) {
      expect(w.check(s)).toBe(true);
      w.accept(s);
    }
    expect(w.check(3)).toBe(false);
    expect(w.check(5)).toBe(false);
    expect(w.check(4)).toBe(true);
    w.accept(100);
    expect(w.check(36)).toBe(false); // 100 - 64
    expect(w.check(37)).toBe(true);
    expect(w.check(100)).toBe(false);
    w.accept(0xffff_ffff_fff0);
    expect(w.check(0xffff_ffff_fff0)).toBe(false);
    expect(w.check(0xffff_ffff_ffef)).toBe(true);
  });

  it('fast-check: agrees with a set-based model', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(300), { maxLength: 300 }), (seqs) => {
        const w = new ReplayWindow();
        const seen = new Set<number>();
        let top = -1;
        for (const s of seqs) {
          const expected = !seen.has(s) && s > top - 64;
          expect(w.check(s)).toBe(expected);
          if (expected) {
            w.accept(s);
            seen.add(s);
            top = Math.max(top, s);
          }
        }
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});

describe('handshake fragments and reassembly (RFC 6347 §4.2.3)', () => {
  const body = Uint8Array.from({ length: 100 }, (_, i) => i);
  const frag = (seq: number, off: number, len: number, total = 100, type = 11) => ({ msgType: type, length: total, messageSeq: seq, fragmentOffset: off, body: body.subarray(off, off + len) });

  it('reassembles out-of-order, overlapping and duplicated fragments and releases in message_seq order', () => {
    const r = new HandshakeReassembler();
    expect(r.add(frag(1, 0, 100))).toBe('future');
    expect(r.add(frag(0, 60, 40))).toBe('ok');
    expect(r.next()).toBeUndefined();
    expect(r.add(frag(0, 10, 60))).toBe('ok'); // overlaps 60..70
    expect(r.add(frag(0, 10, 60))).toBe('ok'); // duplicate
    expect(r.next()).toBeUndefined();
    expect(r.add(frag(0, 0, 15))).toBe('ok');
    expect(r.next()).toEqual({ msgType: 11, messageSeq: 0, body });
    expect(r.next()).toEqual({ msgType: 11, messageSeq: 1, body });
    expect(r.add(frag(0, 0, 10))).toBe('old');
  });

  it('a fragment that disagrees on type or length starts the message over; oversized or overrunning headers are rejected', () => {
    const r = new HandshakeReassembler();
    // A forged first fragment (other type, other length) cannot block the real message.
    r.add({ msgType: 12, length: 7, messageSeq: 0, fragmentOffset: 0, body: new Uint8Array(3) });
    r.add(frag(0, 0, 60));
    r.add({ msgType: 11, length: 120, messageSeq: 0, fragmentOffset: 0, body: new Uint8Array(0) });
    r.add(frag(0, 0, 100));
    expect(r.next()).toEqual({ msgType: 11, messageSeq: 0, body });
    expect(codeOf(() => r.add({ msgType: 11, length: 10, messageSeq: 1, fragmentOffset: 5, body: new Uint8Array(6) }))).toBe('malformed');
    const hdr = encodeHandshakeMessage(1, 0, new Uint8Array(4));
    const big = hdr.slice();
    big[1] = 0x10; // length 1 MiB
    expect(codeOf(() => parseHandshakeFragments(big))).toBe('oversized');
    const overrun = hdr.slice();
    overrun[8] = 2; // offset 2 + length 4 > 4
    expect(codeOf(() => parseHandshakeFragments(overrun))).toBe('malformed');
    expect(codeOf(() => parseHandshakeFragments(hdr.subarray(0, 14)))).toBe('truncated');
  });

  it('fast-check: random fragment orders of a flight always reassemble to the original bodies', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(1), fc.nat(99), fc.integer({ min: 1, max: 100 })), { maxLength: 40 }), (cuts) => {
        const r = new HandshakeReassembler();
        const fr = cuts.map(([seq, off, len]) => frag(seq, off, Math.min(len, 100 - off)));
        // Always complete both messages at the end.
        fr.push(frag(1, 0, 100), frag(0, 0, 100));
        for (const f of fr) r.add(f);
        expect(r.next()?.body).toEqual(body);
        expect(r.next()?.body).toEqual(body);
      }),
      { seed: 4223, numRuns: 300 },
    );
  });
});

describe('message parsers meet garbage (fixed-seed fast-check)', () => {
  const parsers: Array<[string, (b: Uint8Array) => unknown]> = [
    ['handshake fragments', parseHandshakeFragments],
    ['ClientHello', parseClientHello],
    ['ServerHello', parseServerHello],
    ['HelloVerifyRequest', parseHelloVerifyRequest],
    ['extensions', parseExtensions],
    ['Certificate', parseCertificate],
    ['ServerKeyExchange', parseServerKeyExchange],
    ['CertificateRequest', parseCertificateRequest],
    ['ClientKeyExchange', parseClientKeyExchange],
    ['CertificateVerify', parseCertificateVerify],
    ['Alert', parseAlert],
    ['X.509 public key', certificatePublicKey],
  ];
  for (const [name, parse] of parsers) {
    it(`${name}: only DtlsError escapes`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 300 }), (b) => onlyDtlsError(() => parse(b))),
        { seed: 5246, numRuns: 1000 },
      );
    });
  }

  it('X.509 public key: truncations and byte flips of a real certificate give DtlsError or a key', () => {
    const der = generateCertificate().der;
    for (let n = 0; n < der.length; n++) expect(codeOf(() => certificatePublicKey(der.subarray(0, n)))).toBe('bad-certificate');
    fc.assert(
      fc.property(fc.nat(der.length - 1), fc.integer({ min: 1, max: 255 }), (i, x) => {
        const m = der.slice();
        m[i]! ^= x;
        onlyDtlsError(() => certificatePublicKey(m));
      }),
      { seed: 5280, numRuns: 1000 },
    );
  });
});

describe('a connection drops bad records and lives on', () => {
  it('truncated records, bad AEAD tags, wrong epochs, replays and plaintext records are dropped and counted', () => {
    const { client, server, net, got } = connected();
    client.send(new TextEncoder().encode('one'));
    const [good] = client.takeDatagrams();
    server.handleDatagram(good!, 1);
    expect(got).toEqual(['one']);
    // Replay of the same record.
    server.handleDatagram(good!, 2);
    expect(server.stats.recordsReplayed).toBe(1);
    // Truncated.
    client.send(new TextEncoder().encode('two'));
    const [two] = client.takeDatagrams();
    server.handleDatagram(two!.subarray(0, two!.length - 3), 3);
    // Bad tag.
    const flipped = two!.slice();
    flipped[flipped.length - 1]! ^= 0x80;
    server.handleDatagram(flipped, 4);
    expect(server.stats.recordsBadMac).toBe(1);
    // Wrong epochs: a far future epoch, and application data in epoch 0.
    const future = two!.slice();
    future[4] = 7;
    server.handleDatagram(future, 5);
    server.handleDatagram(encodeRecord(23, 0, 99, new TextEncoder().encode('plain')), 6);
    // A plaintext fatal alert after the handshake is ignored: anyone could forge it.
    server.handleDatagram(encodeRecord(21, 0, 100, Uint8Array.of(2, 40)), 7);
    // Garbage and a new epoch-0 handshake message.
    server.handleDatagram(Uint8Array.of(1, 2, 3), 8);
    server.handleDatagram(encodeRecord(22, 0, 101, encodeHandshakeMessage(1, 9, new Uint8Array(3))), 9);
    expect(got).toEqual(['one']);
    expect(server.state).toBe('connected');
    expect(server.stats.recordsDropped).toBeGreaterThanOrEqual(4);
    // The good record still arrives after all that.
    server.handleDatagram(two!, 10);
    expect(got).toEqual(['one', 'two']);
    expect(server.takeDatagrams()).toEqual([]);
    void net;
  });

  it('oversized and overrunning fragments in the middle of a handshake are dropped and the handshake completes', () => {
    const { client, server } = pair();
    const net = new SimulatedNetwork(client, server);
    let injected = 0;
    net.tamper = (from, d) => {
      if (from === 0 && server.state === 'connecting' && injected < 2) {
        const bad = encodeHandshakeMessage(11, 2, new Uint8Array(20));
        bad[1] = 0x7f; // length ~8 MB
        const overrun = encodeHandshakeMessage(11, 2, new Uint8Array(20));
        overrun[8] = 30; // fragment_offset 30 + 20 > 20
        server.handleDatagram(new Uint8Array([...encodeRecord(22, 0, 900 + injected, bad), ...encodeRecord(22, 0, 950 + injected, overrun)]), net.now);
        injected++;
      }
      return d;
    };
    client.start(0);
    expect(net.run(() => client.state === 'connected' && server.state === 'connected')).toBe(true);
    expect(injected).toBe(2);
    expect(server.stats.recordsDropped).toBeGreaterThanOrEqual(4);
  });

  it('a garbage ClientHello body fails the handshake with a decode_error alert', () => {
    const server = new DtlsConnection({ role: 'server', certificate: generateCertificate(), cookies: false });
    const errors: DtlsError[] = [];
    server.events.on('error', (e) => errors.push(e));
    server.handleDatagram(encodeRecord(22, 0, 0, encodeHandshakeMessage(1, 0, Uint8Array.of(0xfe, 0xfd, 1, 2, 3))), 0);
    expect(server.state).toBe('failed');
    expect(errors[0]!.code).toBe('truncated');
    const out = server.takeDatagrams();
    expect(out.length).toBe(1);
    const alert = parseRecords(out[0]!)[0]!;
    expect(alert.type).toBe(21);
    expect([...alert.fragment]).toEqual([2, 50]); // fatal decode_error
  });

  it('fast-check: random datagrams never throw out of a connecting or connected endpoint', () => {
    const { client, server } = connected();
    const fresh = new DtlsConnection({ role: 'server', certificate: generateCertificate() });
    const record = fc
      .tuple(fc.constantFrom(20, 21, 22, 23), fc.nat(2), fc.nat(1000), fc.uint8Array({ maxLength: 120 }))
      .map(([t, e, s, body]) => encodeRecord(t, e, s, body));
    fc.assert(
      fc.property(fc.array(fc.oneof(record, fc.uint8Array({ maxLength: 120 })), { maxLength: 5 }), (ds) => {
        for (const d of ds) {
          server.handleDatagram(d, 1);
          client.handleDatagram(d, 1);
          fresh.handleDatagram(d, 1);
        }
        fresh.takeDatagrams();
      }),
      { seed: 8827, numRuns: 500 },
    );
    expect(server.state).toBe('connected');
    expect(client.state).toBe('connected');
  });

  it('fast-check: byte flips in a recorded handshake leave a server connecting or failed, never throwing', () => {
    // Record the datagrams of a clean handshake, then replay them with one byte changed.
    const { client, server } = pair({ randomBytes: () => new Uint8Array(32).fill(1) }, { cookies: false });
    const net = new SimulatedNetwork(client, server);
    client.start(0);
    net.run(() => client.state === 'connected' && server.state === 'connected');
    const toServer = net.sent[0];
    fc.assert(
      fc.property(fc.nat(toServer.length - 1), fc.nat(2000), fc.integer({ min: 1, max: 255 }), (di, bi, x) => {
        const s = pair({}, { cookies: false }).server;
        toServer.forEach((d, i) => {
          const m = d.slice();
          if (i === di) m[bi % m.length]! ^= x;
          s.handleDatagram(m, i);
        });
        expect(['connecting', 'failed']).toContain(s.state);
      }),
      { seed: 1234, numRuns: 200 },
    );
  });
});

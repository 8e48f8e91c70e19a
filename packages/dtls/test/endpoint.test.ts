import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { computeFingerprint, DtlsEndpoint, DtlsError, encodeRecord, generateCertificate, parseHandshakeFragments, parseRecords, encodeHandshakeMessage, type DatagramTransport } from '../src/index.js';
import { pair, SimulatedNetwork } from './helpers/sim.js';
import { cleanupsAfterEach } from './helpers/cleanups.js';
import { carry, handshake, memoryEndpoints, memoryPipe } from './helpers/endpoints.js';

const cleanups = cleanupsAfterEach();

describe('DtlsEndpoint adapter', () => {
  it('client and server over UDP on 127.0.0.1: handshake, data both ways, close_notify', async () => {
    const a = createSocket('udp4');
    const b = createSocket('udp4');
    cleanups.push(() => a.close(), () => b.close());
    await Promise.all([new Promise<void>((r) => a.bind(0, '127.0.0.1', r)), new Promise<void>((r) => b.bind(0, '127.0.0.1', r))]);
    const udp = (s: typeof a, peer: number): DatagramTransport => ({
      send: (d) => s.send(d, peer, '127.0.0.1'),
      onData: (cb) => s.on('message', (m) => cb(new Uint8Array(m))),
      close: () => undefined,
    });
    const cc = generateCertificate();
    const sc = generateCertificate();
    const server = new DtlsEndpoint(udp(b, a.address().port), { role: 'server', certificate: sc, remoteFingerprints: [computeFingerprint(cc.der)] }).start();
    const client = new DtlsEndpoint(udp(a, b.address().port), { role: 'client', certificate: cc, remoteFingerprints: [computeFingerprint(sc.der)] }).start();
    await Promise.all([client.connected(), server.connected()]);
    expect(client.getSrtpKeyingMaterial()).toEqual(server.getSrtpKeyingMaterial());
    expect(await carry(client, server, 'over udp')).toBe('over udp');
    expect(await carry(server, client, 'and back')).toBe('and back');
    const closed = new Promise<void>((r) => server.on('close', () => r()));
    client.close();
    await closed;
    expect(server.state).toBe('closed');
    expect(client.state).toBe('closed');
    expect(() => client.send(new Uint8Array(1))).toThrow(DtlsError);
  });

  it('asTransport gives SCTP a datagram pipe over application data', async () => {
    const { client, server } = memoryEndpoints(cleanups);
    await handshake(client, server);
    const pipeA = client.asTransport();
    const pipeB = server.asTransport();
    const got = new Promise<Uint8Array>((r) => pipeB.onData(r));
    pipeA.send(Uint8Array.of(1, 2, 3));
    expect([...(await got)]).toEqual([1, 2, 3]);
  });

  it('connected() rejects with the typed error when the peer certificate does not match', async () => {
    const [ta, tb] = memoryPipe();
    const client = new DtlsEndpoint(ta, { role: 'client', certificate: generateCertificate(), remoteFingerprints: [computeFingerprint(generateCertificate().der)] });
    const server = new DtlsEndpoint(tb, { role: 'server', certificate: generateCertificate() });
    server.start();
    client.start();
    await expect(client.connected()).rejects.toMatchObject({ code: 'fingerprint-mismatch' });
    await expect(server.connected()).rejects.toMatchObject({ code: 'alert-received', alert: 42 });
  });
});

describe('core behaviours', () => {
  it('gives up with a timeout error when the peer never answers', () => {
    const { client } = pair({ handshakeTimeoutMs: 10_000 });
    const errors: DtlsError[] = [];
    client.events.on('error', (e) => errors.push(e));
    client.start(0);
    const sent: number[] = [];
    let now = 0;
    while (client.state === 'connecting') {
      sent.push(client.takeDatagrams().length);
      now = client.nextTimeout()!;
      client.handleTimeout(now);
    }
    expect(errors.map((e) => e.code)).toEqual(['timeout']);
    expect(now).toBe(15_000); // 1 + 2 + 4 + 8 s: the timer after the 10 s budget ends it
    expect(sent).toEqual([1, 1, 1, 1]);
  });

  it('caps the retransmission timer at maxRetransmitMs', () => {
    const { client } = pair({ handshakeTimeoutMs: 1e9, maxRetransmitMs: 60_000 });
    client.start(0);
    const gaps: number[] = [];
    let last = 0;
    for (let i = 0; i < 9; i++) {
      const t = client.nextTimeout()!;
      gaps.push(t - last);
      last = t;
      client.handleTimeout(t);
    }
    expect(gaps).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
  });

  it('refuses reserved exporter labels and exports before connecting', () => {
    const { client, server } = pair();
    expect(() => client.exportKeyingMaterial('EXTRACTOR-dtls_srtp', 60)).toThrow(DtlsError);
    const net = new SimulatedNetwork(client, server);
    client.start(0);
    net.run(() => client.state === 'connected' && server.state === 'connected');
    for (const label of ['client finished', 'server finished', 'master secret', 'key expansion', 'extended master secret'])
      expect(() => client.exportKeyingMaterial(label, 16)).toThrow(DtlsError);
    const ctx = Uint8Array.of(1, 2);
    expect(client.exportKeyingMaterial('EXPERIMENTAL-ctx', 20, ctx)).toEqual(server.exportKeyingMaterial('EXPERIMENTAL-ctx', 20, ctx));
    expect(client.exportKeyingMaterial('EXPERIMENTAL-ctx', 20, ctx)).not.toEqual(client.exportKeyingMaterial('EXPERIMENTAL-ctx', 20));
  });

  it('completes without use_srtp when no SRTP profile is shared', () => {
    const { client, server } = pair({ srtpProfiles: ['SRTP_AES128_CM_HMAC_SHA1_80'] }, { srtpProfiles: ['SRTP_AEAD_AES_128_GCM'] });
    const net = new SimulatedNetwork(client, server);
    client.start(0);
    net.run(() => client.state === 'connected' && server.state === 'connected');
    // RFC 5764 §4.1.1: no common profile means no use_srtp in ServerHello, and no SRTP keys.
    expect(client.getSrtpKeyingMaterial()).toBeUndefined();
    expect(server.srtpProfile).toBeUndefined();
  });

  it('the server refuses a ClientHello without extended_master_secret (RFC 7627, required by default)', () => {
    const { client, server } = pair();
    const net = new SimulatedNetwork(client, server);
    // Rename the extension (type 23, empty) in the plaintext ClientHello to an unknown type.
    net.tamper = (from, d) => {
      if (from !== 0 || d[13] !== 1) return d;
      const m = d.slice();
      for (let i = 13 + 12 + 2 + 32; i + 4 <= m.length; i++)
        if (m[i] === 0 && m[i + 1] === 23 && m[i + 2] === 0 && m[i + 3] === 0) {
          m[i] = 0x77;
          m[i + 1] = 0x77;
          break;
        }
      return m;
    };
    const errors: DtlsError[] = [];
    server.events.on('error', (e) => errors.push(e));
    client.events.on('error', (e) => errors.push(e));
    client.start(0);
    net.run(() => client.state === 'failed');
    expect(errors.map((e) => [e.code, e.alert])).toEqual([
      ['handshake-failure', undefined],
      ['alert-received', 40],
    ]);
  });

  it('close_notify from the server closes the client and is answered', () => {
    const { client, server } = pair();
    const net = new SimulatedNetwork(client, server);
    client.start(0);
    net.run(() => client.state === 'connected' && server.state === 'connected');
    server.close();
    net.run(() => client.state === 'closed');
    expect(client.state).toBe('closed');
    expect(server.state).toBe('closed');
  });
});

describe('stateless cookie exchange and early data', () => {
  it('answers a ClientHello without cookie statelessly, repeating its record and message sequence numbers', () => {
    const { client, server } = pair();
    client.start(0);
    const [ch1] = client.takeDatagrams();
    // Pretend the ClientHello came with record sequence number 5 (a retransmission).
    const ch = ch1!.slice();
    ch[10] = 5;
    server.handleDatagram(ch, 0);
    const [hvrDatagram] = server.takeDatagrams();
    const [hvr] = parseRecords(hvrDatagram!);
    expect(hvr!.sequenceNumber).toBe(5);
    const [frag] = parseHandshakeFragments(hvr!.fragment);
    expect(frag!.msgType).toBe(3);
    expect(frag!.messageSeq).toBe(0);
    expect(server.nextTimeout()).toBeUndefined(); // nothing kept to retransmit
    // The same ClientHello again gets the same cookie.
    server.handleDatagram(ch1!, 0);
    const [again] = parseRecords(server.takeDatagrams()[0]!);
    expect(again!.sequenceNumber).toBe(0);
    expect(parseHandshakeFragments(again!.fragment)[0]!.body).toEqual(frag!.body);
    // A ClientHello with a wrong cookie gets a HelloVerifyRequest, not a ServerHello.
    client.handleDatagram(hvrDatagram!, 1);
    const [ch2] = client.takeDatagrams();
    const forged = ch2!.slice();
    forged[13 + 12 + 2 + 32 + 1 + 1]! ^= 1; // first cookie byte (empty session id)
    server.handleDatagram(forged, 2);
    const reply = parseRecords(server.takeDatagrams()[0]!);
    expect(parseHandshakeFragments(reply[0]!.fragment)[0]!.msgType).toBe(3);
    // The real one starts the handshake: ServerHello with message_seq 1 and a record number
    // not below the ClientHello's.
    server.handleDatagram(ch2!, 3);
    const flight = server.takeDatagrams().flatMap((d) => parseRecords(d));
    const sh = parseHandshakeFragments(flight[0]!.fragment)[0]!;
    expect([sh.msgType, sh.messageSeq]).toEqual([2, 1]);
    expect(flight[0]!.sequenceNumber).toBeGreaterThanOrEqual(parseRecords(ch2!)[0]!.sequenceNumber);
  });

  it('a garbage ClientHello before the cookie exchange is dropped without an alert or state', () => {
    const { server } = pair();
    server.handleDatagram(encodeRecord(22, 0, 0, encodeHandshakeMessage(1, 0, Uint8Array.of(1, 2, 3))), 0);
    expect(server.takeDatagrams()).toEqual([]);
    expect(server.state).toBe('connecting');
    expect(server.stats.recordsDropped).toBe(1);
  });

  it('application data that overtakes the server Finished is delivered after the handshake', () => {
    const { client, server } = pair({}, { cookies: false });
    client.start(0);
    let t = 0;
    const serverUp = () => server.state === 'connected';
    while (!serverUp()) {
      for (const d of client.takeDatagrams()) server.handleDatagram(d, ++t);
      if (serverUp()) break;
      for (const d of server.takeDatagrams()) client.handleDatagram(d, ++t);
    }
    const finalFlight = server.takeDatagrams();
    server.send(new TextEncoder().encode('early'));
    const [data] = server.takeDatagrams();
    const got: string[] = [];
    client.events.on('data', (d) => got.push(`${client.state}:${new TextDecoder().decode(d)}`));
    // CCS first, then the data record, then Finished: split the final flight's records.
    const records = finalFlight.flatMap((d) => parseRecords(d));
    const ccs = records.find((r) => r.type === 20)!;
    const fin = records.find((r) => r.type === 22)!;
    client.handleDatagram(encodeRecord(ccs.type, ccs.epoch, ccs.sequenceNumber, ccs.fragment), ++t);
    client.handleDatagram(data!, ++t);
    expect(got).toEqual([]);
    client.handleDatagram(encodeRecord(fin.type, fin.epoch, fin.sequenceNumber, fin.fragment), ++t);
    expect(client.state).toBe('connected');
    expect(got).toEqual(['connected:early']);
  });
});

import { describe, expect, it } from 'vitest';
import { computeFingerprint, DtlsError, type DtlsConnection } from '../src/index.js';
import { certs, pair, rsaCert, SimulatedNetwork } from './helpers/sim.js';

function connect(client: DtlsConnection, server: DtlsConnection, link = {}) {
  const net = new SimulatedNetwork(client, server, link);
  client.start(0);
  server.start(0);
  const ok = net.run(() => client.state === 'connected' && server.state === 'connected');
  return { net, ok };
}

describe('handshake between our client and server', () => {
  it('connects with ECDSA certificates, agrees on SRTP keys and moves data', () => {
    const { client, server } = pair();
    const { net, ok } = connect(client, server);
    expect(ok).toBe(true);
    expect(client.cipherSuite).toBe('TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256');
    expect(server.cipherSuite).toBe(client.cipherSuite);
    expect(client.srtpProfile).toBe('SRTP_AEAD_AES_128_GCM');
    const ck = client.getSrtpKeyingMaterial()!;
    const sk = server.getSrtpKeyingMaterial()!;
    expect(ck.clientWriteKey).toEqual(sk.clientWriteKey);
    expect(ck.serverWriteSalt).toEqual(sk.serverWriteSalt);
    expect(ck.clientWriteKey).not.toEqual(ck.serverWriteKey);
    expect(client.exportKeyingMaterial('EXPERIMENTAL-x', 32)).toEqual(server.exportKeyingMaterial('EXPERIMENTAL-x', 32));
    const got: string[] = [];
    server.events.on('data', (d) => got.push('s:' + new TextDecoder().decode(d)));
    client.events.on('data', (d) => got.push('c:' + new TextDecoder().decode(d)));
    client.send(new TextEncoder().encode('ping'));
    server.send(new TextEncoder().encode('pong'));
    net.run(() => got.length === 2);
    expect(got.sort()).toEqual(['c:pong', 's:ping']);
    expect(server.remoteCertificate).toBeDefined();
  });

  it('connects with every cipher suite', () => {
    for (const id of [0xc02b, 0xc02c, 0xcca9]) {
      const { client, server } = pair({ cipherSuites: [id] });
      expect(connect(client, server).ok).toBe(true);
      expect(client.exportKeyingMaterial('EXTRACTOR-dtls_srtp', 60)).toEqual(server.exportKeyingMaterial('EXTRACTOR-dtls_srtp', 60));
    }
    const { client, server } = pair({}, { certificate: rsaCert() });
    expect(connect(client, server).ok).toBe(true);
    expect(client.cipherSuite).toBe('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
  });

  it('fails both sides on a fingerprint mismatch', () => {
    const { client, server } = pair();
    const errors: DtlsError[] = [];
    // The client expects someone else's certificate.
    const { client: c2 } = pair({ remoteFingerprints: [{ algorithm: 'sha-256', value: '00:11' }] });
    const net = new SimulatedNetwork(c2, server);
    c2.events.on('error', (e) => errors.push(e));
    server.events.on('error', (e) => errors.push(e));
    c2.start(0);
    net.run(() => c2.state === 'failed' && server.state === 'failed');
    expect(c2.state).toBe('failed');
    expect(server.state).toBe('failed');
    expect(errors[0]!.code).toBe('fingerprint-mismatch');
    expect(errors[1]!.code).toBe('alert-received');
    expect(errors[1]!.alert).toBe(42);
    void client;
  });
});

describe('remote fingerprints that arrive late (awaitRemoteFingerprints)', () => {
  it('holds the connection after the handshake until the fingerprint is set, then releases held data', () => {
    const { client, server } = pair({ remoteFingerprints: undefined, awaitRemoteFingerprints: true });
    const net = new SimulatedNetwork(client, server);
    client.start(0);
    net.run(() => server.state === 'connected');
    net.run(() => false, net.now + 100);
    expect(client.state).toBe('connecting');
    const got: string[] = [];
    client.events.on('data', (d) => got.push(new TextDecoder().decode(d)));
    server.send(new TextEncoder().encode('before'));
    net.run(() => false, net.now + 100);
    expect(got).toEqual([]);
    expect(() => client.send(new Uint8Array(1))).toThrow(DtlsError);
    // pair() gives the server certs().b.
    client.setRemoteFingerprints([computeFingerprint(certs().b.der)]);
    expect(client.state).toBe('connected');
    expect(got).toEqual(['before']);
  });

  it('fails both sides when the late fingerprint does not match', () => {
    const { client, server } = pair({ remoteFingerprints: undefined, awaitRemoteFingerprints: true });
    const net = new SimulatedNetwork(client, server);
    client.start(0);
    net.run(() => server.state === 'connected');
    const errors: DtlsError[] = [];
    server.events.on('error', (e) => errors.push(e));
    client.events.on('error', (e) => errors.push(e));
    client.setRemoteFingerprints([computeFingerprint(certs().c.der)]);
    net.run(() => server.state === 'failed');
    expect(errors.map((e) => [e.code, e.alert])).toEqual([
      ['fingerprint-mismatch', 42],
      ['alert-received', 42],
    ]);
  });
});

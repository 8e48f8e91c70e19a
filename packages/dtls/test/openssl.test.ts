import { describe, expect, it } from 'vitest';
import { computeFingerprint, DtlsEndpoint, generateCertificate, loadCertificate, certificateToPem, parseRecords, parseHandshakeFragments } from '../src/index.js';
import { cleanupsAfterEach } from './helpers/cleanups.js';
import { dataIncludes, haveOpenssl, loopbackTransport, makeOpensslCert, startEndpoint, startPeer, startPeerServer } from './helpers/openssl.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const available = haveOpenssl();
const cleanups = cleanupsAfterEach();

const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex').toUpperCase();

describe.skipIf(!available)('interop with OpenSSL 3 (openssl s_server / s_client -dtls1_2)', () => {
  for (const [id, name] of [
    [0xc02c, 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384'],
    [0xcca9, 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256'],
  ] as const) {
    it(`our client against openssl s_server with ${name}`, async () => {
      const peer = makeOpensslCert('ec');
      cleanups.push(peer.cleanup);
      const { server, transport } = await startPeerServer(cleanups, (port) => [
        's_server', '-dtls1_2', '-accept', `127.0.0.1:${port}`, '-cert', peer.cert, '-key', peer.key,
        '-use_srtp', 'SRTP_AEAD_AES_128_GCM', '-keymatexport', 'EXTRACTOR-dtls_srtp', '-keymatexportlen', '56', '-naccept', '1',
      ]);
      const client = startEndpoint(cleanups, transport, {
        role: 'client',
        certificate: generateCertificate(),
        remoteFingerprints: [computeFingerprint(loadCertificate(peer.certPem, peer.keyPem).der, 'sha-512')],
        cipherSuites: [id],
      });
      await client.connected();
      expect(client.cipherSuite).toBe(name);
      expect(client.srtpProfile).toBe('SRTP_AEAD_AES_128_GCM');
      const m = await server.waitFor(/Keying material: ([0-9A-F]+)/);
      expect(toHex(client.exportKeyingMaterial('EXTRACTOR-dtls_srtp', 56))).toBe(m[1]);
      const k = client.getSrtpKeyingMaterial()!;
      expect(k.clientWriteSalt.length).toBe(12);
      const fromServer = dataIncludes(client, 'record from openssl');
      server.write('record from openssl\n');
      await fromServer;
      client.send(new TextEncoder().encode('record from x/dtls\n'));
      await server.waitFor(/record from x\/dtls/);
    });
  }

  for (const [cipher, name] of [
    ['ECDHE-ECDSA-AES256-GCM-SHA384', 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384'],
    ['ECDHE-ECDSA-CHACHA20-POLY1305', 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256'],
  ] as const) {
    it(`our server against openssl s_client -cipher ${cipher}`, async () => {
      const peer = makeOpensslCert('ec');
      cleanups.push(peer.cleanup);
      const transport = await loopbackTransport(cleanups);
      const server = startEndpoint(cleanups, transport, {
        role: 'server',
        certificate: generateCertificate(),
        remoteFingerprints: [computeFingerprint(loadCertificate(peer.certPem, peer.keyPem).der, 'sha-1')],
      });
      const client = startPeer(cleanups, [
        's_client', '-dtls1_2', '-connect', `127.0.0.1:${transport.port}`, '-cert', peer.cert, '-key', peer.key, '-cipher', cipher,
        '-use_srtp', 'SRTP_AES128_CM_SHA1_80', '-keymatexport', 'EXTRACTOR-dtls_srtp', '-keymatexportlen', '60', '-ign_eof',
      ]);
      await server.connected();
      expect(server.cipherSuite).toBe(name);
      expect(server.srtpProfile).toBe('SRTP_AES128_CM_HMAC_SHA1_80');
      const m = await client.waitFor(/Keying material: ([0-9A-F]+)/);
      expect(toHex(server.exportKeyingMaterial('EXTRACTOR-dtls_srtp', 60))).toBe(m[1]);
      const fromClient = dataIncludes(server, 'sealed by openssl');
      client.write('sealed by openssl\n');
      await fromClient;
      server.send(new TextEncoder().encode('sealed by x/dtls\n'));
      await client.waitFor(/sealed by x\/dtls/);
    });
  }

  it('our client with an RSA certificate: openssl s_server -verify checks our RSA CertificateVerify', async () => {
    const peer = makeOpensslCert('ec');
    cleanups.push(peer.cleanup);
    const { server, transport } = await startPeerServer(cleanups, (port) => [
      's_server', '-dtls1_2', '-accept', `127.0.0.1:${port}`, '-cert', peer.cert, '-key', peer.key, '-naccept', '1', '-Verify', '1',
      '-use_srtp', 'SRTP_AES128_CM_SHA1_80', '-keymatexport', 'EXTRACTOR-dtls_srtp', '-keymatexportlen', '60', '-trace',
    ]);
    const client = startEndpoint(cleanups, transport, {
      role: 'client',
      certificate: generateCertificate({ keyType: 'rsa' }),
      remoteFingerprints: [computeFingerprint(loadCertificate(peer.certPem, peer.keyPem).der)],
    });
    await client.connected();
    const m = await server.waitFor(/Keying material: ([0-9A-F]+)/);
    expect(toHex(client.exportKeyingMaterial('EXTRACTOR-dtls_srtp', 60))).toBe(m[1]);
    // openssl's trace shows the CertificateVerify it accepted: RSA-PSS with SHA-256.
    expect(server.output).toMatch(/CertificateVerify[\s\S]*?Signature Algorithm: rsa_pss_rsae_sha256/);
  });

  it('fragmented flights both ways: openssl s_server -mtu 300 with an RSA certificate, our client at MTU 300', async () => {
    const peer = makeOpensslCert('rsa');
    cleanups.push(peer.cleanup);
    const { server, transport } = await startPeerServer(cleanups, (port) => [
      's_server', '-dtls1_2', '-accept', `127.0.0.1:${port}`, '-cert', peer.cert, '-key', peer.key, '-naccept', '1', '-verify', '1', '-mtu', '300',
      '-use_srtp', 'SRTP_AES128_CM_SHA1_80', '-keymatexport', 'EXTRACTOR-dtls_srtp', '-keymatexportlen', '60',
    ]);
    const sizes: number[] = [];
    const fragmentedIn: number[] = [];
    const send = transport.send;
    transport.send = (d) => {
      sizes.push(d.length);
      send(d);
    };
    const client = new DtlsEndpoint(transport, {
      role: 'client',
      certificate: generateCertificate({ keyType: 'rsa' }),
      remoteFingerprints: [computeFingerprint(loadCertificate(peer.certPem, peer.keyPem).der)],
      mtu: 300,
    });
    cleanups.push(() => client.close());
    transport.onData((d) => {
      for (const r of parseRecords(d)) if (r.type === 22 && r.epoch === 0) for (const f of parseHandshakeFragments(r.fragment)) if (f.body.length < f.length) fragmentedIn.push(f.msgType);
      client.connection.handleDatagram(d, performance.now());
      for (const out of client.connection.takeDatagrams()) transport.send(out);
    });
    client.start();
    await client.connected();
    const m = await server.waitFor(/Keying material: ([0-9A-F]+)/);
    expect(toHex(client.exportKeyingMaterial('EXTRACTOR-dtls_srtp', 60))).toBe(m[1]);
    expect(fragmentedIn).toContain(11); // openssl split its Certificate
    expect(Math.max(...sizes)).toBeLessThanOrEqual(300);
    expect(sizes.length).toBeGreaterThan(4); // and we split ours
  });

  for (const kind of ['ec', 'rsa'] as const) {
    it(`our client against openssl s_server (${kind} certificate), mutual auth, use_srtp, exporter, data both ways`, async () => {
      const peer = makeOpensslCert(kind);
      cleanups.push(peer.cleanup);
      const { server, transport } = await startPeerServer(cleanups, (port) => [
        's_server', '-dtls1_2', '-accept', `127.0.0.1:${port}`, '-cert', peer.cert, '-key', peer.key,
        '-use_srtp', 'SRTP_AES128_CM_SHA1_80:SRTP_AEAD_AES_128_GCM', '-keymatexport', 'EXTRACTOR-dtls_srtp', '-keymatexportlen', '60',
        '-naccept', '1', '-verify', '1', '-trace',
      ]);
      const peerDer = loadCertificate(peer.certPem, peer.keyPem).der;
      const ours = generateCertificate();
      const client = startEndpoint(cleanups, transport, {
        role: 'client',
        certificate: ours,
        remoteFingerprints: [computeFingerprint(peerDer, 'sha-256')],
        srtpProfiles: ['SRTP_AES128_CM_HMAC_SHA1_80', 'SRTP_AEAD_AES_128_GCM'],
      });
      await client.connected();
      expect(client.cipherSuite).toBe(kind === 'ec' ? 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256' : 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
      // openssl picks the first profile of the client list that it supports.
      expect(client.srtpProfile).toBe('SRTP_AES128_CM_HMAC_SHA1_80');
      const m = await server.waitFor(/Keying material: ([0-9A-F]+)/);
      expect(toHex(client.exportKeyingMaterial('EXTRACTOR-dtls_srtp', 60))).toBe(m[1]);
      const k = client.getSrtpKeyingMaterial()!;
      expect(toHex(new Uint8Array([...k.clientWriteKey, ...k.serverWriteKey, ...k.clientWriteSalt, ...k.serverWriteSalt]))).toBe(m[1]);
      // openssl saw our certificate.
      await server.waitFor(/Client certificate/);
      const fromServer = dataIncludes(client, 'hello from openssl');
      server.write('hello from openssl\n');
      await fromServer;
      client.send(new TextEncoder().encode('hello from x/dtls\n'));
      await server.waitFor(/hello from x\/dtls/);
      // Our close_notify reaches openssl (s_server -trace prints each received record).
      client.close();
      expect(client.state).toBe('closed');
      await server.waitFor(/Received Record[\s\S]*?Content Type = Alert \(21\)[\s\S]*?close notify\(0\)/);
    });

    it(`our server against openssl s_client (${kind} client certificate), cookie exchange, use_srtp, exporter, data both ways`, async () => {
      const peer = makeOpensslCert(kind);
      cleanups.push(peer.cleanup);
      const transport = await loopbackTransport(cleanups);
      const peerDer = loadCertificate(peer.certPem, peer.keyPem).der;
      const ours = kind === 'ec' ? generateCertificate() : generateCertificate({ keyType: 'rsa' });
      writeFileSync(join(peer.dir, 'ours.pem'), certificateToPem(ours.der));
      const server = startEndpoint(cleanups, transport, { role: 'server', certificate: ours, remoteFingerprints: [computeFingerprint(peerDer, 'sha-256')] });
      const client = startPeer(cleanups, [
        's_client', '-dtls1_2', '-connect', `127.0.0.1:${transport.port}`, '-cert', peer.cert, '-key', peer.key,
        '-use_srtp', 'SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80', '-keymatexport', 'EXTRACTOR-dtls_srtp', '-keymatexportlen', '60', '-ign_eof', '-trace',
      ]);
      await server.connected();
      expect(server.srtpProfile).toBe('SRTP_AEAD_AES_128_GCM');
      expect(server.remoteCertificate).toEqual(peerDer);
      const m = await client.waitFor(/Keying material: ([0-9A-F]+)/);
      expect(toHex(server.exportKeyingMaterial('EXTRACTOR-dtls_srtp', 60))).toBe(m[1]);
      expect(server.getSrtpKeyingMaterial()!.clientWriteKey.length).toBe(16);
      await client.waitFor(/Extended master secret: yes/);
      const fromClient = dataIncludes(server, 'hi from s_client');
      client.write('hi from s_client\n');
      await fromClient;
      server.send(new TextEncoder().encode('hi from x/dtls server\n'));
      await client.waitFor(/hi from x\/dtls server/);
      server.close();
      // openssl traced our HelloVerifyRequest and, at the end, our close_notify.
      expect(client.output).toMatch(/Received Record[\s\S]*?HelloVerifyRequest, Length=35\s+[\s\S]*?cookie \(len=32\): ([0-9A-F]{64})[\s\S]*?Sent Record[\s\S]*?cookie \(len=32\): \1/);
      await client.waitFor(/Received Record[\s\S]*?Content Type = Alert \(21\)[\s\S]*?close notify\(0\)/);
      expect(server.state).toBe('closed');
    });
  }
});

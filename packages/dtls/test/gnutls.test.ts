import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { computeFingerprint, generateCertificate, loadCertificate } from '../src/index.js';
import { cleanupsAfterEach } from './helpers/cleanups.js';
import { dataIncludes, loopbackTransport, makeOpensslCert, startEndpoint, startPeer, startPeerServer } from './helpers/openssl.js';

const haveGnutls = spawnSync('gnutls-cli', ['--version']).status === 0 && spawnSync('gnutls-serv', ['--version']).status === 0;
if (!haveGnutls && process.env.CI === 'true') throw new Error('gnutls-bin (gnutls-cli, gnutls-serv) is required under CI=true');

const cleanups = cleanupsAfterEach();
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

// GnuTLS 3.7 knows SRTP_AES128_CM_HMAC_SHA1_80 but not the AEAD profile names in --srtp-profiles.
describe.skipIf(!haveGnutls)('interop with GnuTLS 3.7 (gnutls-serv / gnutls-cli --udp)', () => {
  it('our client against gnutls-serv --echo: certificate request answered, use_srtp, data echoed', async () => {
    const peer = makeOpensslCert('ec');
    cleanups.push(peer.cleanup);
    const { transport } = await startPeerServer(
      cleanups,
      (port) => ['--udp', '--echo', '--port', String(port), '--x509certfile', peer.cert, '--x509keyfile', peer.key, '--srtp-profiles', 'SRTP_AES128_CM_HMAC_SHA1_80'],
      { ready: /listening on IPv4/, command: 'gnutls-serv' },
    );
    const client = startEndpoint(cleanups, transport, {
      role: 'client',
      certificate: generateCertificate(),
      remoteFingerprints: [computeFingerprint(loadCertificate(peer.certPem, peer.keyPem).der)],
    });
    await client.connected();
    expect(client.srtpProfile).toBe('SRTP_AES128_CM_HMAC_SHA1_80');
    expect(client.cipherSuite).toBe('TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256');
    const echoed = dataIncludes(client, 'echo me');
    client.send(new TextEncoder().encode('echo me'));
    await echoed;
  });

  it('our server against gnutls-cli: client certificate, use_srtp, exporter equals "Key material", data both ways', async () => {
    const peer = makeOpensslCert('ec');
    cleanups.push(peer.cleanup);
    const transport = await loopbackTransport(cleanups);
    const server = startEndpoint(cleanups, transport, {
      role: 'server',
      certificate: generateCertificate(),
      remoteFingerprints: [computeFingerprint(loadCertificate(peer.certPem, peer.keyPem).der, 'sha-384')],
    });
    const client = startPeer(
      cleanups,
      [
        '--udp', '--insecure', '-p', String(transport.port), '127.0.0.1', '--x509certfile', peer.cert, '--x509keyfile', peer.key,
        '--srtp-profiles', 'SRTP_AES128_CM_HMAC_SHA1_80', '--keymatexport', 'EXTRACTOR-dtls_srtp', '--keymatexportsize', '60',
      ],
      'gnutls-cli',
    );
    await server.connected();
    const m = await client.waitFor(/- Key material: ([0-9a-f]+)/);
    expect(toHex(server.exportKeyingMaterial('EXTRACTOR-dtls_srtp', 60))).toBe(m[1]);
    expect(client.output).toMatch(/Options: extended master secret, safe renegotiation/);
    expect(client.output).toMatch(/Successfully sent 1 certificate\(s\) to server/);
    await client.waitFor(/Simple Client Mode/);
    const got = dataIncludes(server, 'from gnutls');
    client.write('from gnutls\n');
    await got;
    server.send(new TextEncoder().encode('from x/dtls\n'));
    await client.waitFor(/^from x\/dtls$/m);
  });
});

import { describe, expect, it } from 'vitest';
import { p256 } from '@noble/curves/nist.js';
import { fromHex, toHex } from '../src/bytes.js';
import {
  certificatePublicKey,
  computeFingerprint,
  DtlsError,
  generateCertificate,
  loadCertificate,
  NamedGroup,
  nobleHashes,
  nobleKeyExchange,
  nobleSignatures,
  nodeHashes,
  nodeKeyExchange,
  nodeSignatures,
  type DtlsConnectionOptions,
  type KeyExchangeBackend,
  type PrivateKey,
  type PublicKey,
  type SignatureBackend,
} from '../src/index.js';
import { certs, pair, rsaCert, SimulatedNetwork } from './helpers/sim.js';
import { cleanupsAfterEach } from './helpers/cleanups.js';
import { haveOpenssl, loopbackTransport, makeOpensslCert, startEndpoint, startPeer, startPeerServer } from './helpers/openssl.js';

const kx: Array<[string, KeyExchangeBackend]> = [
  ['node', nodeKeyExchange],
  ['noble', nobleKeyExchange],
];
const sigs: Array<[string, SignatureBackend]> = [
  ['node', nodeSignatures],
  ['noble', nobleSignatures],
];
const GROUPS = [
  ['X25519', NamedGroup.x25519],
  ['P-256', NamedGroup.secp256r1],
] as const;

const expectIllegalParameter = (f: () => unknown) => {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(DtlsError);
  expect((caught as DtlsError).code).toBe('malformed');
  expect((caught as DtlsError).alert).toBe(47); // illegal_parameter
};

describe('X25519: RFC 7748 vectors, both backends', () => {
  // §5.2: the scalar and u-coordinate as given (the u of vector 2 has its top bit set: it must be masked).
  const scalarMult = [
    ['a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4', 'e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c', 'c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552'],
    ['4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d', 'e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493', '95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957'],
  ];
  for (const [name, backend] of kx) {
    it(`${name}: §5.2 scalar multiplication vectors`, () => {
      for (const [k, u, out] of scalarMult) expect(toHex(backend.importKey(NamedGroup.x25519, fromHex(k!)).computePreMasterSecret(fromHex(u!)))).toBe(out);
    });

    it(`${name}: §5.2 iterated vector, 1 and 1000 iterations`, () => {
      let k = fromHex('0900000000000000000000000000000000000000000000000000000000000000');
      let u = k;
      for (let i = 1; i <= 1000; i++) {
        const next = backend.importKey(NamedGroup.x25519, k).computePreMasterSecret(u);
        u = k;
        k = next;
        if (i === 1) expect(toHex(k)).toBe('422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079');
      }
      expect(toHex(k)).toBe('684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51');
    });

    it(`${name}: §6.1 Diffie-Hellman: public keys and the shared secret K`, () => {
      const alice = backend.importKey(NamedGroup.x25519, fromHex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a'));
      const bob = backend.importKey(NamedGroup.x25519, fromHex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb'));
      expect(toHex(alice.publicKey)).toBe('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
      expect(toHex(bob.publicKey)).toBe('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f');
      const K = '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742';
      expect(toHex(alice.computePreMasterSecret(bob.publicKey))).toBe(K);
      expect(toHex(bob.computePreMasterSecret(alice.publicKey))).toBe(K);
    });
  }
});

describe('ECDHE: the node and noble backends agree', () => {
  for (const [groupName, group] of GROUPS) {
    it(`${groupName}: a node key and a noble key reach the same premaster secret, both directions`, () => {
      for (const [[, a], [, b]] of [
        [kx[0]!, kx[1]!],
        [kx[1]!, kx[0]!],
      ]) {
        const ours = a.generateKey(group);
        const theirs = b.generateKey(group);
        expect(ours.publicKey.length).toBe(group === NamedGroup.x25519 ? 32 : 65);
        expect(theirs.publicKey.length).toBe(ours.publicKey.length);
        const s = ours.computePreMasterSecret(theirs.publicKey);
        expect(s.length).toBe(32);
        expect(toHex(theirs.computePreMasterSecret(ours.publicKey))).toBe(toHex(s));
      }
    });

    it(`${groupName}: the same secret key gives the same public key and premaster secret in both`, () => {
      const peer = (group === NamedGroup.x25519 ? nobleKeyExchange : nodeKeyExchange).generateKey(group);
      const seed = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff);
      const a = nodeKeyExchange.importKey(group, seed);
      const b = nobleKeyExchange.importKey(group, seed);
      expect(toHex(a.publicKey)).toBe(toHex(b.publicKey));
      expect(toHex(a.computePreMasterSecret(peer.publicKey))).toBe(toHex(b.computePreMasterSecret(peer.publicKey)));
    });
  }

  const validPoint = nodeKeyExchange.generateKey(NamedGroup.secp256r1).publicKey;
  const offCurve = validPoint.slice();
  offCurve[64]! ^= 1;
  const compressed = Uint8Array.of(2 + (validPoint[64]! & 1), ...validPoint.subarray(1, 33));
  const hybrid = Uint8Array.of(6 + (validPoint[64]! & 1), ...validPoint.subarray(1));
  const x25519Bad: Array<[string, Uint8Array]> = [
    ['31 bytes', new Uint8Array(31).fill(9)],
    ['33 bytes', new Uint8Array(33).fill(9)],
    ['u = 0 (all-zero output)', new Uint8Array(32)],
    ['u = 1 (all-zero output)', Uint8Array.of(1, ...new Uint8Array(31))],
    // A point of order 8 (RFC 7748 §7 small subgroup): the output is all zero.
    ['order-8 point', fromHex('e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800')],
  ];
  const p256Bad: Array<[string, Uint8Array]> = [
    ['64 bytes', validPoint.subarray(1)],
    ['66 bytes', Uint8Array.of(...validPoint, 0)],
    ['off the curve', offCurve],
    ['compressed', compressed],
    ['hybrid form (0x06/0x07)', hybrid],
    ['the point at infinity', Uint8Array.of(0)],
  ];
  for (const [name, backend] of kx) {
    it(`${name}: rejects bad X25519 peer keys as illegal_parameter`, () => {
      const key = backend.generateKey(NamedGroup.x25519);
      for (const [, bad] of x25519Bad) expectIllegalParameter(() => key.computePreMasterSecret(bad));
    });

    it(`${name}: rejects bad P-256 peer points as illegal_parameter`, () => {
      const key = backend.generateKey(NamedGroup.secp256r1);
      for (const [, bad] of p256Bad) expectIllegalParameter(() => key.computePreMasterSecret(bad));
      expect(key.computePreMasterSecret(validPoint).length).toBe(32);
    });

    it(`${name}: refuses an unsupported group and a secret key of the wrong length`, () => {
      expect(() => backend.generateKey(24 /* secp384r1 */)).toThrow(DtlsError);
      expect(() => backend.importKey(NamedGroup.x25519, new Uint8Array(31))).toThrow(DtlsError);
    });
  }
});

describe('ECDSA P-256 SHA-256: the node and noble backends interoperate', () => {
  const cert = generateCertificate();
  const secretKey = (cert.privateKey as Extract<PrivateKey, { type: 'ecdsa-p256' }>).secretKey;
  const point = (certificatePublicKey(cert.der) as Extract<PublicKey, { type: 'ecdsa-p256' }>).point;
  const data = new TextEncoder().encode('client_random ‖ server_random ‖ ServerECDHParams');
  const N = p256.Point.Fn.ORDER;
  const sOf = (der: Uint8Array) => p256.Signature.fromBytes(der, 'der').s;

  for (const [signer, s] of sigs) {
    for (const [verifier, v] of sigs) {
      it(`signed by ${signer}, verified by ${verifier}; tampered signature or data fails`, () => {
        const sig = s.signEcdsaP256(secretKey, data);
        expect(sig[0]).toBe(0x30); // DER SEQUENCE
        expect(v.verifyEcdsaP256(point, data, sig)).toBe(true);
        const tampered = sig.slice();
        tampered[tampered.length - 1]! ^= 1;
        expect(v.verifyEcdsaP256(point, data, tampered)).toBe(false);
        const otherData = data.slice();
        otherData[0]! ^= 1;
        expect(v.verifyEcdsaP256(point, otherData, sig)).toBe(false);
        expect(v.verifyEcdsaP256(point, data, sig.subarray(0, sig.length - 3))).toBe(false);
      });
    }
  }

  it('OpenSSL signs high-S about half the time; noble verifies those, and OpenSSL verifies both forms', () => {
    let high: Uint8Array | undefined;
    // Each OpenSSL signature has s > n/2 with probability 1/2: 64 tries miss one with probability 2^-64.
    for (let i = 0; i < 64 && high === undefined; i++) {
      const sig = nodeSignatures.signEcdsaP256(secretKey, data);
      if (sOf(sig) > N / 2n) high = sig;
    }
    expect(high).toBeDefined();
    expect(nobleSignatures.verifyEcdsaP256(point, data, high!)).toBe(true);
    // The same signature with s normalized to low-S verifies with both as well.
    const parsed = p256.Signature.fromBytes(high!, 'der');
    const low = new p256.Signature(parsed.r, N - parsed.s).toBytes('der');
    expect(nodeSignatures.verifyEcdsaP256(point, data, low)).toBe(true);
    expect(nobleSignatures.verifyEcdsaP256(point, data, low)).toBe(true);
  });

  it('noble signs low-S, and node accepts its high-S twin too', () => {
    const sig = nobleSignatures.signEcdsaP256(secretKey, data);
    const parsed = p256.Signature.fromBytes(sig, 'der');
    expect(parsed.s <= N / 2n).toBe(true);
    const twin = new p256.Signature(parsed.r, N - parsed.s).toBytes('der');
    expect(nodeSignatures.verifyEcdsaP256(point, data, twin)).toBe(true);
  });

  it('both refuse a signature with a wrong key, garbage, or an invalid point (false, no throw)', () => {
    const other = certificatePublicKey(generateCertificate().der) as Extract<PublicKey, { type: 'ecdsa-p256' }>;
    const sig = nodeSignatures.signEcdsaP256(secretKey, data);
    const offCurve = point.slice();
    offCurve[64]! ^= 1;
    for (const [, v] of sigs) {
      expect(v.verifyEcdsaP256(other.point, data, sig)).toBe(false);
      expect(v.verifyEcdsaP256(point, data, new Uint8Array(70).fill(0x30))).toBe(false);
      expect(v.verifyEcdsaP256(point, data, new Uint8Array(0))).toBe(false);
      expect(v.verifyEcdsaP256(offCurve, data, sig)).toBe(false);
    }
  });
});

describe('handshakes with the noble backend on either side (in-memory network)', () => {
  const backends = {
    node: { keyExchange: nodeKeyExchange, signatures: nodeSignatures, hashes: nodeHashes },
    noble: { keyExchange: nobleKeyExchange, signatures: nobleSignatures, hashes: nobleHashes },
  } satisfies Record<string, Partial<DtlsConnectionOptions>>;
  for (const clientSide of ['node', 'noble'] as const) {
    for (const serverSide of ['node', 'noble'] as const) {
      it(`client ${clientSide}, server ${serverSide}: mutual ECDSA auth, same exporter, data both ways`, () => {
        const { client, server } = pair(backends[clientSide], backends[serverSide]);
        const net = new SimulatedNetwork(client, server);
        client.start(0);
        server.start(0);
        expect(net.run(() => client.state === 'connected' && server.state === 'connected')).toBe(true);
        expect(client.cipherSuite).toBe('TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256');
        expect(server.remoteCertificate).toEqual(certs().a.der);
        expect(toHex(client.exportKeyingMaterial('EXTRACTOR-dtls_srtp', 60))).toBe(toHex(server.exportKeyingMaterial('EXTRACTOR-dtls_srtp', 60)));
        const got: string[] = [];
        server.events.on('data', (d) => got.push(new TextDecoder().decode(d)));
        client.send(new TextEncoder().encode('ping'));
        net.run(() => got.length > 0);
        expect(got).toEqual(['ping']);
      });
    }
  }

  it('an RSA server with the noble backends on both sides still connects (RSA stays on node:crypto)', () => {
    const { client, server } = pair(backends.noble, { ...backends.noble, certificate: rsaCert() });
    const net = new SimulatedNetwork(client, server);
    client.start(0);
    server.start(0);
    expect(net.run(() => client.state === 'connected' && server.state === 'connected')).toBe(true);
    expect(client.cipherSuite).toBe('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
  });

  it('a ServerKeyExchange signature tampered on the wire fails the noble client with decrypt_error', () => {
    const { client, server } = pair(backends.noble, backends.node);
    const net = new SimulatedNetwork(client, server);
    // The signature is the last bytes of the ServerKeyExchange, which travels in the server's
    // first flight after the cookie exchange: flip the last byte of each datagram holding one.
    net.tamper = (from, d) => {
      if (from !== 1) return d;
      const i = findServerKeyExchangeEnd(d);
      if (i === undefined) return d;
      const t = d.slice();
      t[i]! ^= 1;
      return t;
    };
    const errors: DtlsError[] = [];
    client.events.on('error', (e) => errors.push(e));
    client.start(0);
    server.start(0);
    net.run(() => client.state === 'failed', 10_000);
    expect(client.state).toBe('failed');
    expect(errors[0]?.code).toBe('bad-signature');
    expect(errors[0]?.alert).toBe(51); // decrypt_error
  });
});

/** The index of the last byte of an unencrypted, unfragmented ServerKeyExchange in a datagram. */
function findServerKeyExchangeEnd(d: Uint8Array): number | undefined {
  let off = 0;
  while (off + 13 <= d.length) {
    const type = d[off]!;
    const len = (d[off + 11]! << 8) | d[off + 12]!;
    const body = off + 13;
    if (type === 22 && d[off + 3] === 0 && d[off + 4] === 0 && d[body] === 12) {
      const msgLen = (d[body + 1]! << 16) | (d[body + 2]! << 8) | d[body + 3]!;
      const fragLen = (d[body + 9]! << 16) | (d[body + 10]! << 8) | d[body + 11]!;
      if (msgLen === fragLen) return body + 12 + msgLen - 1;
    }
    off = body + len;
  }
  return undefined;
}

const available = haveOpenssl();
const cleanups = cleanupsAfterEach();

describe.skipIf(!available)('the noble backends against OpenSSL 3 on loopback', () => {
  it('our noble client against openssl s_server -groups P-256 -verify: ECDHE P-256 and ECDSA both ways', async () => {
    const peer = makeOpensslCert('ec');
    cleanups.push(peer.cleanup);
    const { server, transport } = await startPeerServer(cleanups, (port) => [
      's_server', '-dtls1_2', '-accept', `127.0.0.1:${port}`, '-cert', peer.cert, '-key', peer.key, '-groups', 'P-256',
      '-keymatexport', 'EXTRACTOR-dtls_srtp', '-keymatexportlen', '60', '-naccept', '1', '-verify', '1',
    ]);
    const client = startEndpoint(cleanups, transport, {
      role: 'client',
      certificate: generateCertificate(),
      remoteFingerprints: [computeFingerprint(loadCertificate(peer.certPem, peer.keyPem).der, 'sha-256')],
      keyExchange: nobleKeyExchange,
      signatures: nobleSignatures,
      hashes: nobleHashes,
    });
    await client.connected();
    // openssl checked our noble CertificateVerify (-verify asks for it) and agrees on the keys.
    await server.waitFor(/Client certificate/);
    const m = await server.waitFor(/Keying material: ([0-9A-F]+)/);
    expect(toHex(client.exportKeyingMaterial('EXTRACTOR-dtls_srtp', 60)).toUpperCase()).toBe(m[1]);
    expect(server.output).toMatch(/Shared groups: secp256r1\n/);
  });

  it('our noble server against openssl s_client: ECDHE X25519 and ECDSA both ways', async () => {
    const peer = makeOpensslCert('ec');
    cleanups.push(peer.cleanup);
    const transport = await loopbackTransport(cleanups);
    const server = startEndpoint(cleanups, transport, {
      role: 'server',
      certificate: generateCertificate(),
      remoteFingerprints: [computeFingerprint(loadCertificate(peer.certPem, peer.keyPem).der, 'sha-256')],
      keyExchange: nobleKeyExchange,
      signatures: nobleSignatures,
      hashes: nobleHashes,
    });
    // P-256 stays in the client's list: in TLS 1.2 OpenSSL also holds the server certificate's curve
    // to supported_groups (RFC 8422 §5.1), and answers illegal_parameter otherwise. We pick X25519.
    const client = startPeer(cleanups, [
      's_client', '-dtls1_2', '-connect', `127.0.0.1:${transport.port}`, '-cert', peer.cert, '-key', peer.key, '-groups', 'X25519:P-256',
      '-keymatexport', 'EXTRACTOR-dtls_srtp', '-keymatexportlen', '60', '-ign_eof',
    ]);
    await server.connected();
    const m = await client.waitFor(/Keying material: ([0-9A-F]+)/);
    expect(toHex(server.exportKeyingMaterial('EXTRACTOR-dtls_srtp', 60)).toUpperCase()).toBe(m[1]);
    await client.waitFor(/Server Temp Key: X25519/);
  });
});

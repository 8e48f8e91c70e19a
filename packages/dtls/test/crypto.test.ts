import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../src/bytes.js';
import { nobleAead, nodeAead, nobleHashes, nodeHashes, prf, generateCertificate, computeFingerprint, parseFingerprint, formatFingerprint, matchesFingerprint, certificatePublicKey, certificateToPem, DtlsError } from '../src/index.js';
import { RecordProtection } from '../src/record-protection.js';
import { splitSrtpKeyingMaterial } from '../src/srtp.js';
import { haveOpenssl, makeOpensslCert, OPENSSL } from './helpers/openssl.js';

const vectors = JSON.parse(readFileSync(join(__dirname, 'vectors/tls12-prf.json'), 'utf8')) as {
  vectors: Array<{ hash: 'sha256' | 'sha384'; secret: string; label: string; seed: string; output: string }>;
};

describe('TLS 1.2 PRF (RFC 5246 §5)', () => {
  for (const v of vectors.vectors) {
    for (const [name, hashes] of [['node', nodeHashes], ['noble', nobleHashes]] as const) {
      it(`P_${v.hash} matches the published vector byte for byte (${name} hashes)`, () => {
        const out = prf(v.hash, fromHex(v.secret), v.label, fromHex(v.seed), v.output.length / 2, hashes);
        expect(toHex(out)).toBe(v.output);
      });
    }
  }
});

describe('hash backends: node:crypto and @noble/hashes agree', () => {
  // FIPS 180-2 "abc" digests and RFC 4231 test case 2 (HMAC, key "Jefe").
  const abc = new TextEncoder().encode('abc');
  const digests = {
    sha1: 'a9993e364706816aba3e25717850c26c9cd0d89d',
    sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    sha384: 'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7',
    sha512: 'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
  } as const;
  const jefe = new TextEncoder().encode('Jefe');
  const what = new TextEncoder().encode('what do ya want for nothing?');
  const hmacs = {
    sha256: '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    sha384: 'af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649',
    sha512: '164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737',
  } as const;
  for (const [name, hashes] of [['node', nodeHashes], ['noble', nobleHashes]] as const) {
    it(`${name}: the published SHA and HMAC vectors`, () => {
      for (const [hash, hex] of Object.entries(digests)) expect(toHex(hashes.digest(hash as keyof typeof digests, abc))).toBe(hex);
      for (const [hash, hex] of Object.entries(hmacs)) expect(toHex(hashes.hmac(hash as keyof typeof hmacs, jefe, what))).toBe(hex);
    });
  }
  it('agree on every length 0..300 and on keys longer than a block', () => {
    const data = new Uint8Array(300).map((_, i) => (i * 31 + 7) & 0xff);
    const longKey = new Uint8Array(200).fill(0xaa);
    for (const hash of ['sha1', 'sha256', 'sha384', 'sha512'] as const) {
      for (let n = 0; n <= 300; n += 13) {
        expect(toHex(nodeHashes.digest(hash, data.subarray(0, n)))).toBe(toHex(nobleHashes.digest(hash, data.subarray(0, n))));
        expect(toHex(nodeHashes.hmac(hash, longKey, data.subarray(0, n)))).toBe(toHex(nobleHashes.hmac(hash, longKey, data.subarray(0, n))));
      }
    }
  });
  it('fingerprints agree, and a fingerprint check uses the backend it is given', () => {
    const der = new Uint8Array(400).map((_, i) => i & 0xff);
    for (const algorithm of ['sha-1', 'sha-256', 'sha-384', 'sha-512'] as const) {
      const f = computeFingerprint(der, algorithm, nodeHashes);
      expect(computeFingerprint(der, algorithm, nobleHashes)).toEqual(f);
      expect(matchesFingerprint(der, [f], nobleHashes)).toBe(true);
    }
    expect(() => computeFingerprint(der, 'toString' as never)).toThrow(DtlsError);
  });
});

describe('AEAD backends', () => {
  it('ChaCha20-Poly1305: RFC 8439 §2.8.2 vector, node and noble agree', () => {
    const key = fromHex('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f');
    const nonce = fromHex('070000004041424344454647');
    const aad = fromHex('50515253c0c1c2c3c4c5c6c7');
    const pt = new TextEncoder().encode("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.");
    const a = nodeAead('chacha20-poly1305', key).seal(nonce, aad, pt);
    const b = nobleAead('chacha20-poly1305', key).seal(nonce, aad, pt);
    expect(toHex(a)).toBe(toHex(b));
    expect(toHex(a.subarray(0, 16))).toBe('d31a8d34648e60db7b86afbc53ef7ec2');
    expect(toHex(a.subarray(a.length - 16))).toBe('1ae10b594f09e26a7e902ecbd0600691');
    expect(nodeAead('chacha20-poly1305', key).open(nonce, aad, b)).toEqual(pt);
  });

  it('AES-128-GCM: GCM spec test case 4, node and noble agree', () => {
    const key = fromHex('feffe9928665731c6d6a8f9467308308');
    const iv = fromHex('cafebabefacedbaddecaf888');
    const pt = fromHex('d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39');
    const aad = fromHex('feedfacedeadbeeffeedfacedeadbeefabaddad2');
    const expected =
      '42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091' + '5bc94fbc3221a5db94fae95ae7121a47';
    expect(toHex(nodeAead('aes-128-gcm', key).seal(iv, aad, pt))).toBe(expected);
    expect(toHex(nobleAead('aes-128-gcm', key).seal(iv, aad, pt))).toBe(expected);
    for (const f of [nodeAead, nobleAead]) {
      const bad = fromHex(expected);
      bad[3]! ^= 1;
      expect(() => f('aes-128-gcm', key).open(iv, aad, bad)).toThrow(DtlsError);
    }
  });

  it('record protection: the GCM explicit nonce is epoch‖sequence, and a record opens only with its own header', () => {
    const key = new Uint8Array(16).fill(7);
    const iv = Uint8Array.of(1, 2, 3, 4);
    const w = new RecordProtection('aes-128-gcm', key, iv, nodeAead);
    const r = new RecordProtection('aes-128-gcm', key, iv, nobleAead);
    const sealed = w.seal(23, 1, 0x0102_0304_0506, new TextEncoder().encode('hello'));
    expect(toHex(sealed.subarray(0, 8))).toBe('0001010203040506');
    expect(new TextDecoder().decode(r.open(23, 1, 0x0102_0304_0506, 0xfefd, sealed))).toBe('hello');
    expect(() => r.open(23, 1, 0x0102_0304_0507, 0xfefd, sealed)).toThrow(DtlsError); // other sequence number
    expect(() => r.open(22, 1, 0x0102_0304_0506, 0xfefd, sealed)).toThrow(DtlsError); // other type
    expect(() => r.open(23, 2, 0x0102_0304_0506, 0xfefd, sealed)).toThrow(DtlsError); // other epoch
    expect(() => r.open(23, 1, 0x0102_0304_0506, 0xfefd, sealed.subarray(0, 20))).toThrow(DtlsError);
  });

  it('sealInto writes the same bytes as seal, for both backends and both AEADs', () => {
    for (const [alg, keyLength, ivLength] of [
      ['aes-128-gcm', 16, 4],
      ['aes-256-gcm', 32, 4],
      ['chacha20-poly1305', 32, 12],
    ] as const) {
      const key = Uint8Array.from({ length: keyLength }, (_, i) => i);
      const iv = Uint8Array.from({ length: ivLength }, (_, i) => 100 + i);
      const pt = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
      const a = new RecordProtection(alg, key, iv, nodeAead);
      const b = new RecordProtection(alg, key, iv, nobleAead);
      const expected = a.seal(23, 1, 77, pt);
      for (const p of [a, b]) {
        const out = new Uint8Array(5 + p.overhead + pt.length);
        p.sealInto(23, 1, 77, pt, out, 5);
        expect(toHex(out.subarray(5))).toBe(toHex(expected));
        expect(b.open(23, 1, 77, 0xfefd, out.subarray(5))).toEqual(pt);
      }
    }
  });
});

describe('SRTP keying material layout (RFC 5764 §4.2)', () => {
  it('splits client key, server key, client salt, server salt in that order', () => {
    const m = Uint8Array.from({ length: 60 }, (_, i) => i);
    const k = splitSrtpKeyingMaterial('SRTP_AES128_CM_HMAC_SHA1_80', m);
    expect(k.clientWriteKey).toEqual(m.slice(0, 16));
    expect(k.serverWriteKey).toEqual(m.slice(16, 32));
    expect(k.clientWriteSalt).toEqual(m.slice(32, 46));
    expect(k.serverWriteSalt).toEqual(m.slice(46, 60));
    expect(splitSrtpKeyingMaterial('SRTP_AEAD_AES_128_GCM', m.slice(0, 56)).serverWriteSalt).toEqual(m.slice(44, 56));
  });
});

describe('certificates and fingerprints', () => {
  it('generates a self-signed ECDSA P-256 certificate valid for 30 days that node verifies', () => {
    const now = new Date('2026-01-10T12:00:00Z');
    const c = generateCertificate({ now });
    const x = new X509Certificate(Buffer.from(c.der));
    expect(x.verify(x.publicKey)).toBe(true);
    expect(x.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(new Date(x.validTo).getTime() - now.getTime()).toBe(30 * 24 * 3600 * 1000);
    expect(x.subject).toBe('CN=WebRTC');
    expect(certificatePublicKey(c.der).type).toBe('ecdsa-p256');
    // Random serials differ.
    expect(new X509Certificate(Buffer.from(generateCertificate().der)).serialNumber).not.toBe(x.serialNumber);
  });

  it('generates an RSA-2048 certificate on request', () => {
    const c = generateCertificate({ keyType: 'rsa' });
    const x = new X509Certificate(Buffer.from(c.der));
    expect(x.verify(x.publicKey)).toBe(true);
    expect(x.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(certificatePublicKey(c.der).type).toBe('rsa');
  });

  it.skipIf(!haveOpenssl())('openssl accepts our certificate and computes the same fingerprints', () => {
    const tmp = makeOpensslCert('ec');
    try {
      const c = generateCertificate();
      const file = join(tmp.dir, 'ours.pem');
      writeFileSync(file, certificateToPem(c.der));
      const v = spawnSync(OPENSSL, ['verify', '-CAfile', file, file], { encoding: 'utf8' });
      expect(v.stdout).toContain('OK');
      for (const [alg, flag] of [['sha-1', '-sha1'], ['sha-256', '-sha256'], ['sha-384', '-sha384'], ['sha-512', '-sha512']] as const) {
        const r = spawnSync(OPENSSL, ['x509', '-in', file, '-noout', '-fingerprint', flag], { encoding: 'utf8' });
        const value = r.stdout.trim().split('=')[1];
        expect(computeFingerprint(c.der, alg).value).toBe(value);
      }
    } finally {
      tmp.cleanup();
    }
  });

  it('parses, formats and matches SDP fingerprints', () => {
    const c = generateCertificate();
    const f = computeFingerprint(c.der);
    expect(f.value).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    const text = formatFingerprint(f);
    expect(text.startsWith('sha-256 ')).toBe(true);
    expect(parseFingerprint(text.toLowerCase().replace('sha-256', 'SHA-256'))).toEqual(f);
    expect(matchesFingerprint(c.der, [parseFingerprint(text)])).toBe(true);
    expect(matchesFingerprint(generateCertificate().der, [f])).toBe(false);
    expect(() => parseFingerprint('md5 AB:CD')).toThrow(DtlsError);
    expect(() => parseFingerprint('sha-256 XYZ')).toThrow(DtlsError);
  });
});

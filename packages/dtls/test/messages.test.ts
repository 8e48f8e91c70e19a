import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../src/bytes.js';
import { CookieGenerator, DtlsError, parseClientHello, parseHandshakeFragments, parseRecords, ExtensionType } from '../src/index.js';
import { clientHelloWithoutCookie, encodeClientHello, encodeServerHello, parseServerHello, encodeHelloVerifyRequest, parseHelloVerifyRequest } from '../src/hello.js';
import { encodeExtensions, parseExtensions } from '../src/extensions.js';
import { derOid, derUnsignedInteger, derUtcTime, readDer } from '../src/der.js';
import {
  encodeCertificate,
  encodeCertificateRequest,
  encodeCertificateVerify,
  encodeClientKeyExchange,
  encodeServerEcdhParams,
  encodeServerKeyExchange,
  parseCertificate,
  parseCertificateRequest,
  parseCertificateVerify,
  parseClientKeyExchange,
  parseServerKeyExchange,
} from '../src/handshake-messages.js';
import { pair } from './helpers/sim.js';

const vector = (name: string) => fromHex(readFileSync(join(__dirname, 'vectors', name), 'utf8').trim());

describe('ClientHellos captured from other implementations', () => {
  for (const [file, expectGroups, expectProfiles] of [
    ['openssl-3.0-client-hello.hex', [29, 23], [7, 1]],
    ['pion-2-client-hello.hex', [29, 23], [7, 1]],
    ['gnutls-3.7-client-hello.hex', [23, 29], [1]],
  ] as const) {
    it(`${file}: parses, and our server answers it with a HelloVerifyRequest`, () => {
      const [record, ...rest] = parseRecords(vector(file));
      expect(rest).toEqual([]);
      expect(record!.type).toBe(22);
      expect(record!.epoch).toBe(0);
      const [frag] = parseHandshakeFragments(record!.fragment);
      expect(frag!.msgType).toBe(1);
      expect(frag!.body.length).toBe(frag!.length);
      const ch = parseClientHello(frag!.body);
      expect(ch.clientVersion).toBe(0xfefd);
      expect(ch.cookie.length).toBe(0);
      expect(ch.cipherSuites).toContain(0xc02b);
      expect(ch.extensions.extendedMasterSecret).toBe(true);
      expect(ch.extensions.useSrtp?.profiles).toEqual(expectProfiles);
      for (const g of expectGroups) expect(ch.extensions.supportedGroups).toContain(g);
      expect(ch.extensions.signatureAlgorithms).toContain(0x0403);
      const { server } = pair();
      server.handleDatagram(vector(file), 0);
      const [reply] = server.takeDatagrams().flatMap((d) => parseRecords(d));
      expect(reply!.sequenceNumber).toBe(record!.sequenceNumber);
      const hvr = parseHandshakeFragments(reply!.fragment)[0]!;
      expect(hvr.msgType).toBe(3);
      expect(parseHelloVerifyRequest(hvr.body).cookie.length).toBe(32);
    });
  }
});

describe('hello messages and extensions round-trip', () => {
  it('our ClientHello encodes, parses and encodes to the same bytes', () => {
    const { client } = pair();
    client.start(0);
    const [rec] = parseRecords(client.takeDatagrams()[0]!);
    const body = parseHandshakeFragments(rec!.fragment)[0]!.body;
    const ch = parseClientHello(body);
    expect(toHex(encodeClientHello(ch))).toBe(toHex(body));
    expect(ch.cipherSuites).toEqual([0xc02b, 0xc02c, 0xc02f, 0xcca9]);
    expect(ch.extensions.renegotiationInfo).toEqual(new Uint8Array(0));
    // Cookie excision: the cookie field is left out, everything else kept.
    const withCookie = encodeClientHello({ ...ch, cookie: Uint8Array.of(1, 2, 3) });
    expect(toHex(clientHelloWithoutCookie(withCookie))).toBe(toHex(clientHelloWithoutCookie(body)));
  });

  it('ServerHello and HelloVerifyRequest round-trip', () => {
    const sh = {
      serverVersion: 0xfefd,
      random: new Uint8Array(32).fill(9),
      sessionId: Uint8Array.of(1, 2),
      cipherSuite: 0xc02b,
      compressionMethod: 0,
      extensions: { extendedMasterSecret: true, useSrtp: { profiles: [7], mki: new Uint8Array(0) }, renegotiationInfo: new Uint8Array(0) },
    };
    const parsed = parseServerHello(encodeServerHello(sh));
    expect(parsed.cipherSuite).toBe(0xc02b);
    expect(parsed.extensions).toEqual(sh.extensions);
    expect(parseHelloVerifyRequest(encodeHelloVerifyRequest({ serverVersion: 0xfeff, cookie: Uint8Array.of(5) }))).toEqual({ serverVersion: 0xfeff, cookie: Uint8Array.of(5) });
  });

  it('extensions: round trip, unknown ones skipped, duplicates and bad lengths rejected', () => {
    const ext = { supportedGroups: [29, 23], ecPointFormats: [0], signatureAlgorithms: [0x0403, 0x0804], extendedMasterSecret: true };
    const encoded = encodeExtensions(ext);
    expect(parseExtensions(encoded.subarray(2))).toEqual(ext);
    const unknown = Uint8Array.of(0x12, 0x34, 0, 2, 0xaa, 0xbb);
    expect(parseExtensions(unknown)).toEqual({});
    const ems = Uint8Array.of(0, ExtensionType.extended_master_secret, 0, 0);
    expect(() => parseExtensions(new Uint8Array([...ems, ...ems]))).toThrow(DtlsError);
    expect(() => parseExtensions(Uint8Array.of(0, 23, 0, 1, 0))).toThrow(DtlsError); // EMS with data
    expect(() => parseExtensions(Uint8Array.of(0, 10, 0, 3, 0, 1, 29))).toThrow(DtlsError); // odd group list
  });
});

describe('other handshake messages round-trip', () => {
  it('Certificate, ServerKeyExchange, CertificateRequest, ClientKeyExchange, CertificateVerify', () => {
    const chain = [Uint8Array.of(1, 2, 3), Uint8Array.of(4)];
    expect(parseCertificate(encodeCertificate(chain))).toEqual(chain);
    expect(parseCertificate(encodeCertificate([]))).toEqual([]);
    const params = encodeServerEcdhParams(29, new Uint8Array(32).fill(7));
    const ske = parseServerKeyExchange(encodeServerKeyExchange(params, 0x0403, Uint8Array.of(9, 9)));
    expect([ske.namedCurve, ske.signatureScheme, toHex(ske.params), toHex(ske.signature)]).toEqual([29, 0x0403, toHex(params), '0909']);
    expect(() => parseServerKeyExchange(Uint8Array.of(1, 0, 23))).toThrow(DtlsError); // explicit curves
    const cr = parseCertificateRequest(encodeCertificateRequest([64, 1], [0x0403, 0x0401]));
    expect(cr).toEqual({ certificateTypes: [64, 1], signatureAlgorithms: [0x0403, 0x0401], certificateAuthorities: [] });
    expect(toHex(parseClientKeyExchange(encodeClientKeyExchange(Uint8Array.of(4, 5))))).toBe('0405');
    expect(parseCertificateVerify(encodeCertificateVerify(0x0804, Uint8Array.of(1)))).toEqual({ signatureScheme: 0x0804, signature: Uint8Array.of(1) });
  });
});

describe('DER writer and reader', () => {
  it('encodes OIDs, integers and UTCTime as X.509 expects', () => {
    expect(toHex(derOid('1.2.840.10045.2.1'))).toBe('06072a8648ce3d0201');
    expect(toHex(derOid('1.2.840.10045.3.1.7'))).toBe('06082a8648ce3d030107');
    expect(toHex(derOid('2.5.4.3'))).toBe('0603550403');
    expect(toHex(derUnsignedInteger(Uint8Array.of(0x80, 1)))).toBe('0203008001');
    expect(toHex(derUnsignedInteger(Uint8Array.of(0, 0, 5)))).toBe('020105');
    expect(new TextDecoder().decode(derUtcTime(new Date('2026-01-02T03:04:05Z')).subarray(2))).toBe('260102030405Z');
    const long = readDer(Uint8Array.of(0x04, 0x81, 0x80, ...new Uint8Array(0x80)), 0);
    expect([long.contentStart, long.end]).toEqual([3, 0x83]);
    expect(() => readDer(Uint8Array.of(0x04, 0x85, 1, 1, 1, 1, 1), 0)).toThrow(DtlsError);
  });
});

describe('stateless cookies', () => {
  it('bind the ClientHello and the client context, under a secret', () => {
    const g = new CookieGenerator(new Uint8Array(32).fill(1));
    const ch = Uint8Array.of(1, 2, 3);
    const c = g.generate(ch, Uint8Array.of(127, 0, 0, 1));
    expect(c.length).toBe(32);
    expect(g.verify(c, ch, Uint8Array.of(127, 0, 0, 1))).toBe(true);
    expect(g.verify(c, ch, Uint8Array.of(127, 0, 0, 2))).toBe(false);
    expect(g.verify(c, Uint8Array.of(1, 2, 4), Uint8Array.of(127, 0, 0, 1))).toBe(false);
    expect(new CookieGenerator(new Uint8Array(32).fill(2)).verify(c, ch, Uint8Array.of(127, 0, 0, 1))).toBe(false);
  });
});

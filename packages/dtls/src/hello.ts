import { ByteReader, ByteWriter, concatBytes } from './bytes.js';
import { DtlsError } from './errors.js';
import { encodeExtensions, parseExtensions, type HelloExtensions } from './extensions.js';

/** ClientHello (RFC 6347 §4.2.1, RFC 5246 §7.4.1.2). */
export interface ClientHello {
  clientVersion: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cookie: Uint8Array;
  cipherSuites: number[];
  compressionMethods: number[];
  extensions: HelloExtensions;
}

/** ServerHello (RFC 5246 §7.4.1.3). */
export interface ServerHello {
  serverVersion: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuite: number;
  compressionMethod: number;
  extensions: HelloExtensions;
}

/** HelloVerifyRequest (RFC 6347 §4.2.1). */
export interface HelloVerifyRequest {
  serverVersion: number;
  cookie: Uint8Array;
}

/** Parses a ClientHello body. */
export function parseClientHello(body: Uint8Array): ClientHello {
  const r = new ByteReader(body);
  const clientVersion = r.u16('client_version');
  const random = r.bytesView(32, 'random');
  const sessionId = r.vector(1, 'session_id');
  if (sessionId.length > 32) throw new DtlsError('malformed', 'session_id longer than 32');
  const cookie = r.vector(1, 'cookie');
  const suites = r.vector(2, 'cipher_suites');
  if (suites.length < 2 || suites.length % 2 !== 0) throw new DtlsError('malformed', 'bad cipher_suites length');
  const cipherSuites: number[] = [];
  for (let i = 0; i < suites.length; i += 2) cipherSuites.push((suites[i]! << 8) | suites[i + 1]!);
  const comp = r.vector(1, 'compression_methods');
  if (comp.length < 1) throw new DtlsError('malformed', 'no compression methods');
  const extensions = r.remaining > 0 ? parseExtensions(r.vector(2, 'extensions')) : {};
  r.expectEnd('ClientHello');
  return { clientVersion, random, sessionId, cookie, cipherSuites, compressionMethods: Array.from(comp), extensions };
}

/** Encodes a ClientHello body. */
export function encodeClientHello(h: ClientHello): Uint8Array {
  const w = new ByteWriter();
  w.u16(h.clientVersion).bytes(h.random).vector(1, h.sessionId).vector(1, h.cookie);
  const s = new ByteWriter();
  for (const c of h.cipherSuites) s.u16(c);
  w.vector(2, s.finish()).vector(1, Uint8Array.from(h.compressionMethods));
  w.bytes(encodeExtensions(h.extensions));
  return w.finish();
}

/**
 * The ClientHello body without its cookie field: what the stateless cookie is computed over,
 * since the second ClientHello must repeat the first apart from the cookie (RFC 6347 §4.2.1).
 */
export function clientHelloWithoutCookie(body: Uint8Array): Uint8Array {
  const r = new ByteReader(body);
  r.u16();
  r.bytesView(32);
  r.vector(1);
  const cookieStart = r.offset;
  r.vector(1);
  return concatBytes(body.subarray(0, cookieStart), body.subarray(r.offset));
}

/** Parses a ServerHello body. */
export function parseServerHello(body: Uint8Array): ServerHello {
  const r = new ByteReader(body);
  const serverVersion = r.u16('server_version');
  const random = r.bytesView(32, 'random');
  const sessionId = r.vector(1, 'session_id');
  if (sessionId.length > 32) throw new DtlsError('malformed', 'session_id longer than 32');
  const cipherSuite = r.u16('cipher_suite');
  const compressionMethod = r.u8('compression_method');
  const extensions = r.remaining > 0 ? parseExtensions(r.vector(2, 'extensions')) : {};
  r.expectEnd('ServerHello');
  return { serverVersion, random, sessionId, cipherSuite, compressionMethod, extensions };
}

/** Encodes a ServerHello body. */
export function encodeServerHello(h: ServerHello): Uint8Array {
  const w = new ByteWriter();
  w.u16(h.serverVersion).bytes(h.random).vector(1, h.sessionId).u16(h.cipherSuite).u8(h.compressionMethod);
  w.bytes(encodeExtensions(h.extensions));
  return w.finish();
}

/** Parses a HelloVerifyRequest body. */
export function parseHelloVerifyRequest(body: Uint8Array): HelloVerifyRequest {
  const r = new ByteReader(body);
  const serverVersion = r.u16('server_version');
  const cookie = r.vector(1, 'cookie');
  r.expectEnd('HelloVerifyRequest');
  return { serverVersion, cookie };
}

/** Encodes a HelloVerifyRequest body. */
export function encodeHelloVerifyRequest(h: HelloVerifyRequest): Uint8Array {
  return new ByteWriter().u16(h.serverVersion).vector(1, h.cookie).finish();
}

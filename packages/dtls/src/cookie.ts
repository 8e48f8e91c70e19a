import { randomBytes } from 'node:crypto';
import { bytesEqual, concatBytes } from './bytes.js';
import { nodeHashes, type HashBackend } from './hash-backend.js';

/**
 * Stateless HelloVerifyRequest cookies (RFC 6347 §4.2.1): HMAC-SHA256 over the client's
 * transport context (e.g. its address) and the ClientHello without its cookie, under a secret
 * only the server knows. The server keeps no state until a ClientHello returns a valid cookie.
 */
export class CookieGenerator {
  private readonly secret: Uint8Array;

  constructor(
    secret: Uint8Array = new Uint8Array(randomBytes(32)),
    private readonly hashes: HashBackend = nodeHashes,
  ) {
    this.secret = secret;
  }

  /** The cookie for a ClientHello (body without cookie) from a client context. */
  generate(clientHelloWithoutCookie: Uint8Array, context: Uint8Array = new Uint8Array(0)): Uint8Array {
    const lengthPrefix = Uint8Array.of(context.length >>> 8, context.length & 0xff);
    return this.hashes.hmac('sha256', this.secret, concatBytes(lengthPrefix, context, clientHelloWithoutCookie));
  }

  /** True when `cookie` was made by this generator for that ClientHello and context. */
  verify(cookie: Uint8Array, clientHelloWithoutCookie: Uint8Array, context?: Uint8Array): boolean {
    return bytesEqual(cookie, this.generate(clientHelloWithoutCookie, context));
  }
}

import { createHash, createHmac } from 'node:crypto';
import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';

/** The hash functions DTLS uses: the PRF's, the transcript's, fingerprints', cookies'. */
export type HashName = 'sha1' | 'sha256' | 'sha384' | 'sha512';

/**
 * The seam behind which the handshake hashes (transcript, PRF, Finished, key block, exporter,
 * certificate fingerprints, cookies). `nodeHashes` (OpenSSL) is the default: native from the first
 * call, where a pure-JS hash is slow until the JIT has warmed it, which is most of what a fresh
 * process's first handshake pays. `nobleHashes` (@noble/hashes) is the portable one; both agree
 * byte for byte (tests).
 */
export interface HashBackend {
  readonly name: string;
  digest(hash: HashName, data: Uint8Array): Uint8Array;
  hmac(hash: HashName, key: Uint8Array, data: Uint8Array): Uint8Array;
}

function view(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** node:crypto (OpenSSL): the default. */
export const nodeHashes: HashBackend = {
  name: 'node:crypto',
  digest: (hash, data) => view(createHash(hash).update(data).digest()),
  hmac: (hash, key, data) => view(createHmac(hash, key).update(data).digest()),
};

const NOBLE = { sha1, sha256, sha384, sha512 } as const;

/** @noble/hashes (pure JS). */
export const nobleHashes: HashBackend = {
  name: '@noble/hashes',
  digest: (hash, data) => NOBLE[hash](data),
  hmac: (hash, key, data) => hmac(NOBLE[hash], key, data),
};

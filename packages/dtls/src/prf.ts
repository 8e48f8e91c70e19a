import { concatBytes, utf8 } from './bytes.js';
import { nodeHashes, type HashBackend } from './hash-backend.js';

/** Hash of the TLS 1.2 PRF: SHA-256 for most suites, SHA-384 for the *_SHA384 ones. */
export type PrfHash = 'sha256' | 'sha384';

/** Digest of `data` with the PRF hash. */
export function prfDigest(hash: PrfHash, data: Uint8Array, hashes: HashBackend = nodeHashes): Uint8Array {
  return hashes.digest(hash, data);
}

/** P_hash data expansion (RFC 5246 §5). */
export function pHash(hash: PrfHash, secret: Uint8Array, seed: Uint8Array, length: number, hashes: HashBackend = nodeHashes): Uint8Array {
  const out = new Uint8Array(length);
  let a = seed;
  let filled = 0;
  while (filled < length) {
    a = hashes.hmac(hash, secret, a);
    const block = hashes.hmac(hash, secret, concatBytes(a, seed));
    const n = Math.min(block.length, length - filled);
    out.set(block.subarray(0, n), filled);
    filled += n;
  }
  return out;
}

/** PRF(secret, label, seed) = P_hash(secret, label ‖ seed) (RFC 5246 §5). */
export function prf(hash: PrfHash, secret: Uint8Array, label: string, seed: Uint8Array, length: number, hashes: HashBackend = nodeHashes): Uint8Array {
  return pHash(hash, secret, concatBytes(utf8(label), seed), length, hashes);
}

/** master_secret with the extended master secret (RFC 7627 §4): seed is the session_hash. */
export function extendedMasterSecret(hash: PrfHash, preMasterSecret: Uint8Array, sessionHash: Uint8Array, hashes: HashBackend = nodeHashes): Uint8Array {
  return prf(hash, preMasterSecret, 'extended master secret', sessionHash, 48, hashes);
}

/** master_secret without RFC 7627 (RFC 5246 §8.1). */
export function masterSecret(hash: PrfHash, preMasterSecret: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array, hashes: HashBackend = nodeHashes): Uint8Array {
  return prf(hash, preMasterSecret, 'master secret', concatBytes(clientRandom, serverRandom), 48, hashes);
}

/** Finished.verify_data (RFC 5246 §7.4.9): 12 bytes. */
export function verifyData(hash: PrfHash, master: Uint8Array, finishedLabel: 'client finished' | 'server finished', handshakeHash: Uint8Array, hashes: HashBackend = nodeHashes): Uint8Array {
  return prf(hash, master, finishedLabel, handshakeHash, 12, hashes);
}

/** key_block (RFC 5246 §6.3); the seed is server_random ‖ client_random. */
export function keyBlock(hash: PrfHash, master: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array, length: number, hashes: HashBackend = nodeHashes): Uint8Array {
  return prf(hash, master, 'key expansion', concatBytes(serverRandom, clientRandom), length, hashes);
}

/**
 * Keying material exporter (RFC 5705 §4): PRF(master, label, client_random ‖ server_random
 * [‖ uint16 context length ‖ context]).
 */
export function exportKeyingMaterial(
  hash: PrfHash,
  master: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  label: string,
  length: number,
  context?: Uint8Array,
  hashes: HashBackend = nodeHashes,
): Uint8Array {
  const seed =
    context === undefined
      ? concatBytes(clientRandom, serverRandom)
      : concatBytes(clientRandom, serverRandom, Uint8Array.of(context.length >>> 8, context.length & 0xff), context);
  return prf(hash, master, label, seed, length, hashes);
}

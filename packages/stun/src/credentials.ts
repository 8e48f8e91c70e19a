import { md5 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { PasswordAlgorithmId } from './stun-attributes.js';
import { StunError } from './stun-error.js';

const encoder = new TextEncoder();

/**
 * OpaqueString preparation (RFC 8265 §4.2) as RFC 8489 §9 asks for passwords and realms: map
 * non-ASCII spaces to U+0020 and apply NFC. (Full PRECIS rejection of disallowed code points
 * is not done; SASLprep-era vectors such as RFC 5769 §2.4 pass the already-prepared password.)
 */
export function opaqueString(s: string): string {
  return s.replace(/[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/g, ' ').normalize('NFC');
}

/** Short-term credential key (RFC 8489 §9.1.1): the OpaqueString-prepared password in UTF-8. */
export function shortTermKey(password: string): Uint8Array {
  return encoder.encode(opaqueString(password));
}

/** Long-term password algorithm. */
export type PasswordAlgorithmName = 'MD5' | 'SHA-256';

/**
 * Long-term credential key (RFC 8489 §9.2.2): `MD5(username ":" realm ":" password)` (16 bytes),
 * or with SHA-256 (32 bytes) when the server and client agreed on PASSWORD-ALGORITHM SHA-256.
 */
export function longTermKey(
  username: string,
  realm: string,
  password: string,
  algorithm: PasswordAlgorithmName = 'MD5',
): Uint8Array {
  const input = encoder.encode(`${username}:${opaqueString(realm)}:${opaqueString(password)}`);
  return algorithm === 'SHA-256' ? sha256(input) : md5(input);
}

/** USERHASH value (RFC 8489 §14.4): SHA-256 of `username ":" realm`. */
export function userhash(username: string, realm: string): Uint8Array {
  return sha256(encoder.encode(`${username}:${opaqueString(realm)}`));
}

/** Maps a PASSWORD-ALGORITHM number to its name; throws for unsupported ones. */
export function passwordAlgorithmName(id: number): PasswordAlgorithmName {
  if (id === PasswordAlgorithmId.MD5) return 'MD5';
  if (id === PasswordAlgorithmId.SHA256) return 'SHA-256';
  throw new StunError('BAD_ATTRIBUTE', `unsupported password algorithm 0x${id.toString(16)}`);
}

import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { AttributeType } from './attribute-type.js';
import { StunError } from './stun-error.js';
import type { StunMessage } from './message.js';

type Hmac = ReturnType<typeof hmac.create>;
/**
 * Keyed HMAC states by key object: a key (an ICE password, a long-term key) is reused for many
 * messages, and cloning the keyed state skips re-hashing the padded key each time.
 */
const templates = new WeakMap<Uint8Array, { 'SHA-1'?: Hmac; 'SHA-256'?: Hmac; copy: Uint8Array }>();

function keyedTemplate(algorithm: 'SHA-1' | 'SHA-256', key: Uint8Array): Hmac {
  let entry = templates.get(key);
  // The cache is keyed by object identity; a key mutated in place must not reuse a stale state.
  if (entry && !sameBytes(entry.copy, key)) entry = undefined;
  if (!entry) {
    entry = { copy: Uint8Array.from(key) };
    templates.set(key, entry);
  }
  return (entry[algorithm] ??= hmac.create(algorithm === 'SHA-1' ? sha1 : sha256, key));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * HMAC over `msg[0..attributeOffset)` with the header's length field replaced by
 * `lengthField` (RFC 8489 §14.5/§14.6: the length covers up to and including the integrity
 * attribute, and nothing after it). The input is not modified.
 */
export function computeIntegrity(
  algorithm: 'SHA-1' | 'SHA-256',
  key: Uint8Array,
  msg: Uint8Array,
  attributeOffset: number,
  lengthField: number,
): Uint8Array {
  const mac = keyedTemplate(algorithm, key).clone();
  mac.update(msg.subarray(0, 2));
  mac.update(new Uint8Array([lengthField >> 8, lengthField & 0xff]));
  mac.update(msg.subarray(4, attributeOffset));
  return mac.digest();
}

/** Constant-time comparison of `a` with the first `a.length` bytes of `b`. */
function equalPrefix(a: Uint8Array, b: Uint8Array): boolean {
  if (b.length < a.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Which integrity attribute(s) a message passed. */
export type IntegrityResult = 'MESSAGE-INTEGRITY' | 'MESSAGE-INTEGRITY-SHA256' | 'both';

/**
 * Verifies MESSAGE-INTEGRITY and/or MESSAGE-INTEGRITY-SHA256 with `key` (short-term: the
 * password; long-term: {@link longTermKey}). Every integrity attribute present must match.
 * Throws `MISSING_INTEGRITY` when there is none and `BAD_INTEGRITY` on any mismatch.
 */
export function verifyMessageIntegrity(message: StunMessage, key: Uint8Array): IntegrityResult {
  const raw = message.raw;
  let ok1 = false;
  let ok256 = false;
  for (const a of message.attributes) {
    if (a.type !== AttributeType.MESSAGE_INTEGRITY && a.type !== AttributeType.MESSAGE_INTEGRITY_SHA256) {
      continue;
    }
    const header = a.offset - 4;
    const value = raw.subarray(a.offset, a.offset + a.length);
    if (a.type === AttributeType.MESSAGE_INTEGRITY) {
      if (a.length !== 20) throw new StunError('BAD_INTEGRITY', 'MESSAGE-INTEGRITY of wrong length');
      const mac = computeIntegrity('SHA-1', key, raw, header, header + 4 + 20 - 20);
      if (!equalPrefix(value, mac)) throw new StunError('BAD_INTEGRITY', 'MESSAGE-INTEGRITY mismatch');
      ok1 = true;
    } else {
      if (a.length < 16 || a.length > 32 || a.length % 4 !== 0) {
        throw new StunError('BAD_INTEGRITY', 'MESSAGE-INTEGRITY-SHA256 of wrong length');
      }
      const mac = computeIntegrity('SHA-256', key, raw, header, header + 4 + a.length - 20);
      if (!equalPrefix(value, mac)) throw new StunError('BAD_INTEGRITY', 'MESSAGE-INTEGRITY-SHA256 mismatch');
      ok256 = true;
    }
  }
  if (ok1 && ok256) return 'both';
  if (ok1) return 'MESSAGE-INTEGRITY';
  if (ok256) return 'MESSAGE-INTEGRITY-SHA256';
  throw new StunError('MISSING_INTEGRITY', 'no MESSAGE-INTEGRITY or MESSAGE-INTEGRITY-SHA256');
}

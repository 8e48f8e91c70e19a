import { randomFillSync } from 'node:crypto';
import { StunError } from './stun-error.js';

/** A fresh, cryptographically random 96-bit transaction id (RFC 8489 §6). */
export function newTransactionId(): Uint8Array {
  return randomFillSync(new Uint8Array(12));
}

/** A string key for a 12-byte transaction id, for maps. */
export function transactionKey(id: Uint8Array): string {
  if (id.length !== 12) throw new StunError('INVALID_ARGUMENT', `transaction id of ${id.length} bytes`);
  return Buffer.from(id.buffer, id.byteOffset, 12).toString('hex');
}

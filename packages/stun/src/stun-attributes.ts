/** The non-address, non-error attributes of RFC 8489 §14. */
import { AttributeType } from './attribute-type.js';
import { badAttribute, bytesCodec, textCodec, u32Codec, type AttributeCodec } from './attribute-codec.js';

/** USERNAME (§14.3): UTF-8, fewer than 509 bytes. */
export const Username = textCodec(AttributeType.USERNAME, 'USERNAME', 508);
/** USERHASH (§14.4): SHA-256 of `username:realm`, 32 bytes. */
export const Userhash = bytesCodec(AttributeType.USERHASH, 'USERHASH', { min: 32, max: 32 });
/** MESSAGE-INTEGRITY (§14.5): HMAC-SHA1, 20 bytes. Written by the encoder, not by hand. */
export const MessageIntegrity = bytesCodec(AttributeType.MESSAGE_INTEGRITY, 'MESSAGE-INTEGRITY', {
  min: 20,
  max: 20,
});
/** MESSAGE-INTEGRITY-SHA256 (§14.6): HMAC-SHA256 truncated to 16..32 bytes, a multiple of 4. */
export const MessageIntegritySha256 = bytesCodec(
  AttributeType.MESSAGE_INTEGRITY_SHA256,
  'MESSAGE-INTEGRITY-SHA256',
  { min: 16, max: 32, multipleOf: 4 },
);
/** FINGERPRINT (§14.7): CRC-32 of the message xor 0x5354554e. Written by the encoder. */
export const Fingerprint = u32Codec(AttributeType.FINGERPRINT, 'FINGERPRINT');
/** REALM (§14.9): fewer than 128 characters (at most 763 bytes). */
export const Realm = textCodec(AttributeType.REALM, 'REALM', 763);
/** NONCE (§14.10): fewer than 128 characters (at most 763 bytes). */
export const Nonce = textCodec(AttributeType.NONCE, 'NONCE', 763);
/** SOFTWARE (§14.14): fewer than 128 characters (at most 763 bytes). */
export const Software = textCodec(AttributeType.SOFTWARE, 'SOFTWARE', 763);
/** ALTERNATE-DOMAIN (§14.16): the domain name of ALTERNATE-SERVER, for TLS checks. */
export const AlternateDomain = textCodec(AttributeType.ALTERNATE_DOMAIN, 'ALTERNATE-DOMAIN', 255);

/** Password algorithm numbers (RFC 8489 §18.5). */
export const PasswordAlgorithmId = { MD5: 0x0001, SHA256: 0x0002 } as const;

/** One entry of PASSWORD-ALGORITHMS, or the value of PASSWORD-ALGORITHM. */
export interface PasswordAlgorithmValue {
  readonly algorithm: number;
  /** Parameters; empty for MD5 and SHA-256. */
  readonly parameters: Uint8Array;
}

const pad4 = (n: number) => (n + 3) & ~3;

function writeAlgorithm(v: PasswordAlgorithmValue, msg: Uint8Array, view: DataView, offset: number): number {
  view.setUint16(offset, v.algorithm);
  view.setUint16(offset + 2, v.parameters.length);
  msg.set(v.parameters, offset + 4);
  msg.fill(0, offset + 4 + v.parameters.length, offset + 4 + pad4(v.parameters.length));
  return 4 + pad4(v.parameters.length);
}

function readAlgorithm(
  name: string,
  msg: Uint8Array,
  view: DataView,
  offset: number,
  end: number,
): [PasswordAlgorithmValue, number] {
  if (offset + 4 > end) throw badAttribute(name, 'truncated algorithm');
  const algorithm = view.getUint16(offset);
  const len = view.getUint16(offset + 2);
  if (offset + 4 + len > end) throw badAttribute(name, 'parameters past the end');
  return [{ algorithm, parameters: msg.subarray(offset + 4, offset + 4 + len) }, offset + 4 + pad4(len)];
}

/** PASSWORD-ALGORITHM (§14.12): the algorithm the client picked. */
export const PasswordAlgorithm: AttributeCodec<PasswordAlgorithmValue> = {
  type: AttributeType.PASSWORD_ALGORITHM,
  name: 'PASSWORD-ALGORITHM',
  length: (v) => 4 + v.parameters.length,
  write(v, msg, view, offset) {
    view.setUint16(offset, v.algorithm);
    view.setUint16(offset + 2, v.parameters.length);
    msg.set(v.parameters, offset + 4);
  },
  read(msg, view, offset, length) {
    const [v, next] = readAlgorithm('PASSWORD-ALGORITHM', msg, view, offset, offset + length);
    if (next - offset < length || offset + 4 + v.parameters.length !== offset + length) {
      throw badAttribute('PASSWORD-ALGORITHM', 'length does not match parameters');
    }
    return v;
  },
};

/** PASSWORD-ALGORITHMS (§14.11): the algorithms a server offers, in its order of preference. */
export const PasswordAlgorithms: AttributeCodec<readonly PasswordAlgorithmValue[]> = {
  type: AttributeType.PASSWORD_ALGORITHMS,
  name: 'PASSWORD-ALGORITHMS',
  length: (v) => v.reduce((n, a) => n + 4 + pad4(a.parameters.length), 0),
  write(v, msg, view, offset) {
    for (const a of v) offset += writeAlgorithm(a, msg, view, offset);
  },
  read(msg, view, offset, length) {
    const out: PasswordAlgorithmValue[] = [];
    const end = offset + length;
    while (offset < end) {
      const [v, next] = readAlgorithm('PASSWORD-ALGORITHMS', msg, view, offset, end);
      out.push(v);
      offset = next;
    }
    return out;
  },
};

import { randomBytes } from 'node:crypto';
import { IceError } from './errors.js';

/** ICE credentials and mode of one side (RFC 8445 §5.3, RFC 8839 §5.4). */
export interface IceParameters {
  /** `ice-ufrag`: 4–256 ice-chars. */
  readonly usernameFragment: string;
  /** `ice-pwd`: 22–256 ice-chars. */
  readonly password: string;
  /** `ice-lite`. */
  readonly iceLite?: boolean;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function randomIceChars(n: number): string {
  const b = randomBytes(n);
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHABET[b[i]! & 63];
  return s;
}

/** Fresh random credentials: an 8-char ufrag and a 24-char password (more than the minimum). */
export function generateIceParameters(): { usernameFragment: string; password: string } {
  return { usernameFragment: randomIceChars(8), password: randomIceChars(24) };
}

/** Throws {@link IceError} `invalid-parameter` unless the credentials follow RFC 8839's grammar. */
export function validateIceParameters(p: IceParameters): void {
  if (!/^[A-Za-z0-9+/]{4,256}$/.test(p.usernameFragment)) throw new IceError('invalid-parameter', 'bad ice-ufrag');
  if (!/^[A-Za-z0-9+/]{22,256}$/.test(p.password)) throw new IceError('invalid-parameter', 'bad ice-pwd');
}

import { RtpError } from '../src/index.js';

/** Bytes from a hex string with optional whitespace. */
export function hex(s: string): Uint8Array {
  const clean = s.replace(/\s+/g, '');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

/** Run `f`; it must either return or throw an RtpError (never another error type). */
export function onlyRtpError(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof RtpError)) throw e;
  }
}

/** Assert `f` throws RtpError with `code`. */
export function throwsCode(f: () => unknown, code: string): void {
  try {
    f();
  } catch (e) {
    if (e instanceof RtpError && e.code === code) return;
    throw new Error(`expected RtpError ${code}, got ${String(e)}`);
  }
  throw new Error(`expected RtpError ${code}, got no error`);
}

import { gcm, unsafe } from '@noble/ciphers/aes.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import type { AesCounterMode, AesGcm, HmacSha1, SrtpCryptoProvider } from './crypto-provider.js';

const SCRATCH = 2048;

/** AES-CM on noble's key-expanded AES; works on an aligned scratch copy, no per-packet key schedule. */
class NobleAesCounterMode implements AesCounterMode {
  private readonly xk: Uint32Array;
  private readonly counter = new Uint8Array(16);
  private readonly scratch = new Uint8Array(SCRATCH);

  constructor(key: Uint8Array) {
    this.xk = unsafe.expandKeyLE(key);
  }

  xorKeystream(iv: Uint8Array, data: Uint8Array, start: number, end: number): void {
    // noble's counter increments all 128 bits; with the low 16 bits of iv zero and under 2^16
    // blocks that is exactly RFC 3711's IV + j.
    this.counter.set(iv.subarray(0, 16));
    for (let pos = start; pos < end; pos += SCRATCH) {
      const n = Math.min(SCRATCH, end - pos);
      const chunk = this.scratch.subarray(0, n);
      chunk.set(data.subarray(pos, pos + n));
      unsafe.ctrCounter(this.xk, this.counter, chunk, chunk);
      data.set(chunk, pos);
    }
  }

  encryptBlocks(blocks: Uint8Array): Uint8Array {
    const out = blocks.slice(); // a fresh, aligned copy
    const w = new Uint32Array(out.buffer, 0, out.length >>> 2);
    for (let i = 0; i + 3 < w.length; i += 4) {
      const r = unsafe.encrypt(this.xk, w[i]!, w[i + 1]!, w[i + 2]!, w[i + 3]!);
      w[i] = r.s0; w[i + 1] = r.s1; w[i + 2] = r.s2; w[i + 3] = r.s3;
    }
    return out;
  }
}

/** The part of noble's HMAC state used here: clone into a reused object, absorb, finish. */
interface HmacState {
  _cloneInto(to?: HmacState): HmacState;
  update(data: Uint8Array): unknown;
  digestInto(out: Uint8Array): void;
}

class NobleHmacSha1 implements HmacSha1 {
  private readonly base: HmacState;
  private work: HmacState | undefined;
  private readonly digest = new Uint8Array(20);

  constructor(key: Uint8Array) {
    this.base = hmac.create(sha1, key) as unknown as HmacState;
  }

  sign(data: Uint8Array, start: number, end: number, out: Uint8Array, outOffset: number): void {
    const work = this.base._cloneInto(this.work);
    this.work = work;
    work.update(data.subarray(start, end));
    work.digestInto(this.digest);
    out.set(this.digest, outOffset);
  }
}

class NobleAesGcm implements AesGcm {
  constructor(private readonly key: Uint8Array) {}

  seal(iv: Uint8Array, aad: Uint8Array, data: Uint8Array, start: number, end: number): void {
    const sealed = gcm(this.key, iv, aad).encrypt(data.subarray(start, end));
    data.set(sealed, start);
  }

  open(iv: Uint8Array, aad: Uint8Array, data: Uint8Array, start: number, end: number): boolean {
    let pt: Uint8Array;
    try {
      pt = gcm(this.key, iv, aad).decrypt(data.subarray(start, end + 16));
    } catch {
      return false;
    }
    data.set(pt, start);
    return true;
  }
}

/** The pure-JS @noble/ciphers + @noble/hashes provider (about 4× slower here; no native code). */
export const nobleCryptoProvider: SrtpCryptoProvider = {
  name: '@noble',
  aesCounterMode: (key) => new NobleAesCounterMode(key),
  hmacSha1: (key) => new NobleHmacSha1(key),
  aesGcm: (key) => new NobleAesGcm(key),
};

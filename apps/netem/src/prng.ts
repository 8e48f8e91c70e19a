/**
 * A small seeded pseudo-random generator (xoshiro128**, seeded through splitmix32), so that an
 * impaired run is reproducible: the same seed and the same packet sequence give the same drops,
 * delays and duplicates. Not for cryptography.
 */

function splitmix32(state: number): [number, number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return [next, z >>> 0];
}

const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k));

/** Seeded PRNG: uniform floats in [0, 1) and standard normal deviates. */
export class Prng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spareNormal = Number.NaN;

  /** @param seed any number; only its low 32 bits (after truncation) matter. */
  constructor(seed: number) {
    let state = Math.trunc(seed) | 0;
    let out: number;
    [state, out] = splitmix32(state);
    this.s0 = out | 0;
    [state, out] = splitmix32(state);
    this.s1 = out | 0;
    [state, out] = splitmix32(state);
    this.s2 = out | 0;
    [, out] = splitmix32(state);
    this.s3 = out | 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the one state xoshiro cannot leave
  }

  /** Next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9);
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result >>> 0;
  }

  /** Uniform float in [0, 1). `next() < p` is true with probability `p` (never for 0, always for 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Standard normal deviate (mean 0, σ 1), Box–Muller with the second value kept for the next call. */
  normal(): number {
    if (!Number.isNaN(this.spareNormal)) {
      const z = this.spareNormal;
      this.spareNormal = Number.NaN;
      return z;
    }
    const u = 1 - this.next(); // (0, 1]: log(0) would be -Infinity
    const v = this.next();
    const radius = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  }
}

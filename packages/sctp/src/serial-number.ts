// Serial number arithmetic (RFC 1982) for 32-bit TSNs and 16-bit SSNs, as RFC 9260 §1.6 asks.

/** `a < b` in 32-bit serial arithmetic. */
export function tsnLt(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}

/** `a <= b` in 32-bit serial arithmetic. */
export function tsnLte(a: number, b: number): boolean {
  return ((a - b) | 0) <= 0;
}

/** `a > b` in 32-bit serial arithmetic. */
export function tsnGt(a: number, b: number): boolean {
  return ((a - b) | 0) > 0;
}

/** `a + n` wrapped to 32 bits unsigned. */
export function tsnAdd(a: number, n: number): number {
  return (a + n) >>> 0;
}

/** Signed distance `a - b` in 32-bit serial arithmetic. */
export function tsnDiff(a: number, b: number): number {
  return (a - b) | 0;
}

/** `a < b` in 16-bit serial arithmetic (stream sequence numbers). */
export function ssnLt(a: number, b: number): boolean {
  const d = (a - b) & 0xffff;
  return d !== 0 && d > 0x8000;
}

/** `a <= b` in 16-bit serial arithmetic. */
export function ssnLte(a: number, b: number): boolean {
  return a === b || ssnLt(a, b);
}

// Corpus-seeded fuzzing: real packets captured by apps/robustness (`pnpm --filter @x/robustness
// capture`, written to each package's test/corpus/) and mutations of them. FUZZ_RUNS and
// FUZZ_SEED set the run count and seed (`pnpm fuzz`).
import { readFileSync } from 'node:fs';
import fc from 'fast-check';

/** Runs per property: FUZZ_RUNS, else the small fixed count `pnpm test` uses. */
export function fuzzRuns(fallback: number): number {
  const n = Number(process.env['FUZZ_RUNS']);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** The fast-check seed: FUZZ_SEED, else a fixed one so `pnpm test` is reproducible. */
export function fuzzSeed(): number {
  const n = Number(process.env['FUZZ_SEED']);
  return Number.isInteger(n) ? n : 0x5eed;
}

/** fast-check parameters for one property. */
export function fuzzParameters(fallbackRuns: number): { numRuns: number; seed: number } {
  return { numRuns: fuzzRuns(fallbackRuns), seed: fuzzSeed() };
}

/** The items of a corpus file (`{ items: string[] }`), e.g. `new URL('./corpus/rtp.json', import.meta.url)`. */
export function corpusItems(file: URL): string[] {
  const corpus = JSON.parse(readFileSync(file, 'utf8')) as { items: string[] };
  return corpus.items;
}

/** A hex corpus file as bytes. */
export function corpusPackets(file: URL): Uint8Array[] {
  return corpusItems(file).map((h) => new Uint8Array(Buffer.from(h, 'hex')));
}

/** Boundary values a length field gets edited to. */
const lengths = [0, 1, 2, 3, 4, 7, 8, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xfffe, 0xffff];

/**
 * Mutations of real packets: a bit flipped, truncated, a 16-bit word (a length field, often)
 * set to a boundary value or ±1, bytes inserted or deleted, two packets spliced, or the packet
 * as it is. Each mutation keeps most of the packet real, so parsers get deep.
 */
export function mutatedPacket(seeds: Uint8Array[]): fc.Arbitrary<Uint8Array> {
  const seed = fc.constantFrom(...seeds);
  const at = (p: Uint8Array, r: number): number => (p.length === 0 ? 0 : Math.floor(r * p.length));
  const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
  return fc.oneof(
    seed,
    fc.tuple(seed, unit, fc.integer({ min: 0, max: 7 })).map(([p, r, bit]) => {
      const out = Uint8Array.from(p);
      if (out.length > 0) out[at(out, r)]! ^= 1 << bit;
      return out;
    }),
    fc.tuple(seed, unit).map(([p, r]) => p.slice(0, at(p, r))),
    fc.tuple(seed, unit, fc.oneof(fc.constantFrom(...lengths), fc.integer({ min: -1, max: 1 }))).map(([p, r, v]) => {
      const out = Uint8Array.from(p);
      const i = Math.min(at(out, r), Math.max(0, out.length - 2));
      if (out.length < 2) return out;
      const value = v >= 0 && v > 1 ? v : (((out[i]! << 8) | out[i + 1]!) + v) & 0xffff;
      out[i] = value >> 8;
      out[i + 1] = value & 0xff;
      return out;
    }),
    fc.tuple(seed, unit, fc.uint8Array({ minLength: 1, maxLength: 16 })).map(([p, r, extra]) => {
      const i = at(p, r);
      return Uint8Array.from([...p.subarray(0, i), ...extra, ...p.subarray(i)]);
    }),
    fc.tuple(seed, unit, fc.integer({ min: 1, max: 16 })).map(([p, r, n]) => {
      const i = at(p, r);
      return Uint8Array.from([...p.subarray(0, i), ...p.subarray(i + n)]);
    }),
    fc.tuple(seed, seed, unit, unit).map(([p, q, r, s]) => Uint8Array.from([...p.subarray(0, at(p, r)), ...q.subarray(at(q, s))])),
    fc.tuple(seed, fc.array(fc.tuple(unit, fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 })).map(([p, edits]) => {
      const out = Uint8Array.from(p);
      for (const [r, v] of edits) if (out.length > 0) out[at(out, r)] = v;
      return out;
    }),
  );
}

/** Mutations of real text (SDP, candidate lines): lines dropped, duplicated, cut, characters changed. */
export function mutatedText(seeds: string[]): fc.Arbitrary<string> {
  const seed = fc.constantFrom(...seeds);
  const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
  const at = (t: string, r: number): number => Math.floor(r * t.length);
  return fc.oneof(
    seed,
    fc.tuple(seed, unit).map(([t, r]) => t.slice(0, at(t, r))),
    fc.tuple(seed, unit, fc.string({ maxLength: 8 })).map(([t, r, s]) => t.slice(0, at(t, r)) + s + t.slice(at(t, r) + 1)),
    fc.tuple(seed, unit, fc.constantFrom(' ', ':', '\r\n', '=', '/', '-1', '99999999999', '', 'a=', '\u0000', 'é')).map(([t, r, s]) => t.slice(0, at(t, r)) + s + t.slice(at(t, r))),
    fc.tuple(seed, unit, unit).map(([t, r, s]) => {
      const lines = t.split('\r\n');
      const i = Math.floor(r * lines.length);
      const j = Math.floor(s * lines.length);
      if (r < 0.5) lines.splice(i, 1);
      else lines.splice(i, 0, lines[j]!);
      return lines.join('\r\n');
    }),
    fc.tuple(seed, seed, unit, unit).map(([t, u, r, s]) => t.slice(0, at(t, r)) + u.slice(at(u, s))),
  );
}
export { mulberry32 } from './mulberry32.js';
export { withUncaught } from './uncaught.js';
export { logRecorder, type LogRecorder } from './log-recorder.js';

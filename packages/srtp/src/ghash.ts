import { LITTLE_ENDIAN } from './xor.js';

/**
 * GHASH (NIST SP 800-38D §6.4) with one 256-entry table per byte position of the block
 * (16 × 256 × 16 bytes = 64 KB per key, built once): X·H is the XOR of 16 table entries, one per
 * byte of X, with no shifts. The block loop runs in a small WebAssembly function (emitted below,
 * no binary shipped) where an entry is two 64-bit loads; measured 4× faster than the same loop in
 * JS over 32-bit words, which stays as the fallback (big-endian hosts, no WebAssembly).
 *
 * Input is copied into an aligned work area laid out as Y (16 bytes) then blocks, so both loops
 * read whole native words. Tables hold native words of the product's bytes: table slot (w, k) is
 * indexed by bits 8k..8k+7 of word w, byte 4w + k of the block on a little-endian host and
 * byte 4w + 3 − k on a big-endian one, so nothing is byte-swapped per block.
 */
export class Ghash {
  private wasm: WasmSlot | undefined;
  private table: Int32Array | undefined;
  private jsArea: Int32Array | undefined;
  private h: Uint8Array | undefined;

  /**
   * `h` = AES(K, 0^128), 16 bytes. The tables are built on the first digest (a session makes
   * four keys and may use one). `portable` forces the JS loop (for tests).
   */
  constructor(h: Uint8Array, private readonly portable = false) {
    this.h = h.slice(0, 16);
  }

  private build(h: Uint8Array): void {
    this.h = undefined;
    const table = buildTable(h);
    this.wasm = this.portable || !LITTLE_ENDIAN ? undefined : WasmSlot.create(table);
    if (!this.wasm) {
      this.table = table;
      this.jsArea = new Int32Array((AREA + 16) >>> 2);
    }
  }

  /**
   * GHASH_H(A, C) (A and C each zero-padded to whole blocks, then len(A) ‖ len(C) in bits) into
   * `out[0, 16)`, with A = `aad` and C = `data[start, end)`.
   */
  digest(aad: Uint8Array, data: Uint8Array, start: number, end: number, out: Uint8Array): void {
    if (this.h) this.build(this.h);
    const area = this.wasm ? this.wasm.begin() : new Uint8Array(this.jsArea!.buffer);
    area.fill(0, 0, 16);
    let pos = this.absorb(area, 16, aad, 0, aad.length);
    pos = this.absorb(area, pos, data, start, end);
    area.fill(0, pos, pos + 16);
    writeBitLength(area, pos, aad.length);
    writeBitLength(area, pos + 8, end - start);
    this.flush(pos + 16);
    out.set((this.wasm ? this.wasm.begin() : area).subarray(0, 16));
  }

  /** Copies `src[s, e)` zero-padded into the work area from `pos`, hashing whenever it is full. */
  private absorb(area: Uint8Array, pos: number, src: Uint8Array, s: number, e: number): number {
    while (s < e) {
      let n = Math.min(e - s, AREA + 16 - pos);
      if (n < e - s) n &= ~15;
      area.set(src.subarray(s, s + n), pos);
      const padded = (n + 15) & ~15;
      area.fill(0, pos + n, pos + padded);
      pos += padded;
      s += n;
      if (pos === AREA + 16) {
        this.flush(pos);
        pos = 16;
        area = this.wasm ? this.wasm.begin() : area;
      }
    }
    return pos;
  }

  /** Y = (Y ⊕ X_i) · H for the blocks in the work area up to `end`. */
  private flush(end: number): void {
    const count = (end - 16) >>> 4;
    if (this.wasm) this.wasm.blocks(count);
    else jsBlocks(this.table!, this.jsArea!, count);
  }
}

/** Bytes of blocks the work area holds after Y. */
const AREA = 32768;

/** The 16 tables as native words (see {@link Ghash}); slot s at words [1024 s, 1024 s + 1024). */
function buildTable(h: Uint8Array): Int32Array {
  // P[j] = H · x^j as big-endian words, j = 0..127 (GCM's bit order: x·V is V shifted right).
  const p = new Int32Array(128 * 4);
  let v0 = readBe(h, 0), v1 = readBe(h, 4), v2 = readBe(h, 8), v3 = readBe(h, 12);
  for (let j = 0; j < 128; j++) {
    p[4 * j] = v0; p[4 * j + 1] = v1; p[4 * j + 2] = v2; p[4 * j + 3] = v3;
    const carry = v3 & 1;
    v3 = (v3 >>> 1) | (v2 << 31); v2 = (v2 >>> 1) | (v1 << 31); v1 = (v1 >>> 1) | (v0 << 31);
    v0 = (v0 >>> 1) ^ (carry ? 0xe1000000 : 0);
  }
  const t = new Int32Array(16 * 256 * 4);
  for (let slot = 0; slot < 16; slot++) {
    const w = slot >>> 2, k = slot & 3;
    const position = LITTLE_ENDIAN ? 4 * w + k : 4 * w + 3 - k;
    const base = slot * 1024;
    // Bit 0x80 >> i of the byte at `position` is the coefficient of x^(8·position + i).
    for (let m = 1, i = 7; m < 256; m <<= 1, i--) {
      const s = (8 * position + i) * 4;
      for (let b = 0; b < m; b++) {
        const d = base + ((b + m) << 2), o = base + (b << 2);
        t[d] = t[o]! ^ p[s]!; t[d + 1] = t[o + 1]! ^ p[s + 1]!;
        t[d + 2] = t[o + 2]! ^ p[s + 2]!; t[d + 3] = t[o + 3]! ^ p[s + 3]!;
      }
    }
  }
  // Big-endian words → native words of the same bytes.
  if (LITTLE_ENDIAN) for (let i = 0; i < t.length; i++) t[i] = bswap(t[i]!);
  return t;
}

/** The JS loop: Y at `d[0..3]`, `count` blocks from `d[4]`. */
function jsBlocks(t: Int32Array, d: Int32Array, count: number): void {
  let y0 = d[0]!, y1 = d[1]!, y2 = d[2]!, y3 = d[3]!;
  for (let p = 4, stop = 4 + 4 * count; p < stop; p += 4) {
    const a0 = y0 ^ d[p]!, a1 = y1 ^ d[p + 1]!, a2 = y2 ^ d[p + 2]!, a3 = y3 ^ d[p + 3]!;
    let i = (a0 & 255) << 2;
    let z0 = t[i]!, z1 = t[i + 1]!, z2 = t[i + 2]!, z3 = t[i + 3]!;
    i = 1024 | (((a0 >>> 8) & 255) << 2); z0 ^= t[i]!; z1 ^= t[i + 1]!; z2 ^= t[i + 2]!; z3 ^= t[i + 3]!;
    i = 2048 | (((a0 >>> 16) & 255) << 2); z0 ^= t[i]!; z1 ^= t[i + 1]!; z2 ^= t[i + 2]!; z3 ^= t[i + 3]!;
    i = 3072 | ((a0 >>> 24) << 2); z0 ^= t[i]!; z1 ^= t[i + 1]!; z2 ^= t[i + 2]!; z3 ^= t[i + 3]!;
    i = 4096 | ((a1 & 255) << 2); z0 ^= t[i]!; z1 ^= t[i + 1]!; z2 ^= t[i + 2]!; z3 ^= t[i + 3]!;
    i = 5120 | (((a1 >>> 8) & 255) << 2); z0 ^= t[i]!; z1 ^= t[i + 1]!; z2 ^= t[i + 2]!; z3 ^= t[i + 3]!;
    i = 6144 | (((a1 >>> 16) & 255) << 2); z0 ^= t[i]!; z1 ^= t[i + 1]!; z2 ^= t[i + 2]!; z3 ^= t[i + 3]!;
    i = 7168 | ((a1 >>> 24) << 2); z0 ^= t[i]!; z1 ^= t[i + 1]!; z2 ^= t[i + 2]!; z3 ^= t[i + 3]!;
    i = 8192 | ((a2 & 255) << 2); z0 ^= t[i]!; z1 ^= t[i + 1]!; z2 ^= t[i + 2]!; z3 ^= t[i + 3]!;
    i = 9216 | (((a2 >>> 8) & 255) << 2); z0 ^= t[i]!; z1 ^= t[i + 1]!; z2 ^= t[i + 2]!; z3 ^= t[i + 3]!;
    i = 10240 | (((a2 >>> 16) & 255) << 2); z0 ^= t[i]!; z1 ^= t[i + 1]!; z2 ^= t[i + 2]!; z3 ^= t[i + 3]!;
    i = 11264 | ((a2 >>> 24) << 2); z0 ^= t[i]!; z1 ^= t[i + 1]!; z2 ^= t[i + 2]!; z3 ^= t[i + 3]!;
    i = 12288 | ((a3 & 255) << 2); z0 ^= t[i]!; z1 ^= t[i + 1]!; z2 ^= t[i + 2]!; z3 ^= t[i + 3]!;
    i = 13312 | (((a3 >>> 8) & 255) << 2); z0 ^= t[i]!; z1 ^= t[i + 1]!; z2 ^= t[i + 2]!; z3 ^= t[i + 3]!;
    i = 14336 | (((a3 >>> 16) & 255) << 2); z0 ^= t[i]!; z1 ^= t[i + 1]!; z2 ^= t[i + 2]!; z3 ^= t[i + 3]!;
    i = 15360 | ((a3 >>> 24) << 2); z0 ^= t[i]!; z1 ^= t[i + 1]!; z2 ^= t[i + 2]!; z3 ^= t[i + 3]!;
    y0 = z0; y1 = z1; y2 = z2; y3 = z3;
  }
  d[0] = y0; d[1] = y1; d[2] = y2; d[3] = y3;
}

/**
 * One key's table in the process-wide WebAssembly memory. Page 0 is the work area (Y at byte 0,
 * blocks from 16); each key owns one further 64 KB page for its table, handed back to a free list
 * when its {@link Ghash} is collected. All keys share the work area: a digest runs to completion
 * synchronously, and each thread has its own module state.
 */
class WasmSlot {
  private static shared: { memory: WasmMemory; blocks: (table: number, count: number) => void } | null | undefined;
  private static readonly free: number[] = [];
  private static pages = 1;
  private static readonly registry = new FinalizationRegistry<number>((page) => WasmSlot.free.push(page));
  private static view: Uint8Array | undefined;

  private constructor(private readonly base: number, private readonly run: (table: number, count: number) => void) {}

  static create(table: Int32Array): WasmSlot | undefined {
    if (WasmSlot.shared === undefined) WasmSlot.shared = instantiate();
    const shared = WasmSlot.shared;
    if (!shared) return undefined;
    let page = WasmSlot.free.pop();
    if (page === undefined) {
      page = WasmSlot.pages++;
      shared.memory.grow(1);
    }
    const slot = new WasmSlot(page * 65536, shared.blocks);
    slot.begin().set(new Uint8Array(table.buffer, table.byteOffset, table.byteLength), slot.base);
    WasmSlot.registry.register(slot, page);
    return slot;
  }

  /** The whole memory as bytes (a fresh view after the memory has grown). */
  begin(): Uint8Array {
    const buffer = WasmSlot.shared!.memory.buffer;
    if (WasmSlot.view?.buffer !== buffer) WasmSlot.view = new Uint8Array(buffer);
    return WasmSlot.view;
  }

  blocks(count: number): void {
    this.run(this.base, count);
  }
}

interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** The minimal WebAssembly surface used here (the ES lib has no WebAssembly types). */
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
} | undefined;

/** Compiles the block loop; undefined-free null when WebAssembly is missing or refuses it. */
function instantiate(): { memory: WasmMemory; blocks: (table: number, count: number) => void } | null {
  try {
    if (typeof WebAssembly === 'undefined') return null;
    const instance = new WebAssembly.Instance(new WebAssembly.Module(blocksModule()), {});
    return { memory: instance.exports['memory'] as WasmMemory, blocks: instance.exports['blocks'] as (table: number, count: number) => void };
  } catch {
    return null;
  }
}

/**
 * The WebAssembly module: memory (1 page to start) and `blocks(table, count)`, which runs
 * Y = (Y ⊕ X)·H over `count` blocks at byte 16 with Y at byte 0, entry b of byte position k at
 * `table + 4096 k + 16 b` (the little-endian layout of {@link buildTable}).
 */
function blocksModule(): Uint8Array {
  // Locals: 0 table, 1 count (params), 2 p, 3 end (i32); 4 y0, 5 y1, 6 a0, 7 a1, 8 z0, 9 z1 (i64); 10 i (i32).
  const c: number[] = [];
  const get = (l: number) => c.push(0x20, l);
  const set = (l: number) => c.push(0x21, l);
  const i32 = (v: number) => c.push(0x41, ...sleb(v));
  const load64 = (offset: number) => c.push(0x29, 3, ...uleb(offset));
  const store64 = (offset: number) => c.push(0x37, 3, ...uleb(offset));
  i32(16); set(2);
  i32(16); get(1); i32(4); c.push(0x74, 0x6a); set(3); // end = 16 + (count << 4)
  i32(0); load64(0); set(4);
  i32(0); load64(8); set(5);
  c.push(0x02, 0x40, 0x03, 0x40); // block, loop
  get(2); get(3); c.push(0x4f, 0x0d, 1); // br_if out when p >= end
  get(4); get(2); load64(0); c.push(0x85); set(6); // a0 = y0 ^ X[0..8)
  get(5); get(2); load64(8); c.push(0x85); set(7); // a1 = y1 ^ X[8..16)
  for (let k = 0; k < 16; k++) {
    get(k < 8 ? 6 : 7);
    if (k & 7) c.push(0x42, ...sleb((k & 7) * 8), 0x88); // i64.shr_u
    c.push(0xa7); i32(255); c.push(0x71); i32(4); c.push(0x74); get(0); c.push(0x6a); set(10);
    if (k === 0) {
      get(10); load64(0); set(8);
      get(10); load64(8); set(9);
    } else {
      get(8); get(10); load64(k * 4096); c.push(0x85); set(8);
      get(9); get(10); load64(k * 4096 + 8); c.push(0x85); set(9);
    }
  }
  get(8); set(4); get(9); set(5);
  get(2); i32(16); c.push(0x6a); set(2);
  c.push(0x0c, 0, 0x0b, 0x0b); // br loop; end loop; end block
  i32(0); get(4); store64(0);
  i32(0); get(5); store64(8);
  c.push(0x0b);
  const body = [3, 2, 0x7f, 6, 0x7e, 1, 0x7f, ...c];
  const section = (id: number, bytes: number[]) => [id, ...uleb(bytes.length), ...bytes];
  const name = (s: string) => [s.length, ...Array.from(s, (ch) => ch.charCodeAt(0))];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, [1, 0x60, 2, 0x7f, 0x7f, 0]), // type: (i32, i32) -> ()
    ...section(3, [1, 0]), // one function of type 0
    ...section(5, [1, 0, 1]), // memory: min 1 page
    ...section(7, [2, ...name('blocks'), 0, 0, ...name('memory'), 2, 0]),
    ...section(10, [1, ...uleb(body.length), ...body]),
  ]);
}

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 127;
    n >>>= 7;
    if (n) b |= 128;
    out.push(b);
  } while (n);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 127;
    n >>= 7;
    if ((n === 0 && !(b & 64)) || (n === -1 && (b & 64))) return [...out, b];
    out.push(b | 128);
  }
}

function readBe(b: Uint8Array, o: number): number {
  return (b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!;
}

function bswap(v: number): number {
  return ((v >>> 24) | ((v >>> 8) & 0xff00) | ((v & 0xff00) << 8) | (v << 24)) | 0;
}

/** `bytes` · 8 as a 64-bit big-endian number at `out[o, o + 8)` (already zero; bytes < 2^45). */
function writeBitLength(out: Uint8Array, o: number, bytes: number): void {
  const hi = Math.floor(bytes / 0x20000000), lo = (bytes * 8) >>> 0;
  out[o + 3] = hi & 0xff; out[o + 2] = (hi >>> 8) & 0xff;
  out[o + 4] = lo >>> 24; out[o + 5] = (lo >>> 16) & 0xff; out[o + 6] = (lo >>> 8) & 0xff; out[o + 7] = lo & 0xff;
}

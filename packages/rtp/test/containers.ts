// The test vectors: IVF (VP8/VP9/AV1) and Ogg Opus through src's readers, Annex-B access units (H.264).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readIvf as parseIvf, readOggOpus, splitAnnexB } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));

export function vector(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(here, 'vectors', name)));
}

/** Frames of an IVF vector as bytes (src/ivf.ts reads the file). */
export function readIvf(buf: Uint8Array): { fourcc: string; frames: Uint8Array[] } {
  const file = parseIvf(buf);
  return { fourcc: file.fourcc, frames: file.frames.map((f) => f.data) };
}

/** Opus packets of an Ogg Opus vector (src/ogg-opus.ts reads the file). */
export function readOpusPackets(buf: Uint8Array): Uint8Array[] {
  return readOggOpus(buf).packets;
}

/** H.264 access units of an Annex-B stream: a new one starts at an AUD, SPS, or a slice with first_mb_in_slice = 0 after a slice. */
export function readH264AccessUnits(buf: Uint8Array): Uint8Array[][] {
  const units: Uint8Array[][] = [];
  let cur: Uint8Array[] = [];
  let sawSlice = false;
  for (const nal of splitAnnexB(buf)) {
    const t = nal[0]! & 0x1f;
    const isSlice = t === 1 || t === 5;
    const firstSlice = isSlice && (nal[1]! & 0x80) !== 0;
    if (sawSlice && (t === 9 || t === 7 || t === 8 || t === 6 || firstSlice)) {
      units.push(cur);
      cur = [];
      sawSlice = false;
    }
    cur.push(nal);
    if (isSlice) sawSlice = true;
  }
  if (cur.length) units.push(cur);
  return units;
}

/** Annex-B bytes of NAL units with 4-byte start codes. */
export function annexB(nals: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(nals.reduce((n, x) => n + 4 + x.length, 0));
  let o = 0;
  for (const n of nals) { out.set([0, 0, 0, 1], o); out.set(n, o + 4); o += 4 + n.length; }
  return out;
}

// Small readers for the test vectors: IVF (VP8/VP9/AV1), Annex-B access units (H.264), Ogg (Opus).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { splitAnnexB } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));

export function vector(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(here, 'vectors', name)));
}

/** Frames of an IVF file: 32-byte file header, then 12-byte frame headers (size LE32, pts LE64). */
export function readIvf(buf: Uint8Array): { fourcc: string; frames: Uint8Array[] } {
  if (String.fromCharCode(...buf.subarray(0, 4)) !== 'DKIF') throw new Error('not IVF');
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const headerSize = view.getUint16(6, true);
  const frames: Uint8Array[] = [];
  let i = headerSize;
  while (i + 12 <= buf.length) {
    const size = view.getUint32(i, true);
    frames.push(buf.subarray(i + 12, i + 12 + size));
    i += 12 + size;
  }
  return { fourcc: String.fromCharCode(...buf.subarray(8, 12)), frames };
}

/** Packets of an Ogg stream (RFC 3533): segments joined until one shorter than 255. */
export function readOggPackets(buf: Uint8Array): Uint8Array[] {
  const packets: Uint8Array[] = [];
  let pending: number[] = [];
  let i = 0;
  while (i + 27 <= buf.length) {
    if (String.fromCharCode(...buf.subarray(i, i + 4)) !== 'OggS') throw new Error('bad Ogg page');
    const nsegs = buf[i + 26]!;
    const table = buf.subarray(i + 27, i + 27 + nsegs);
    let o = i + 27 + nsegs;
    for (const len of table) {
      pending.push(...buf.subarray(o, o + len));
      o += len;
      if (len < 255) { packets.push(new Uint8Array(pending)); pending = []; }
    }
    i = o;
  }
  return packets;
}

/** Opus packets of an Ogg Opus file (RFC 7845): skips OpusHead and OpusTags. */
export function readOpusPackets(buf: Uint8Array): Uint8Array[] {
  return readOggPackets(buf).slice(2);
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

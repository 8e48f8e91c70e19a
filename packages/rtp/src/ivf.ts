/**
 * IVF, the container libvpx and ffmpeg use for VP8, VP9 and AV1 frames: a 32-byte file header
 * (`DKIF`, fourcc, size, time base) and each frame behind a 12-byte header (size, 64-bit pts).
 * What a recorder writes received frames to and a sender reads a clip from, as Pion's
 * `ivfreader`/`ivfwriter`.
 */
import { RtpError } from './errors.js';

/** The file header of an IVF file. */
export interface IvfHeader {
  /** `VP80`, `VP90` or `AV01`. */
  readonly fourcc: string;
  readonly width: number;
  readonly height: number;
  /** Seconds per pts unit: `numerator / denominator` (1/30 for a 30 fps numbering). */
  readonly timebase: { readonly numerator: number; readonly denominator: number };
}

/** One frame and its presentation time in the file's time base. */
export interface IvfFrame {
  readonly data: Uint8Array;
  readonly pts: number;
}

/** A whole IVF file. */
export interface IvfFile extends IvfHeader {
  readonly frames: IvfFrame[];
}

const FILE_HEADER = 32;
const FRAME_HEADER = 12;

/**
 * Every frame of an IVF file (views into `file`, not copies).
 * @throws RtpError `bad-payload` without the `DKIF` signature, `truncated` when a frame runs past the end.
 */
export function readIvf(file: Uint8Array): IvfFile {
  if (file.byteLength < FILE_HEADER || file[0] !== 0x44 || file[1] !== 0x4b || file[2] !== 0x49 || file[3] !== 0x46) {
    throw new RtpError('bad-payload', 'not an IVF file (no DKIF header)');
  }
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const headerLength = view.getUint16(6, true);
  if (headerLength < FILE_HEADER || headerLength > file.byteLength) throw new RtpError('bad-length', `IVF header length ${headerLength}`);
  const frames: IvfFrame[] = [];
  for (let at = headerLength; at < file.byteLength; ) {
    if (at + FRAME_HEADER > file.byteLength) throw new RtpError('truncated', `IVF frame header at ${at} runs past the end`);
    const size = view.getUint32(at, true);
    if (at + FRAME_HEADER + size > file.byteLength) throw new RtpError('truncated', `IVF frame at ${at} runs past the end`);
    frames.push({ data: file.subarray(at + FRAME_HEADER, at + FRAME_HEADER + size), pts: Number(view.getBigUint64(at + 4, true)) });
    at += FRAME_HEADER + size;
  }
  return {
    fourcc: String.fromCharCode(file[8]!, file[9]!, file[10]!, file[11]!),
    width: view.getUint16(12, true),
    height: view.getUint16(14, true),
    timebase: { denominator: view.getUint32(16, true), numerator: view.getUint32(20, true) },
    frames,
  };
}

/** The size a VP8 keyframe carries (RFC 6386 §9.1: 14 bits each after the start code), if `frame` is one. */
export function vp8KeyframeSize(frame: Uint8Array): { width: number; height: number } | undefined {
  if (frame.byteLength < 10 || (frame[0]! & 1) !== 0 || frame[3] !== 0x9d || frame[4] !== 0x01 || frame[5] !== 0x2a) return undefined;
  return { width: (frame[6]! | (frame[7]! << 8)) & 0x3fff, height: (frame[8]! | (frame[9]! << 8)) & 0x3fff };
}

/**
 * An IVF file of `frames`. Plain byte arrays are numbered 0, 1, 2… (each frame once, in order,
 * whatever the sender's timing: what a decoder check wants). Without a size in `header`, a VP8
 * file takes it from its first keyframe.
 * @throws RtpError `invalid-argument` for a fourcc that is not four ASCII characters.
 */
export function writeIvf(frames: ReadonlyArray<Uint8Array | IvfFrame>, header: Partial<IvfHeader> = {}): Uint8Array {
  const fourcc = header.fourcc ?? 'VP80';
  if (!/^[\x20-\x7e]{4}$/.test(fourcc)) throw new RtpError('invalid-argument', `IVF fourcc ${JSON.stringify(fourcc)}`);
  const list = frames.map((f, i) => (f instanceof Uint8Array ? { data: f, pts: i } : f));
  let size = header.width !== undefined && header.height !== undefined ? { width: header.width, height: header.height } : undefined;
  if (size === undefined && fourcc === 'VP80') {
    for (const f of list) if ((size = vp8KeyframeSize(f.data)) !== undefined) break;
  }
  const timebase = header.timebase ?? { numerator: 1, denominator: 30 };
  const out = new Uint8Array(FILE_HEADER + list.reduce((n, f) => n + FRAME_HEADER + f.data.byteLength, 0));
  const view = new DataView(out.buffer);
  out.set([0x44, 0x4b, 0x49, 0x46]);
  view.setUint16(6, FILE_HEADER, true);
  for (let i = 0; i < 4; i++) out[8 + i] = fourcc.charCodeAt(i);
  view.setUint16(12, size?.width ?? 0, true);
  view.setUint16(14, size?.height ?? 0, true);
  view.setUint32(16, timebase.denominator, true);
  view.setUint32(20, timebase.numerator, true);
  view.setUint32(24, list.length, true);
  let at = FILE_HEADER;
  for (const f of list) {
    view.setUint32(at, f.data.byteLength, true);
    view.setBigUint64(at + 4, BigInt(f.pts), true);
    out.set(f.data, at + FRAME_HEADER);
    at += FRAME_HEADER + f.data.byteLength;
  }
  return out;
}

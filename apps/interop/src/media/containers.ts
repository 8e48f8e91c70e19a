// Annex B H.264 in just the shape the media scenarios need: the access units of the file ffmpeg
// makes at test setup. IVF and Ogg Opus files are @x/rtp's (readIvf, writeIvf, readOggOpus,
// writeOggOpus). The harness has no codec of its own: ffmpeg's verdict is the decode check.

/** A container file that does not parse. */
export class ContainerError extends Error {
  constructor(readonly code: 'h264-start' | 'h264-aud', message: string) {
    super(message);
    this.name = 'ContainerError';
  }
}

/** One H.264 access unit of an Annex B stream: its bytes (start codes included) and whether it holds an IDR slice. */
export interface H264AccessUnit {
  data: Uint8Array;
  keyframe: boolean;
}

/**
 * Splits an Annex B H.264 stream into access units at its access unit delimiters (NAL type 9; ffmpeg's
 * `h264_metadata=aud=insert` puts one before each).
 */
export function readH264AccessUnits(stream: Uint8Array): H264AccessUnit[] {
  const starts: Array<{ at: number; type: number }> = [];
  for (let i = 0; i + 3 < stream.length; i++) {
    if (stream[i] === 0 && stream[i + 1] === 0 && stream[i + 2] === 1) {
      const at = i > 0 && stream[i - 1] === 0 ? i - 1 : i;
      starts.push({ at, type: stream[i + 3]! & 0x1f });
      i += 2;
    }
  }
  if (starts.length === 0 || starts[0]!.at !== 0) throw new ContainerError('h264-start', 'not an Annex B H.264 stream');
  const units: H264AccessUnit[] = [];
  let from = -1;
  let keyframe = false;
  for (const s of starts) {
    if (s.type === 9) {
      if (from >= 0) units.push({ data: stream.subarray(from, s.at), keyframe });
      from = s.at;
      keyframe = false;
    } else if (s.type === 5) keyframe = true;
  }
  if (from < 0) throw new ContainerError('h264-aud', 'no access unit delimiters in the H.264 stream');
  units.push({ data: stream.subarray(from), keyframe });
  return units;
}

// Debian's ffmpeg on both ends of the media scenarios: it makes the media our side (and Pion,
// aiortc, werift) send, and it judges what a peer sent us by decoding the file we wrote.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The media files a run's senders read (made once per run). */
export interface MediaFiles {
  /** VP8, 320×240, 30 fps, a keyframe every 15 frames. */
  ivf: string;
  /** Opus, 48 kHz stereo, 20 ms a packet, one packet an Ogg page (so Pion's oggreader reads packets). */
  ogg: string;
  /** H.264 constrained baseline (libx264), 320×240, 30 fps, an IDR every 15 frames, Annex B with an AUD before each access unit. */
  h264: string;
}

/** Seconds of media in each file; senders loop it. */
export const mediaSeconds = 4;

export function ffmpegMissing(): string | null {
  for (const tool of ['ffmpeg', 'ffprobe']) {
    if (spawnSync(tool, ['-version'], { stdio: 'ignore' }).status !== 0) return `${tool} is not installed (Debian ffmpeg)`;
  }
  return null;
}

function ffmpeg(args: string[]): void {
  const run = spawnSync('ffmpeg', ['-hide_banner', '-v', 'error', '-y', ...args], { encoding: 'utf8', timeout: 60_000 });
  if (run.status !== 0) throw new Error(`ffmpeg ${args.join(' ')}: ${(run.stderr || run.error?.message || '').trim().slice(0, 300)}`);
}

/** Makes the run's VP8 and Opus files in `dir` (or finds them made). */
export function makeMediaFiles(dir: string): MediaFiles {
  const files = { ivf: join(dir, 'testsrc.ivf'), ogg: join(dir, 'sine.ogg'), h264: join(dir, 'testsrc.h264') };
  if (!existsSync(files.ivf)) {
    ffmpeg(['-f', 'lavfi', '-i', `testsrc=size=320x240:rate=30:duration=${mediaSeconds}`, '-c:v', 'libvpx', '-g', '15', '-b:v', '300k', '-deadline', 'realtime', '-cpu-used', '8', `${files.ivf}.tmp.ivf`]);
    spawnSync('mv', [`${files.ivf}.tmp.ivf`, files.ivf]);
  }
  if (!existsSync(files.ogg)) {
    ffmpeg(['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${mediaSeconds}`, '-ac', '2', '-c:a', 'libopus', '-b:a', '48k', '-frame_duration', '20', '-page_duration', '20000', `${files.ogg}.tmp.ogg`]);
    spawnSync('mv', [`${files.ogg}.tmp.ogg`, files.ogg]);
  }
  if (!existsSync(files.h264)) {
    // Constrained baseline (no B-frames, CAVLC), as browsers negotiate it (profile-level-id 42e01f).
    ffmpeg([
      '-f', 'lavfi', '-i', `testsrc=size=320x240:rate=30:duration=${mediaSeconds}`,
      '-c:v', 'libx264', '-profile:v', 'baseline', '-level', '3.1', '-pix_fmt', 'yuv420p', '-g', '15', '-bf', '0',
      '-tune', 'zerolatency', '-preset', 'veryfast', '-b:v', '300k', '-bsf:v', 'h264_metadata=aud=insert', '-f', 'h264', `${files.h264}.tmp`,
    ]);
    spawnSync('mv', [`${files.h264}.tmp`, files.h264]);
  }
  return files;
}

export interface DecodeCheck {
  codec: string;
  /** Frames ffmpeg decoded (video frames, or Opus packets). */
  frames: number;
  /** What ffmpeg said at `-v error` while decoding all of it (empty: clean). */
  errors: string;
}

/** Decodes `file` with ffmpeg to nowhere and counts its frames with ffprobe. */
export function decodeCheck(file: string): DecodeCheck {
  const decode = spawnSync('ffmpeg', ['-hide_banner', '-v', 'error', '-i', file, '-f', 'null', '-'], { encoding: 'utf8', timeout: 60_000 });
  const errors = `${decode.status === 0 ? '' : `exit ${String(decode.status)} `}${decode.stderr ?? ''}`.trim();
  const probe = spawnSync(
    'ffprobe',
    ['-v', 'error', '-count_frames', '-select_streams', '0', '-show_entries', 'stream=codec_name,nb_read_frames', '-of', 'json', file],
    { encoding: 'utf8', timeout: 60_000 },
  );
  let codec = '?';
  let frames = 0;
  try {
    const stream = (JSON.parse(probe.stdout) as { streams?: Array<{ codec_name?: string; nb_read_frames?: string }> }).streams?.[0];
    codec = stream?.codec_name ?? '?';
    frames = Number(stream?.nb_read_frames ?? 0);
  } catch {
    // ffprobe said nothing parseable: no stream, no frames.
  }
  return { codec, frames, errors };
}

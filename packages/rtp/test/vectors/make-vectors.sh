#!/bin/sh
# Makes the real encoded frames the codec round-trip tests use (Debian ffmpeg 5.1).
# Small on purpose: 160x120, a few frames, test pattern sources, so the folder stays small.
# Re-run: sh make-vectors.sh (inside test/vectors). Output is deterministic enough for the tests,
# which only need real bitstreams, not fixed bytes.
set -eu
cd "$(dirname "$0")"
V="-f lavfi -i testsrc2=size=160x120:rate=15 -frames:v 12 -pix_fmt yuv420p"
# VP8: keyframe every 6 frames, some frames larger than one MTU.
ffmpeg -y -hide_banner -loglevel error $V -c:v libvpx -b:v 600k -g 6 -auto-alt-ref 0 -f ivf vp8.ivf
# VP9 (profile 0).
ffmpeg -y -hide_banner -loglevel error $V -c:v libvpx-vp9 -b:v 600k -g 6 -auto-alt-ref 0 -lag-in-frames 0 -deadline realtime -cpu-used 8 -f ivf vp9.ivf
# H.264 constrained baseline, Annex-B, IDR every 6 frames, SPS/PPS repeated, big frames need FU-A.
ffmpeg -y -hide_banner -loglevel error $V -c:v libx264 -profile:v baseline -preset veryfast -g 6 -bf 0 \
  -x264-params repeat-headers=1:slice-max-size=3000 -b:v 800k -f h264 h264.h264
# AV1 with libaom, low-overhead OBUs in IVF.
ffmpeg -y -hide_banner -loglevel error $V -c:v libaom-av1 -cpu-used 8 -b:v 400k -g 6 -f ivf av1.ivf
# Opus: 20 ms frames, 0.5 s of a sine, in Ogg.
ffmpeg -y -hide_banner -loglevel error -f lavfi -i sine=frequency=440:sample_rate=48000 -t 0.5 \
  -c:a libopus -b:a 32k -frame_duration 20 -f ogg opus.ogg

/**
 * media-source stats counters (W3C webrtc-stats RTCVideoSourceStats) on a simulated clock: frames,
 * the size given with the last frame that had one, and frames of the last second, which does not
 * exist during the source's first second.
 */
import { describe, expect, it } from 'vitest';
import { MediaSourceCounters, mediaSourceStats } from '../src/media-source-stats.js';
import { MediaStreamTrack } from '../src/index.js';

describe('MediaSourceCounters', () => {
  it('counts frames, keeps the last size given, and counts the frames of the last second once a second has passed', () => {
    let now = 0;
    const s = new MediaSourceCounters(() => now);
    expect(s.framesPerSecond()).toBeUndefined();
    for (let i = 0; i < 30; i++, now += 20) s.frame(640, 480);
    // 30 frames over 600 ms: still the first second.
    expect(s.framesPerSecond()).toBeUndefined();
    expect([s.frames, s.width, s.height]).toEqual([30, 640, 480]);
    for (let i = 0; i < 30; i++, now += 40) s.frame(i === 29 ? 320 : undefined, i === 29 ? 240 : undefined);
    // now = 1800: the last second (800, 1800] holds the 24 frames written at 840, 880, … 1760 ms.
    expect(s.framesPerSecond()).toBe(24);
    expect([s.frames, s.width, s.height]).toEqual([60, 320, 240]);
    now += 5000;
    expect(s.framesPerSecond()).toBe(0);
  });

  it('video media-source stats carry frames and the size once known; audio ones only kind and track', () => {
    const video = new MediaStreamTrack('video');
    expect(mediaSourceStats(video, 1)).toEqual({ id: `SO${video.id}`, type: 'media-source', timestamp: 1, kind: 'video', trackIdentifier: video.id, frames: 0 });
    video.writeFrame(new Uint8Array(4), { timestamp: 0, width: 16, height: 8 });
    // The marker bit ends a video frame: a raw RTP packet with it counts one frame, without it none.
    const rtp = new Uint8Array(12);
    rtp[0] = 0x80;
    video.writeRtp(rtp);
    rtp[1] = 0x80;
    video.writeRtp(rtp);
    expect(mediaSourceStats(video, 2)).toMatchObject({ frames: 2, width: 16, height: 8 });
    const audio = new MediaStreamTrack('audio');
    audio.writeFrame(new Uint8Array(4), { timestamp: 0 });
    expect(Object.keys(mediaSourceStats(audio, 3)).sort()).toEqual(['id', 'kind', 'timestamp', 'trackIdentifier', 'type']);
  });

  it('writeFrame refuses a width or height that is not a positive integer', () => {
    const video = new MediaStreamTrack('video');
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => video.writeFrame(new Uint8Array(1), { timestamp: 0, width: bad, height: 8 })).toThrow(TypeError);
    expect(video.source.frames).toBe(0);
  });
});

/**
 * The sources of a receiver's RTP (webrtc-pc §5.3 `getSynchronizationSources()` and
 * `getContributingSources()`): the SSRC and CSRCs of the packets that arrived in the last 10 s,
 * with the time, RTP timestamp and audio level (RFC 6464 ssrc-audio-level, RFC 6465
 * csrc-audio-level header extensions) of the latest packet of each. Read from the packet bytes
 * without parsing all of it: this runs for every received packet.
 */
import { CSRC_AUDIO_LEVEL_URI, RtpExtensionUri, audioLevelToLinear, linearToAudioLevel, serializeAudioLevel, type RtpHeaderExtension } from '@x/rtp';
import type { MediaSection } from '@x/sdp';

/** webrtc-pc §5.3 `RTCRtpContributingSource`. */
export interface RTCRtpContributingSource {
  /** When the latest packet from this source arrived: ms on the `performance.timeOrigin + performance.now()` clock. */
  timestamp: number;
  /** The SSRC or CSRC. */
  source: number;
  /** Linear 0..1 (1 is 0 dBov, 0 silence) from the RFC 6464/6465 extension of the latest packet; absent without one. */
  audioLevel?: number;
  /** The RTP timestamp of the latest packet. */
  rtpTimestamp: number;
}

/** webrtc-pc §5.3 `RTCRtpSynchronizationSource`. */
export type RTCRtpSynchronizationSource = RTCRtpContributingSource;

/** The negotiated ids of the audio level extensions of a section. */
export interface AudioLevelExtensionIds {
  ssrc?: number;
  csrc?: number;
}

/** The ssrc-audio-level and csrc-audio-level ids of an answer's section, if negotiated. */
export function audioLevelExtensionIds(section: Pick<MediaSection, 'extmaps'>): AudioLevelExtensionIds {
  const id = (uri: string): number | undefined => section.extmaps.find((e) => e.uri === uri && e.direction !== 'inactive' && e.direction !== 'sendonly')?.id;
  const out: AudioLevelExtensionIds = {};
  const ssrc = id(RtpExtensionUri.audioLevel);
  const csrc = id(CSRC_AUDIO_LEVEL_URI);
  if (ssrc !== undefined) out.ssrc = ssrc;
  if (csrc !== undefined) out.csrc = csrc;
  return out;
}

/**
 * The RFC 6464 extension a sender writes for a frame whose application gave its level (linear
 * 0..1, the scale `audioLevel` is read in; −dBov on the wire), when the extension was negotiated.
 */
export function audioLevelExtension(id: number | undefined, linear: number | undefined, voiceActivity: boolean | undefined): RtpHeaderExtension | undefined {
  if (id === undefined || linear === undefined) return undefined;
  return { id, value: serializeAudioLevel({ level: linearToAudioLevel(linear), voiceActivity: voiceActivity === true }) };
}

/** How long a source is listed after its last packet (webrtc-pc §5.3: 10 seconds). */
export const SOURCE_LIFETIME_MS = 10_000;

interface Entry {
  timestamp: number;
  rtpTimestamp: number;
  audioLevel: number | undefined;
}

/** The clock of `timestamp`: a DOMHighResTimeStamp as Unix ms, as browsers report it. */
export const highResNow = (): number => performance.timeOrigin + performance.now();

/** A receiver's sources (sans-IO: times are given). */
export class RtpSources {
  readonly #ssrcs = new Map<number, Entry>();
  readonly #csrcs = new Map<number, Entry>();
  /** Extension ids to read levels from, set after each negotiation. */
  ids: AudioLevelExtensionIds = {};

  /** An RTP packet delivered at `timeMs`. A malformed header is ignored (the media path counts it). */
  onPacket(p: Uint8Array, timeMs: number): void {
    if (p.length < 12) return;
    const cc = p[0]! & 0x0f;
    let offset = 12 + 4 * cc;
    if (p.length < offset) return;
    const rtpTimestamp = ((p[4]! << 24) | (p[5]! << 16) | (p[6]! << 8) | p[7]!) >>> 0;
    const ssrc = ((p[8]! << 24) | (p[9]! << 16) | (p[10]! << 8) | p[11]!) >>> 0;
    let ssrcLevel: number | undefined;
    let csrcLevels: Uint8Array | undefined;
    if ((p[0]! & 0x10) !== 0 && (this.ids.ssrc !== undefined || this.ids.csrc !== undefined) && p.length >= offset + 4) {
      const profile = (p[offset]! << 8) | p[offset + 1]!;
      const end = Math.min(p.length, offset + 4 + 4 * ((p[offset + 2]! << 8) | p[offset + 3]!));
      offset += 4;
      const twoByte = (profile & 0xfff0) === 0x1000;
      if (profile === 0xbede || twoByte) {
        // RFC 8285 elements: one-byte (id 4 bits, length − 1) or two-byte (id, length) headers.
        while (offset < end) {
          const b = p[offset]!;
          if (b === 0) {
            offset++;
            continue;
          }
          let id: number;
          let len: number;
          if (twoByte) {
            if (offset + 1 >= end) break;
            id = b;
            len = p[offset + 1]!;
            offset += 2;
          } else {
            id = b >> 4;
            len = (b & 0x0f) + 1;
            offset += 1;
            if (id === 15) break;
          }
          if (offset + len > end) break;
          if (len > 0 && id === this.ids.ssrc) ssrcLevel = p[offset]! & 0x7f;
          else if (len > 0 && id === this.ids.csrc) csrcLevels = p.subarray(offset, offset + len);
          offset += len;
        }
      }
    }
    set(this.#ssrcs, ssrc, timeMs, rtpTimestamp, ssrcLevel);
    for (let i = 0; i < cc; i++) {
      const o = 12 + 4 * i;
      const csrc = ((p[o]! << 24) | (p[o + 1]! << 16) | (p[o + 2]! << 8) | p[o + 3]!) >>> 0;
      const level = csrcLevels !== undefined && i < csrcLevels.length ? csrcLevels[i]! & 0x7f : undefined;
      set(this.#csrcs, csrc, timeMs, rtpTimestamp, level);
    }
  }

  /** The SSRCs heard from in the 10 s before `nowMs`, the most recent first. */
  synchronizationSources(nowMs: number): RTCRtpSynchronizationSource[] {
    return list(this.#ssrcs, nowMs);
  }

  /** The CSRCs heard from in the 10 s before `nowMs`, the most recent first. */
  contributingSources(nowMs: number): RTCRtpContributingSource[] {
    return list(this.#csrcs, nowMs);
  }
}

/** Sources kept at most (a peer can name any CSRC): past it, the expired and then the oldest go. */
const MAX_SOURCES = 256;

function set(map: Map<number, Entry>, source: number, timestamp: number, rtpTimestamp: number, level: number | undefined): void {
  const e = map.get(source);
  const audioLevel = level === undefined ? undefined : audioLevelToLinear(level);
  if (e === undefined) {
    if (map.size >= MAX_SOURCES) {
      for (const [k, v] of map) if (timestamp - v.timestamp > SOURCE_LIFETIME_MS) map.delete(k);
      // A Map iterates in insertion order; updated entries keep their place, so this is about the oldest.
      if (map.size >= MAX_SOURCES) map.delete(map.keys().next().value!);
    }
    map.set(source, { timestamp, rtpTimestamp, audioLevel });
  } else {
    e.timestamp = timestamp;
    e.rtpTimestamp = rtpTimestamp;
    e.audioLevel = audioLevel;
  }
}

function list(map: Map<number, Entry>, nowMs: number): RTCRtpContributingSource[] {
  const out: RTCRtpContributingSource[] = [];
  for (const [source, e] of map) {
    if (nowMs - e.timestamp > SOURCE_LIFETIME_MS) {
      map.delete(source);
      continue;
    }
    const s: RTCRtpContributingSource = { timestamp: e.timestamp, source, rtpTimestamp: e.rtpTimestamp };
    if (e.audioLevel !== undefined) s.audioLevel = e.audioLevel;
    out.push(s);
  }
  return out.sort((a, b) => b.timestamp - a.timestamp);
}

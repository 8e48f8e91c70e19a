/**
 * Which `@x/rtp` payload format serves a negotiated codec, and how a section's codecs and header
 * extensions are read for media: the codec to send, the RTX format paired with it, the extmap ids.
 */
import {
  Av1Depacketizer, Av1Packetizer, H264Depacketizer, H264Packetizer, OpusDepacketizer, OpusPacketizer, RtpExtensionUri,
  Vp8Depacketizer, Vp8Packetizer, Vp9Depacketizer, Vp9Packetizer, type RtpDepacketizer, type RtpPacketizer,
} from '@x/rtp';
import type { Codec, MediaSection } from '@x/sdp';

/** A codec we can packetize and depacketize. */
export interface MediaCodec {
  codec: Codec;
  /** `audio/opus`, `video/VP8`… */
  mimeType: string;
  packetizer(): RtpPacketizer;
  depacketizer(): RtpDepacketizer;
  video: boolean;
}

/** The payload format of a codec, or undefined for one we cannot carry (PCMU, RED, rtx…). */
export function mediaCodec(kind: 'audio' | 'video', codec: Codec): MediaCodec | undefined {
  const name = codec.name.toLowerCase();
  const base = { codec, mimeType: `${kind}/${codec.name}`, video: kind === 'video' };
  switch (name) {
    case 'opus':
      return { ...base, packetizer: () => new OpusPacketizer(), depacketizer: () => new OpusDepacketizer() };
    case 'vp8':
      return { ...base, packetizer: () => new Vp8Packetizer({ pictureId: Math.floor(Math.random() * 0x8000) }), depacketizer: () => new Vp8Depacketizer() };
    case 'vp9':
      return { ...base, packetizer: () => new Vp9Packetizer(), depacketizer: () => new Vp9Depacketizer() };
    case 'av1':
      return { ...base, packetizer: () => new Av1Packetizer(), depacketizer: () => new Av1Depacketizer() };
    case 'h264':
      // The packetizer uses STAP-A and FU-A: packetization-mode 1 only (RFC 6184 §6.3).
      if (codec.parameters['packetization-mode'] !== '1') return undefined;
      return { ...base, packetizer: () => new H264Packetizer(), depacketizer: () => new H264Depacketizer() };
    default:
      return undefined;
  }
}

/** The codec to send with: the first one of the answer we can carry (RFC 8829 §5.3.1: the answer's order is the preference). */
export function sendCodec(kind: 'audio' | 'video', section: MediaSection): MediaCodec | undefined {
  for (const c of section.codecs) {
    const m = mediaCodec(kind, c);
    if (m !== undefined) return m;
  }
  return undefined;
}

/** The RTX payload type paired with `payloadType` (a=fmtp apt=), if negotiated. */
export function rtxPayloadType(section: Pick<MediaSection, 'codecs'>, payloadType: number): number | undefined {
  return section.codecs.find((c) => c.name.toLowerCase() === 'rtx' && c.parameters['apt'] === String(payloadType))?.payloadType;
}

/** The negotiated ids of the header extensions media uses. */
export interface ExtensionIds {
  mid?: number;
  /** rtp-stream-id (RFC 8852): the rid of a simulcast layer. */
  rid?: number;
  /** repaired-rtp-stream-id (RFC 8852): the rid an RTX packet repairs. */
  repairedRid?: number;
  absSendTime?: number;
  transportCc?: number;
  /** ssrc-audio-level (RFC 6464), written when the application gives a frame's level. */
  audioLevel?: number;
}

/** Extension ids of a section (the answer's: only what both sides support). */
export function extensionIds(section: MediaSection): ExtensionIds {
  const id = (uri: string): number | undefined => section.extmaps.find((e) => e.uri === uri && e.direction !== 'inactive')?.id;
  const out: ExtensionIds = {};
  const mid = id(RtpExtensionUri.mid);
  const abs = id(RtpExtensionUri.absSendTime);
  const tcc = id(RtpExtensionUri.transportWideCc);
  if (mid !== undefined) out.mid = mid;
  const rid = id(RtpExtensionUri.rid);
  const repairedRid = id(RtpExtensionUri.repairedRid);
  if (rid !== undefined) out.rid = rid;
  if (repairedRid !== undefined) out.repairedRid = repairedRid;
  if (abs !== undefined) out.absSendTime = abs;
  if (tcc !== undefined) out.transportCc = tcc;
  const audioLevel = section.extmaps.find((e) => e.uri === RtpExtensionUri.audioLevel && e.direction !== 'inactive' && e.direction !== 'recvonly')?.id;
  if (audioLevel !== undefined) out.audioLevel = audioLevel;
  return out;
}

/**
 * The payload types of a section whose packets are reported in transport-cc feedback: codecs with
 * `a=rtcp-fb:<pt> transport-cc` (or `a=rtcp-fb:* transport-cc`), and the RTX formats repairing them.
 */
export function transportCcPayloadTypes(section: Pick<MediaSection, 'codecs' | 'rtcpFeedbackAll'>): Set<number> {
  const out = new Set<number>();
  const all = section.rtcpFeedbackAll.some((f) => f.type === 'transport-cc');
  for (const c of section.codecs) if (all || c.feedback.some((f) => f.type === 'transport-cc')) out.add(c.payloadType);
  for (const c of section.codecs) {
    if (c.name.toLowerCase() === 'rtx' && out.has(Number(c.parameters['apt']))) out.add(c.payloadType);
  }
  return out;
}

/** `a=fmtp` line text of a codec, for codec stats. */
export function fmtpLine(codec: Codec): string | undefined {
  const p = Object.entries(codec.parameters);
  return p.length === 0 ? undefined : p.map(([k, v]) => (v === '' ? k : `${k}=${v}`)).join(';');
}

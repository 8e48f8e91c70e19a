/**
 * Builders for offer m= sections and offers (RFC 8829 §5.2.1): RTP sections for audio and video
 * and the data channel section (RFC 8841), with ICE/DTLS attributes and a BUNDLE group.
 */
import { record } from './attributes.js';
import { isRepairCodec, type CodecCapability, type HeaderExtensionCapability, type MediaCapabilities } from './codec-negotiation.js';
import { SdpError } from './sdp-error.js';
import {
  emptyMediaSection, type Codec, type Direction, type Extmap, type MediaSection, type Msid, type Origin, type Rid,
  type SessionDescription, type Simulcast, type SsrcAttribute, type SsrcGroup,
} from './session-description.js';
import { applyTransport, type TransportDescription } from './transport-description.js';

/** The RTP profile WebRTC uses (RFC 8829 §5.1.2). */
export const RTP_PROTOCOL = 'UDP/TLS/RTP/SAVPF';
/** The data channel profile (RFC 8841). */
export const DATA_CHANNEL_PROTOCOL = 'UDP/DTLS/SCTP';
/** Default SCTP port (RFC 8841 §5). */
export const DEFAULT_SCTP_PORT = 5000;
/** The max-message-size libwebrtc and libdatachannel offer. */
export const DEFAULT_MAX_MESSAGE_SIZE = 262144;

const VIDEO_FEEDBACK = [
  { type: 'goog-remb' }, { type: 'transport-cc' }, { type: 'ccm', parameter: 'fir' }, { type: 'nack' }, { type: 'nack', parameter: 'pli' },
];

/**
 * Audio codecs and header extensions libwebrtc-compatible peers expect: Opus, PCMU, PCMA, and
 * RFC 4733 telephone-event at 48 kHz (beside Opus) and 8 kHz, with Chromium's payload types.
 */
export function defaultAudioCapabilities(): MediaCapabilities {
  return {
    codecs: [
      { name: 'opus', clockRate: 48000, channels: 2, payloadType: 111, parameters: { minptime: '10', useinbandfec: '1' }, feedback: [{ type: 'transport-cc' }] },
      { name: 'PCMU', clockRate: 8000, payloadType: 0 },
      { name: 'PCMA', clockRate: 8000, payloadType: 8 },
      { name: 'telephone-event', clockRate: 48000, payloadType: 110 },
      { name: 'telephone-event', clockRate: 8000, payloadType: 126 },
    ],
    headerExtensions: [
      { uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', id: 1 },
      { uri: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time', id: 2 },
      { uri: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01', id: 3 },
      { uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 4 },
    ],
  };
}

/** Video codecs: VP8, H.264 Constrained Baseline (packetization-mode 1 and 0), VP9 profile 0, each with RTX. */
export function defaultVideoCapabilities(): MediaCapabilities {
  const fb = (): { type: string; parameter?: string }[] => VIDEO_FEEDBACK.map((f) => ({ ...f }));
  return {
    codecs: [
      { name: 'VP8', clockRate: 90000, payloadType: 96, feedback: fb() },
      { name: 'H264', clockRate: 90000, payloadType: 102, feedback: fb(), parameters: { 'level-asymmetry-allowed': '1', 'packetization-mode': '1', 'profile-level-id': '42e01f' } },
      { name: 'H264', clockRate: 90000, payloadType: 104, feedback: fb(), parameters: { 'level-asymmetry-allowed': '1', 'packetization-mode': '0', 'profile-level-id': '42e01f' } },
      { name: 'VP9', clockRate: 90000, payloadType: 98, feedback: fb(), parameters: { 'profile-id': '0' } },
      { name: 'rtx', clockRate: 90000 },
    ],
    headerExtensions: [
      { uri: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time', id: 2 },
      { uri: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01', id: 3 },
      { uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 4 },
      { uri: 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id', id: 10 },
      { uri: 'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id', id: 11 },
    ],
  };
}

/**
 * Gives every codec a payload type: its preferred one when free, else the next free dynamic one
 * (96–127, then 35–63 as libwebrtc does). A capability named `rtx` is not a codec of its own: it
 * adds one RTX format (`apt=`) after every video codec that is not itself a repair format.
 */
export function assignPayloadTypes(capabilities: CodecCapability[]): Codec[] {
  const used = new Set<number>();
  for (const c of capabilities) {
    if (c.payloadType === undefined) continue;
    if (!Number.isInteger(c.payloadType) || c.payloadType < 0 || c.payloadType > 127) {
      throw new SdpError('bad-offer', `payload type ${c.payloadType} of ${c.name} is not 0..127`);
    }
    if (c.name.toLowerCase() !== 'rtx') used.add(c.payloadType);
  }
  const free = [...Array.from({ length: 32 }, (_, i) => 96 + i), ...Array.from({ length: 29 }, (_, i) => 35 + i)];
  const next = (): number => {
    const pt = free.find((p) => !used.has(p));
    if (pt === undefined) throw new SdpError('bad-offer', 'no free dynamic payload type');
    used.add(pt);
    return pt;
  };
  const rtx = capabilities.find((c) => c.name.toLowerCase() === 'rtx');
  const out: Codec[] = [];
  const taken = new Set<number>();
  for (const cap of capabilities) {
    if (cap === rtx) continue;
    const pt = cap.payloadType !== undefined && !taken.has(cap.payloadType) ? cap.payloadType : next();
    taken.add(pt);
    const codec: Codec = { payloadType: pt, name: cap.name, clockRate: cap.clockRate, parameters: { ...record(), ...cap.parameters }, feedback: (cap.feedback ?? []).map((f) => ({ ...f })) };
    if (cap.channels !== undefined) codec.channels = cap.channels;
    out.push(codec);
    if (rtx !== undefined && cap.clockRate === rtx.clockRate && !isRepairCodec(cap.name)) {
      const rpt = next();
      taken.add(rpt);
      const params = record();
      params['apt'] = String(pt);
      out.push({ payloadType: rpt, name: 'rtx', clockRate: rtx.clockRate, parameters: params, feedback: (rtx.feedback ?? []).map((f) => ({ ...f })) });
    }
  }
  return out;
}

/** Header extension capabilities as extmap lines, with their preferred ids or the next free ones (1–14). */
export function assignExtensionIds(extensions: HeaderExtensionCapability[]): Extmap[] {
  const preferred = new Set(extensions.map((e) => e.id).filter((x): x is number => x !== undefined));
  const taken = new Set<number>();
  let next = 1;
  return extensions.map((e) => {
    let id = e.id;
    if (id !== undefined && (!Number.isInteger(id) || id < 1 || id > 255)) throw new SdpError('bad-offer', `extmap id ${id} is not 1..255`);
    if (id === undefined || taken.has(id)) {
      while (preferred.has(next) || taken.has(next)) next++;
      if (next > 255) throw new SdpError('bad-offer', 'no free extmap id');
      id = next;
    }
    taken.add(id);
    return e.direction !== undefined ? { id, uri: e.uri, direction: e.direction } : { id, uri: e.uri };
  });
}

/** What an RTP offer section carries. */
export interface RtpOfferSectionOptions {
  /** `audio` or `video`. */
  kind: 'audio' | 'video';
  /** The transceiver's mid. */
  mid: string;
  /** Codecs (payload types are assigned here) and header extensions to offer. */
  capabilities: MediaCapabilities;
  /** Local ICE/DTLS parameters. */
  transport: TransportDescription;
  /** The local transceiver's direction; default sendrecv. */
  direction?: Direction;
  /** The sender's stream and track (RFC 8830); only written when sending. */
  msid?: Msid;
  /** `a=ssrc` lines (cname, msid) of the sender; only written when sending. */
  ssrcs?: SsrcAttribute[];
  /** e.g. FID for RTX, SIM for legacy simulcast. */
  ssrcGroups?: SsrcGroup[];
  /** RIDs and simulcast (RFC 8851/8853) for a simulcast sender. */
  rids?: Rid[];
  /** RFC 8853 simulcast streams, by RID. */
  simulcast?: Simulcast;
  /** Write `a=rtcp-rsize` (RFC 5506); default true, as browsers do. */
  rtcpRsize?: boolean;
  /** `a=bundle-only` with port 0 (JSEP max-bundle for non-first sections). */
  bundleOnly?: boolean;
  /** Leave candidates out (for bundled sections after the first). */
  withoutCandidates?: boolean;
}

/** Makes an RTP m= section of an offer, `a=setup:actpass` (RFC 8842 §5.2), rtcp-mux on. */
export function createRtpOfferSection(o: RtpOfferSectionOptions): MediaSection {
  const codecs = assignPayloadTypes(o.capabilities.codecs);
  if (codecs.length === 0) throw new SdpError('bad-offer', `no ${o.kind} codecs to offer`);
  const s = emptyMediaSection(o.kind, RTP_PROTOCOL, codecs.map((c) => String(c.payloadType)));
  applyTransport(s, o.transport, 'actpass', o.withoutCandidates !== true && o.bundleOnly !== true);
  if (o.bundleOnly === true) {
    s.port = 0;
    s.bundleOnly = true;
  }
  s.mid = o.mid;
  s.extmaps = assignExtensionIds(o.capabilities.headerExtensions);
  s.direction = o.direction ?? 'sendrecv';
  s.rtcpMux = true;
  s.rtcpRsize = o.rtcpRsize ?? true;
  s.codecs = codecs;
  const sending = s.direction === 'sendrecv' || s.direction === 'sendonly';
  if (sending) {
    if (o.msid !== undefined) s.msids = [{ ...o.msid }];
    s.ssrcs = (o.ssrcs ?? []).map((x) => ({ ...x }));
    s.ssrcGroups = (o.ssrcGroups ?? []).map((g) => ({ semantics: g.semantics, ssrcs: [...g.ssrcs] }));
    s.rids = (o.rids ?? []).map((r) => ({ ...r }));
    if (o.simulcast !== undefined) s.simulcast = o.simulcast;
  }
  return s;
}

/** What the data channel section carries. */
export interface DataChannelOfferSectionOptions {
  /** The data channel section's mid. */
  mid: string;
  /** Local ICE/DTLS parameters. */
  transport: TransportDescription;
  /** Default 5000. */
  sctpPort?: number;
  /** Default 262144. */
  maxMessageSize?: number;
  /** `a=bundle-only` with port 0. */
  bundleOnly?: boolean;
  /** Leave candidates out (bundled sections after the first). */
  withoutCandidates?: boolean;
}

/** Makes `m=application 9 UDP/DTLS/SCTP webrtc-datachannel` with sctp-port and max-message-size (RFC 8841). */
export function createDataChannelOfferSection(o: DataChannelOfferSectionOptions): MediaSection {
  const s = emptyMediaSection('application', DATA_CHANNEL_PROTOCOL, ['webrtc-datachannel']);
  applyTransport(s, o.transport, 'actpass', o.withoutCandidates !== true && o.bundleOnly !== true);
  if (o.bundleOnly === true) {
    s.port = 0;
    s.bundleOnly = true;
  }
  s.mid = o.mid;
  s.sctpPort = o.sctpPort ?? DEFAULT_SCTP_PORT;
  s.maxMessageSize = o.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
  return s;
}

/** Session-level parts of an offer or answer. */
export interface SessionOptions {
  /** Random 62-bit id, fixed for the session (RFC 8829 §5.2.1). */
  sessionId: bigint;
  /** Starts at a small number and grows by one with every new description. */
  sessionVersion: bigint;
  /** `o=` user name; default `-`. */
  username?: string;
  /** `a=ice-lite` (for a lite agent). */
  iceLite?: boolean;
  /** `a=extmap-allow-mixed` (RFC 8285 §6); default true. */
  extmapAllowMixed?: boolean;
}

function origin(o: SessionOptions): Origin {
  return { username: o.username ?? '-', sessionId: o.sessionId, sessionVersion: o.sessionVersion, netType: 'IN', addressType: 'IP4', address: '127.0.0.1' };
}

/** A bare session around the given sections, as libwebrtc writes one (`s=-`, `t=0 0`, `msid-semantic: WMS`). */
export function createSession(o: SessionOptions, media: MediaSection[]): SessionDescription {
  return {
    version: 0,
    origin: origin(o),
    sessionName: '-',
    timing: '0 0',
    groups: [],
    iceLite: o.iceLite ?? false,
    fingerprints: [],
    msidSemantic: { semantic: 'WMS', identifiers: [] },
    extmapAllowMixed: o.extmapAllowMixed ?? true,
    extmaps: [],
    media,
    otherLines: [],
  };
}

/**
 * An offer over the given sections, with one BUNDLE group of every section that is not
 * rejected (port 0 without bundle-only), in m= order (RFC 8843 §7.2, JSEP balanced policy).
 */
export function createOffer(o: SessionOptions & { bundle?: boolean }, media: MediaSection[]): SessionDescription {
  const mids = new Set<string>();
  for (const m of media) {
    if (m.mid === undefined) throw new SdpError('bad-offer', 'every offered section needs a mid (RFC 8829 §5.2.1)');
    if (mids.has(m.mid)) throw new SdpError('bad-offer', `mid ${m.mid} is used twice`);
    mids.add(m.mid);
  }
  const sd = createSession(o, media);
  if (o.bundle ?? true) {
    const bundled = media.filter((m) => m.port !== 0 || m.bundleOnly).map((m) => m.mid!);
    if (bundled.length > 0) sd.groups.push({ semantics: 'BUNDLE', mids: bundled });
  }
  return sd;
}

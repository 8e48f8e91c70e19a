/**
 * The W3C RTP parameter dictionaries (WebRTC 1.0 §5.2–5.4): encodings (`sendEncodings`,
 * simulcast RIDs), send and receive parameters, codec capabilities; the checks the spec makes on
 * them in addTransceiver, setParameters and setCodecPreferences, and codec preferences applied
 * to an m= section.
 */
import { codecsMatch, isRepairCodec, type Codec, type CodecCapability, type Extmap, type MediaCapabilities } from '@x/sdp';
import { domException } from './errors.js';
import { fmtpLine } from './rtp-codec.js';

/** `RTCRtpEncodingParameters` (W3C §5.2.1): one encoding (simulcast layer) of a sender. */
export interface RTCRtpEncodingParameters {
  /** RTP stream id (RFC 8851), set only with several encodings. */
  rid?: string;
  /** Whether the encoding is sent; default true. */
  active?: boolean;
  /** Bits per second the encoder should stay under (the application's encoder reads it). */
  maxBitrate?: number;
  /** Frames per second the encoder should stay under. */
  maxFramerate?: number;
  /** Video: the factor the encoder scales the resolution down by, at least 1. */
  scaleResolutionDownBy?: number;
  /** `very-low`, `low`, `medium`, `high`. */
  priority?: 'very-low' | 'low' | 'medium' | 'high';
}

/** `RTCRtpCodec` / `RTCRtpCodecCapability` (W3C §5.2.5). */
export interface RTCRtpCodec {
  /** `video/VP8`, `audio/opus`, `video/rtx`… */
  mimeType: string;
  clockRate: number;
  channels?: number;
  /** The `a=fmtp` parameters, as written. */
  sdpFmtpLine?: string;
}

/** `RTCRtpCodecParameters`: a negotiated codec with its payload type. */
export interface RTCRtpCodecParameters extends RTCRtpCodec {
  payloadType: number;
}

/** `RTCRtpHeaderExtensionParameters`. */
export interface RTCRtpHeaderExtensionParameters {
  uri: string;
  id: number;
  encrypted: boolean;
}

/** `RTCRtcpParameters`. */
export interface RTCRtcpParameters {
  cname?: string;
  reducedSize?: boolean;
}

/** `RTCRtpParameters`: what a sender or receiver negotiated. */
export interface RTCRtpParameters {
  headerExtensions: RTCRtpHeaderExtensionParameters[];
  rtcp: RTCRtcpParameters;
  codecs: RTCRtpCodecParameters[];
}

/** `RTCRtpSendParameters`: `getParameters()` of a sender, to change and give to `setParameters()`. */
export interface RTCRtpSendParameters extends RTCRtpParameters {
  transactionId: string;
  encodings: RTCRtpEncodingParameters[];
}

/** `RTCRtpReceiveParameters`. */
export type RTCRtpReceiveParameters = RTCRtpParameters;

/** `RTCRtpCapabilities` (W3C §5.2.6). */
export interface RTCRtpCapabilities {
  codecs: RTCRtpCodec[];
  headerExtensions: Array<{ uri: string }>;
}

/** Most encodings a sender takes (as libwebrtc); more are dropped from the tail (W3C §5.1 step 5). */
export const MAX_ENCODINGS = 4;

const RID = /^[A-Za-z0-9]{1,16}$/;
const PRIORITIES: ReadonlySet<string> = new Set(['very-low', 'low', 'medium', 'high']);

function checkRanges(e: RTCRtpEncodingParameters): void {
  if (e.scaleResolutionDownBy !== undefined && !(e.scaleResolutionDownBy >= 1)) throw new RangeError('scaleResolutionDownBy must be at least 1');
  if (e.maxFramerate !== undefined && !(e.maxFramerate >= 0)) throw new RangeError('maxFramerate must not be negative');
  if (e.maxBitrate !== undefined && !(e.maxBitrate >= 0)) throw new RangeError('maxBitrate must not be negative');
  if (e.priority !== undefined && !PRIORITIES.has(e.priority)) throw new TypeError(`'${String(e.priority)}' is not a valid RTCPriorityType`);
}

function copyEncoding(e: RTCRtpEncodingParameters, kind: 'audio' | 'video'): RTCRtpEncodingParameters {
  const out: RTCRtpEncodingParameters = { active: e.active ?? true };
  if (e.rid !== undefined) out.rid = e.rid;
  if (e.maxBitrate !== undefined) out.maxBitrate = e.maxBitrate;
  if (e.priority !== undefined) out.priority = e.priority;
  if (kind === 'video') {
    if (e.maxFramerate !== undefined) out.maxFramerate = e.maxFramerate;
    if (e.scaleResolutionDownBy !== undefined) out.scaleResolutionDownBy = e.scaleResolutionDownBy;
  }
  return out;
}

/**
 * addTransceiver's `sendEncodings` checks and defaults (W3C §5.1 addTransceiver steps 3–8):
 * TypeError for a bad, repeated or partial rid, RangeError for out-of-range values; audio loses
 * the video-only members; video gets scaleResolutionDownBy 2^(n-1-i) when none is given; past
 * {@link MAX_ENCODINGS} the tail goes; a lone encoding loses its rid.
 */
export function initialEncodings(kind: 'audio' | 'video', sendEncodings: readonly RTCRtpEncodingParameters[] | undefined): RTCRtpEncodingParameters[] {
  const given = sendEncodings ?? [];
  if (!Array.isArray(given)) throw new TypeError('sendEncodings must be a sequence');
  const withRid = given.filter((e) => e.rid !== undefined);
  if (withRid.length > 0 && withRid.length !== given.length) throw new TypeError('some but not all encodings have a rid');
  const seen = new Set<string>();
  for (const e of given) {
    if (e.rid !== undefined) {
      if (typeof e.rid !== 'string' || !RID.test(e.rid)) throw new TypeError(`rid '${String(e.rid)}' is not 1–16 alphanumeric characters (RFC 8851 §10)`);
      if (seen.has(e.rid)) throw new TypeError(`rid '${e.rid}' appears twice`);
      seen.add(e.rid);
    }
    checkRanges(e);
  }
  let out = given.length === 0 ? [{ active: true }] : given.slice(0, MAX_ENCODINGS).map((e) => copyEncoding(e, kind));
  if (kind === 'video' && out.every((e) => e.scaleResolutionDownBy === undefined)) {
    out = out.map((e, i) => ({ ...e, scaleResolutionDownBy: 2 ** (out.length - 1 - i) }));
  }
  if (out.length === 1) delete out[0]!.rid;
  return out;
}

/**
 * setParameters' checks (W3C §5.2 setParameters steps 4–6) against the parameters last returned:
 * InvalidModificationError for a stale transactionId, a different number of encodings, or a
 * change to a read-only member (rid, codecs, header extensions, rtcp); RangeError for
 * out-of-range values. Gives the new encodings.
 */
export function checkSendParameters(kind: 'audio' | 'video', last: RTCRtpSendParameters, next: RTCRtpSendParameters): RTCRtpEncodingParameters[] {
  if (next === null || typeof next !== 'object' || !Array.isArray(next.encodings)) throw new TypeError('setParameters needs RTCRtpSendParameters');
  // WebIDL: transactionId is a required member, so leaving it out fails conversion.
  if (next.transactionId === undefined) throw new TypeError('RTCRtpSendParameters.transactionId is required');
  if (next.transactionId !== last.transactionId) throw domException('InvalidModificationError', 'transactionId is not that of the last getParameters()');
  if (next.encodings.length !== last.encodings.length) throw domException('InvalidModificationError', 'the number of encodings cannot change');
  next.encodings.forEach((e, i) => {
    if (e.rid !== last.encodings[i]!.rid) throw domException('InvalidModificationError', 'rid is read-only');
  });
  if (JSON.stringify(next.codecs) !== JSON.stringify(last.codecs)) throw domException('InvalidModificationError', 'codecs are read-only');
  if (JSON.stringify(next.headerExtensions) !== JSON.stringify(last.headerExtensions)) throw domException('InvalidModificationError', 'headerExtensions are read-only');
  if (JSON.stringify(next.rtcp) !== JSON.stringify(last.rtcp)) throw domException('InvalidModificationError', 'rtcp is read-only');
  for (const e of next.encodings) checkRanges(e);
  return next.encodings.map((e) => copyEncoding(e, kind));
}

/** The W3C codec dictionary of an SDP codec. */
export function codecParameters(kind: string, c: Codec): RTCRtpCodecParameters {
  const fmtp = fmtpLine(c);
  return {
    payloadType: c.payloadType, mimeType: `${kind}/${c.name}`, clockRate: c.clockRate,
    ...(c.channels !== undefined ? { channels: c.channels } : {}), ...(fmtp !== undefined ? { sdpFmtpLine: fmtp } : {}),
  };
}

/** Negotiated header extensions as W3C dictionaries. */
export function headerExtensionParameters(extmaps: readonly Extmap[]): RTCRtpHeaderExtensionParameters[] {
  return extmaps.filter((e) => e.direction !== 'inactive').map((e) => ({ uri: e.uri, id: e.id, encrypted: false }));
}

function capabilityCodec(kind: string, c: CodecCapability): RTCRtpCodec {
  const fmtp = c.parameters === undefined ? undefined : fmtpLine({ parameters: c.parameters } as Codec);
  return {
    mimeType: `${kind}/${c.name}`, clockRate: c.clockRate,
    ...(c.channels !== undefined ? { channels: c.channels } : {}), ...(fmtp !== undefined ? { sdpFmtpLine: fmtp } : {}),
  };
}

/** `getCapabilities(kind)` of a codec list: every codec, then `rtx` once when video has it (as browsers list it). */
export function capabilitiesOf(kind: 'audio' | 'video', caps: MediaCapabilities): RTCRtpCapabilities {
  return {
    codecs: caps.codecs.map((c) => capabilityCodec(kind, c)),
    headerExtensions: caps.headerExtensions.map((h) => ({ uri: h.uri })),
  };
}

function sameCodec(a: RTCRtpCodec, b: RTCRtpCodec): boolean {
  return a.mimeType.toLowerCase() === b.mimeType.toLowerCase() && a.clockRate === b.clockRate
    && (a.channels ?? 1) === (b.channels ?? 1) && (a.sdpFmtpLine ?? '') === (b.sdpFmtpLine ?? '');
}

/**
 * setCodecPreferences' checks (W3C §5.4 steps 4–8): every codec must be one of the capabilities
 * (InvalidModificationError), and not only repair formats. Gives the local capabilities, in the
 * preferred order, that offers and answers use from now on (empty: back to the defaults).
 */
export function preferredCapabilities(kind: 'audio' | 'video', caps: MediaCapabilities, codecs: readonly RTCRtpCodec[]): CodecCapability[] | undefined {
  if (!Array.isArray(codecs)) throw new TypeError('setCodecPreferences needs a sequence of codecs');
  if (codecs.length === 0) return undefined;
  const out: CodecCapability[] = [];
  for (const c of codecs) {
    if (c === null || typeof c !== 'object' || typeof c.mimeType !== 'string') throw new TypeError('a codec needs a mimeType');
    const cap = caps.codecs.find((x) => sameCodec(capabilityCodec(kind, x), c));
    if (cap === undefined) throw domException('InvalidModificationError', `${c.mimeType} ${c.sdpFmtpLine ?? ''} is not in RTCRtpReceiver.getCapabilities('${kind}')`);
    if (!out.includes(cap)) out.push(cap);
  }
  if (out.every((c) => isRepairCodec(c.name) || c.name.toLowerCase() === 'cn')) {
    throw domException('InvalidModificationError', 'codec preferences need a codec that is not RTX, RED, FEC or comfort noise');
  }
  return out;
}

/**
 * An answer section's codecs filtered and ordered by preferences (the answer keeps the offer's
 * payload types; RFC 8829 §5.3.1 lets the answerer order them by its own preference). RTX
 * follows its codec and stays only when preferred and its `apt` stays.
 */
export function orderByPreference(codecs: readonly Codec[], preferred: readonly CodecCapability[]): Codec[] {
  const rank = (c: Codec): number => preferred.findIndex((p) => p.name.toLowerCase() !== 'rtx' && codecsMatch(c, p));
  const rtxWanted = preferred.some((p) => p.name.toLowerCase() === 'rtx');
  const media = codecs.filter((c) => c.name.toLowerCase() !== 'rtx' && rank(c) >= 0).sort((a, b) => rank(a) - rank(b));
  const out: Codec[] = [];
  for (const c of media) {
    out.push(c);
    const rtx = rtxWanted ? codecs.find((r) => r.name.toLowerCase() === 'rtx' && r.parameters['apt'] === String(c.payloadType)) : undefined;
    if (rtx !== undefined) out.push(rtx);
  }
  return out;
}

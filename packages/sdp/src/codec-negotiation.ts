/**
 * Codec and header-extension intersection for JSEP answers (RFC 8829 §5.3.1, RFC 3264 §6.1):
 * the answer keeps the offer's payload types and order, lists only formats both sides support,
 * and only the RTCP feedback and header extensions both sides support.
 */
import { record } from './attributes.js';
import { h264LevelOrder, parseH264ProfileLevelId } from './h264-profile-level-id.js';
import type { Codec, Direction, Extmap, RtcpFeedback } from './session-description.js';
import { answerDirection } from './direction.js';

/** A codec the local side can receive and send; payload type is only a preference for offers. */
export interface CodecCapability {
  /** Encoding name (`opus`, `VP8`, `H264`, `rtx`…), compared case-insensitively. */
  name: string;
  /** RTP clock rate in Hz. */
  clockRate: number;
  /** Audio channels (Opus: 2). */
  channels?: number;
  /** fmtp parameters this side wants to receive with (H.264 profile-level-id, Opus useinbandfec…). */
  parameters?: Record<string, string>;
  /** RTCP feedback this side supports for the codec. */
  feedback?: RtcpFeedback[];
  /** Preferred payload type when making an offer. */
  payloadType?: number;
}

/** An RTP header extension the local side supports (RFC 8285). */
export interface HeaderExtensionCapability {
  /** Extension URI. */
  uri: string;
  /** Preferred id when making an offer. */
  id?: number;
  /** Direction restriction (RFC 8285 §5), when the extension only works one way. */
  direction?: Direction;
}

/** What the local side can do for one kind of media. */
export interface MediaCapabilities {
  /** Codecs in order of preference; an entry named `rtx` means RTX for every video codec. */
  codecs: CodecCapability[];
  /** Supported RTP header extensions. */
  headerExtensions: HeaderExtensionCapability[];
}

const lower = (s: string): string => s.toLowerCase();

/** Formats that repair or protect another one rather than carry media of their own. */
export function isRepairCodec(name: string): boolean {
  return ['rtx', 'red', 'ulpfec', 'flexfec-03', 'flexfec'].includes(lower(name));
}

/**
 * True when the two formats are the same codec: same name (case-insensitive), clock rate and
 * channel count (1 when absent), and for H.264 the same profile and packetization-mode
 * (RFC 6184 §8.2.2), for VP9 the same `profile-id`, for AV1 the same `profile`.
 */
export function codecsMatch(a: Pick<Codec, 'name' | 'clockRate' | 'channels' | 'parameters'>, b: CodecCapability): boolean {
  if (lower(a.name) !== lower(b.name) || a.clockRate !== b.clockRate) return false;
  if ((a.channels ?? 1) !== (b.channels ?? 1)) return false;
  const pa = a.parameters;
  const pb = b.parameters ?? {};
  switch (lower(a.name)) {
    case 'h264': {
      if ((pa['packetization-mode'] ?? '0') !== (pb['packetization-mode'] ?? '0')) return false;
      const x = parseH264ProfileLevelId(pa['profile-level-id']);
      const y = parseH264ProfileLevelId(pb['profile-level-id']);
      return x !== undefined && y !== undefined && x.profile === y.profile;
    }
    case 'vp9':
      return (pa['profile-id'] ?? '0') === (pb['profile-id'] ?? '0');
    case 'av1':
      return (pa['profile'] ?? '0') === (pb['profile'] ?? '0');
    default:
      return true;
  }
}

/**
 * The H.264 fmtp of an answer: the offer's parameters with the level the answerer will receive.
 * With `level-asymmetry-allowed=1` on both sides that is the local level; otherwise the lower one.
 */
function answerH264Parameters(offered: Record<string, string>, local: Record<string, string>): Record<string, string> {
  const out = record();
  for (const k of Object.keys(offered)) out[k] = offered[k]!;
  const o = parseH264ProfileLevelId(offered['profile-level-id']);
  const l = parseH264ProfileLevelId(local['profile-level-id']);
  const asymmetric = offered['level-asymmetry-allowed'] === '1' && local['level-asymmetry-allowed'] === '1';
  const localPli = local['profile-level-id'];
  if (o !== undefined && l !== undefined && localPli !== undefined) {
    if (asymmetric || h264LevelOrder(l.levelIdc) < h264LevelOrder(o.levelIdc)) out['profile-level-id'] = localPli;
  }
  return out;
}

function sameFeedback(a: RtcpFeedback, b: RtcpFeedback): boolean {
  return a.type === b.type && (a.parameter ?? '') === (b.parameter ?? '');
}

/** Offered feedback (per codec plus `rtcp-fb:*`) that the local side also supports, without repeats. */
export function intersectFeedback(offered: RtcpFeedback[], local: RtcpFeedback[]): RtcpFeedback[] {
  const out: RtcpFeedback[] = [];
  for (const f of offered) {
    if (local.some((l) => sameFeedback(l, f)) && !out.some((o) => sameFeedback(o, f))) {
      out.push(f.parameter !== undefined ? { type: f.type, parameter: f.parameter } : { type: f.type });
    }
  }
  return out;
}

function copy(params: Record<string, string> | undefined): Record<string, string> {
  const out = record();
  if (params !== undefined) for (const k of Object.keys(params)) out[k] = params[k]!;
  return out;
}

/**
 * Intersects offered codecs with local ones, keeping offered payload types and order.
 * `rtx` is kept when its `apt` format is kept and the local side lists `rtx`; RED for audio
 * (`a=fmtp:63 111/111`) when every format it names is kept.
 */
export function negotiateCodecs(offered: Codec[], offeredFeedbackAll: RtcpFeedback[], local: CodecCapability[]): Codec[] {
  const answered = new Map<number, Codec>();
  const answer = (o: Codec, cap: CodecCapability, parameters: Record<string, string>): Codec => {
    const c: Codec = {
      payloadType: o.payloadType,
      name: o.name,
      clockRate: o.clockRate,
      parameters,
      feedback: intersectFeedback([...o.feedback, ...offeredFeedbackAll], cap.feedback ?? []),
    };
    if (o.channels !== undefined) c.channels = o.channels;
    return c;
  };
  for (const o of offered) {
    const n = lower(o.name);
    if (n === 'rtx' || (n === 'red' && o.clockRate !== 90000)) continue;
    const cap = local.find((l) => codecsMatch(o, l));
    if (cap === undefined) continue;
    const params = n === 'h264' ? answerH264Parameters(o.parameters, cap.parameters ?? {}) : copy(cap.parameters);
    answered.set(o.payloadType, answer(o, cap, params));
  }
  // Audio RED names its redundant formats in its fmtp: keep it only when they are all kept.
  for (const o of offered) {
    if (lower(o.name) !== 'red' || o.clockRate === 90000) continue;
    const cap = local.find((l) => codecsMatch(o, l));
    if (cap === undefined) continue;
    const names = Object.keys(o.parameters)[0]?.split('/') ?? [];
    if (names.length > 0 && names.every((pt) => /^[0-9]+$/.test(pt) && answered.has(Number(pt)))) {
      answered.set(o.payloadType, answer(o, cap, copy(o.parameters)));
    }
  }
  for (const o of offered) {
    if (lower(o.name) !== 'rtx') continue;
    const apt = o.parameters['apt'];
    const cap = local.find((l) => lower(l.name) === 'rtx' && l.clockRate === o.clockRate);
    if (cap === undefined || apt === undefined || !/^[0-9]+$/.test(apt) || !answered.has(Number(apt))) continue;
    const params = record();
    params['apt'] = apt;
    if (o.parameters['rtx-time'] !== undefined) params['rtx-time'] = o.parameters['rtx-time'];
    answered.set(o.payloadType, answer(o, cap, params));
  }
  return offered.filter((o) => answered.has(o.payloadType)).map((o) => answered.get(o.payloadType)!);
}

/**
 * Offered header extensions whose URI the local side supports, with the offer's ids. A
 * direction on either side is negotiated like the media direction.
 */
export function negotiateHeaderExtensions(offered: Extmap[], local: HeaderExtensionCapability[]): Extmap[] {
  const out: Extmap[] = [];
  for (const o of offered) {
    const cap = local.find((l) => l.uri === o.uri);
    if (cap === undefined || out.some((e) => e.id === o.id)) continue;
    const e: Extmap = { id: o.id, uri: o.uri };
    if (o.direction !== undefined || cap.direction !== undefined) {
      e.direction = answerDirection(o.direction ?? 'sendrecv', cap.direction ?? 'sendrecv');
    }
    out.push(e);
  }
  return out;
}

import type { IceCandidate } from './candidate.js';

/** RFC 3264 media direction. */
export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/** RFC 4145 / RFC 8842 `a=setup` role. */
export type SetupRole = 'actpass' | 'active' | 'passive' | 'holdconn';

/** `o=` (RFC 8866 §5.2). Session id and version are 64-bit in practice, hence `bigint`. */
export interface Origin {
  /** User name, `-` in WebRTC. */
  username: string;
  /** Session id: random, fixed for the session. */
  sessionId: bigint;
  /** Grows by one with every new description of the session. */
  sessionVersion: bigint;
  /** Network type, `IN`. */
  netType: string;
  /** Address type, `IP4` or `IP6`. */
  addressType: string;
  /** Unicast address of the originator; WebRTC writes `127.0.0.1` or `0.0.0.0`, and no one reads it. */
  address: string;
}

/** `c=` (RFC 8866 §5.7). */
export interface Connection {
  /** Network type, `IN`. */
  netType: string;
  /** Address type, `IP4` or `IP6`. */
  addressType: string;
  /** The default candidate's address, or `0.0.0.0` (RFC 8839 §4.2.1.1). */
  address: string;
}

/** `a=fingerprint` (RFC 8122): hash function (lower case) and colon-separated upper-case hex. */
export interface Fingerprint {
  /** Hash function, lower case (`sha-256`). */
  algorithm: string;
  /** Colon-separated upper-case hex bytes. */
  value: string;
}

/** `a=group` (RFC 5888), e.g. BUNDLE (RFC 8843). */
export interface Group {
  /** `BUNDLE`, `LS`, … */
  semantics: string;
  /** The grouped mids, in order; the first of a BUNDLE group is its tag. */
  mids: string[];
}

/** `a=msid-semantic` (libwebrtc's session-level line, e.g. `WMS *`). */
export interface MsidSemantic {
  /** Semantic token (`WMS`). */
  semantic: string;
  /** Stream ids, or `*`. */
  identifiers: string[];
}

/** `a=msid` (RFC 8830): stream id and optional track (application data) id. */
export interface Msid {
  /** MediaStream id (`-` for none). */
  streamId: string;
  /** Track id. */
  trackId?: string;
}

/** One `a=rtcp-fb` entry (RFC 4585 §4.2), e.g. `nack pli` → type `nack`, parameter `pli`. */
export interface RtcpFeedback {
  /** `nack`, `ccm`, `goog-remb`, `transport-cc`, … */
  type: string;
  /** `pli`, `fir`, … */
  parameter?: string;
}

/**
 * An RTP payload format, joined from `a=rtpmap`, `a=fmtp` and `a=rtcp-fb` with the same
 * payload type.
 */
export interface Codec {
  /** RTP payload type, 0..127. */
  payloadType: number;
  /** Encoding name as written (`opus`, `VP8`, `H264`, `rtx`…); compare case-insensitively. */
  name: string;
  /** RTP clock rate in Hz. */
  clockRate: number;
  /** Audio channels when the rtpmap has them. */
  channels?: number;
  /** `a=fmtp` parameters in order; a parameter without `=` (e.g. RED's `111/111`) maps to ''. */
  parameters: Record<string, string>;
  /** `a=rtcp-fb:<pt>` entries (not the `*` ones; see {@link MediaSection.rtcpFeedbackAll}). */
  feedback: RtcpFeedback[];
}

/** `a=extmap` (RFC 8285). */
export interface Extmap {
  /** 1..14 (one-byte header), up to 255 (two-byte). */
  id: number;
  /** Direction attribute, if present. */
  direction?: Direction;
  /** Extension URI. */
  uri: string;
  /** Extension attributes after the URI, as written. */
  attributes?: string;
}

/** `a=ssrc` (RFC 5576): one source attribute line. */
export interface SsrcAttribute {
  /** The 32-bit SSRC. */
  ssrc: number;
  /** Source attribute name (`cname`, `msid`…). */
  attribute: string;
  /** Attribute value after `:`, if any. */
  value?: string;
}

/** `a=ssrc-group` (RFC 5576), e.g. FID (RFC 4588) or SIM. */
export interface SsrcGroup {
  /** `FID`, `SIM`, `FEC-FR`, … */
  semantics: string;
  /** The SSRCs, in the order the semantics gives them meaning (FID: media, then RTX). */
  ssrcs: number[];
}

/** `a=rid` (RFC 8851). */
export interface Rid {
  /** rid-id. */
  id: string;
  /** Whether this side sends or receives the stream. */
  direction: 'send' | 'recv';
  /** `pt=` list, when restricted. */
  payloadTypes?: number[];
  /** Other restrictions (`max-width`, `max-fps`…) as written. */
  restrictions: Record<string, string>;
}

/** One RID in a simulcast alternative (RFC 8853); `paused` is the `~` prefix. */
export interface SimulcastRid {
  /** The RID. */
  rid: string;
  /** Offered paused (`~`). */
  paused: boolean;
}

/**
 * `a=simulcast` (RFC 8853): per direction, a list of streams, each a list of alternative RIDs.
 */
export interface Simulcast {
  /** Streams this side sends. */
  send?: SimulcastRid[][];
  /** Streams this side receives. */
  recv?: SimulcastRid[][];
}

/** One `m=` section and the lines under it. */
export interface MediaSection {
  /** `audio`, `video`, `application`, … */
  kind: string;
  /** 0 means rejected (or bundle-only, with {@link bundleOnly}). */
  port: number;
  /** `m=` `/<number of ports>`, rare. */
  numberOfPorts?: number;
  /** `UDP/TLS/RTP/SAVPF`, `UDP/DTLS/SCTP`, … */
  protocol: string;
  /** The `<fmt>` list: payload types for RTP, `webrtc-datachannel` for data. */
  formats: string[];
  /** The `c=` line. */
  connection?: Connection;
  /** `a=mid` (RFC 5888): the section's identity in BUNDLE and JSEP. */
  mid?: string;
  /** Direction attribute, if present. */
  direction?: Direction;
  /** `a=ice-ufrag` (RFC 8839 §5.4). */
  iceUfrag?: string;
  /** `a=ice-pwd` (RFC 8839 §5.4). */
  icePwd?: string;
  /** `a=ice-options` tokens (`trickle`, `ice2`). */
  /** `a=ice-options` tokens (`trickle`, `ice2`). */
  iceOptions?: string[];
  /** `a=fingerprint` lines (RFC 8122); a peer may give several. */
  fingerprints: Fingerprint[];
  /** `a=setup` (RFC 8842). */
  setup?: SetupRole;
  /** `a=rtcp-mux` (RFC 5761). */
  rtcpMux: boolean;
  /** `a=rtcp-rsize` (RFC 5506). */
  rtcpRsize: boolean;
  /** `a=extmap-allow-mixed` (RFC 8285 §6). */
  extmapAllowMixed: boolean;
  /** `a=msid` lines (RFC 8830). */
  msids: Msid[];
  /** `a=ssrc` lines (RFC 5576). */
  ssrcs: SsrcAttribute[];
  /** `a=ssrc-group` lines (RFC 5576). */
  ssrcGroups: SsrcGroup[];
  /** Payload formats in `a=rtpmap` order. */
  codecs: Codec[];
  /** `a=rtcp-fb:*` entries: apply to every codec of the section. */
  rtcpFeedbackAll: RtcpFeedback[];
  /** `a=extmap` lines (RFC 8285). */
  extmaps: Extmap[];
  /** `a=rid` lines (RFC 8851). */
  rids: Rid[];
  /** `a=simulcast` (RFC 8853). */
  simulcast?: Simulcast;
  /** `a=sctp-port` (RFC 8841). */
  sctpPort?: number;
  /** `a=max-message-size` (RFC 8841). */
  maxMessageSize?: number;
  /** `a=bundle-only` (RFC 8843). */
  bundleOnly: boolean;
  /** `a=end-of-candidates` (RFC 8840). */
  endOfCandidates: boolean;
  /** `a=candidate` lines (RFC 8839 §5.1). */
  candidates: IceCandidate[];
  /** Lines this model does not describe, kept as written (e.g. `a=rtcp:9 IN IP4 0.0.0.0`, `b=AS:30`). */
  otherLines: string[];
}

/** A whole session description (RFC 8866), as WebRTC uses it. */
export interface SessionDescription {
  /** `v=`, always 0. */
  version: number;
  /** `o=`. */
  origin: Origin;
  /** `s=`; `-` in WebRTC. */
  sessionName: string;
  /** `t=` as written; `0 0` in WebRTC. */
  timing: string;
  /** The `c=` line. */
  connection?: Connection;
  /** Session-level direction (Firefox writes `a=sendrecv` here); media sections without one inherit it. */
  /** Direction attribute, if present. */
  direction?: Direction;
  /** `a=group` lines (RFC 5888), e.g. BUNDLE. */
  groups: Group[];
  /** `a=ice-lite` (RFC 8839 §5.3). */
  iceLite: boolean;
  /** `a=ice-options` tokens (`trickle`, `ice2`). */
  iceOptions?: string[];
  /** `a=ice-ufrag` (RFC 8839 §5.4). */
  iceUfrag?: string;
  /** `a=ice-pwd` (RFC 8839 §5.4). */
  icePwd?: string;
  /** `a=fingerprint` lines (RFC 8122); a peer may give several. */
  fingerprints: Fingerprint[];
  /** `a=setup` (RFC 8842). */
  setup?: SetupRole;
  /** `a=msid-semantic`. */
  msidSemantic?: MsidSemantic;
  /** `a=extmap-allow-mixed` (RFC 8285 §6). */
  extmapAllowMixed: boolean;
  /** Session-level `a=extmap` (RFC 8285 allows it). */
  /** `a=extmap` lines (RFC 8285). */
  extmaps: Extmap[];
  /** The m= sections, in order. */
  media: MediaSection[];
  /** Session-level lines this model does not describe, kept as written. */
  otherLines: string[];
}

/** A media section with every list empty and every flag off: a base for builders. */
export function emptyMediaSection(kind: string, protocol: string, formats: string[], port = 9): MediaSection {
  return {
    kind,
    port,
    protocol,
    formats,
    fingerprints: [],
    rtcpMux: false,
    rtcpRsize: false,
    extmapAllowMixed: false,
    msids: [],
    ssrcs: [],
    ssrcGroups: [],
    codecs: [],
    rtcpFeedbackAll: [],
    extmaps: [],
    rids: [],
    bundleOnly: false,
    endOfCandidates: false,
    candidates: [],
    otherLines: [],
  };
}

/** The BUNDLE groups of a description (RFC 8843); usually zero or one. */
export function bundleGroups(sd: SessionDescription): Group[] {
  return sd.groups.filter((g) => g.semantics === 'BUNDLE');
}

/** Payload types of an RTP media section's `m=` line. */
export function payloadTypes(section: MediaSection): number[] {
  return section.formats.filter((f) => /^[0-9]{1,3}$/.test(f)).map(Number);
}

/** True when the protocol carries RTP (`RTP/AVP`, `UDP/TLS/RTP/SAVPF`, …). */
export function isRtpProtocol(protocol: string): boolean {
  return /(^|\/)RTP\//.test(protocol);
}

/**
 * Builders for answers (RFC 8829 §5.3.1): one answer m= section per offered one, in the same
 * order and with the same mid; codecs, feedback and header extensions intersected; direction and
 * DTLS role by the answer rules; rejected sections with port 0; the BUNDLE group of what was
 * accepted; and the data channel section (RFC 8841).
 */
import { isRepairCodec, negotiateCodecs, negotiateHeaderExtensions, type MediaCapabilities } from './codec-negotiation.js';
import { answerDirection, answerSetupRole } from './direction.js';
import { codecsWithStaticPayloadTypes } from './static-payload-types.js';
import { DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_SCTP_PORT, createSession, type SessionOptions } from './offer.js';
import {
  emptyMediaSection, isRtpProtocol, type Direction, type MediaSection, type Msid, type Rid, type SessionDescription,
  type SsrcAttribute, type SsrcGroup,
} from './session-description.js';
import { applyTransport, effectiveTransport, type TransportDescription } from './transport-description.js';

/** How to answer one offered section. */
export interface AnswerSectionOptions {
  /** Local ICE/DTLS parameters. */
  transport: TransportDescription;
  /** RTP sections: what the local side supports. Without it an RTP section is rejected. */
  capabilities?: MediaCapabilities;
  /** The local transceiver's direction (what it would like); default sendrecv. */
  direction?: Direction;
  /** DTLS role to take when the offer says actpass; default active (RFC 8842 §5.3). */
  setup?: 'active' | 'passive';
  /** Sender's msid and ssrc lines, written only when the answer sends. */
  msid?: Msid;
  /** Sender's `a=ssrc` lines. */
  ssrcs?: SsrcAttribute[];
  /** Sender's `a=ssrc-group` lines (FID for RTX). */
  ssrcGroups?: SsrcGroup[];
  /** Data channel section: local SCTP port (default 5000) and max-message-size (default 262144). */
  sctpPort?: number;
  /** Largest message the local SCTP stack takes (RFC 8841 §6). */
  maxMessageSize?: number;
  /** Reject this section (port 0). */
  reject?: boolean;
  /** Leave candidates out (bundled sections after the tagged one). */
  withoutCandidates?: boolean;
}

/**
 * A rejected answer section (RFC 3264 §6, RFC 8829 §5.3.1): port 0, the offer's protocol and
 * formats, the mid, and nothing else.
 */
export function rejectedSection(offered: MediaSection): MediaSection {
  const s = emptyMediaSection(offered.kind, offered.protocol, [...offered.formats], 0);
  s.connection = { netType: 'IN', addressType: 'IP4', address: '0.0.0.0' };
  if (offered.mid !== undefined) s.mid = offered.mid;
  return s;
}

/** True when an offered section was rejected by its offerer (port 0 without bundle-only). */
export function isRejected(section: MediaSection): boolean {
  return section.port === 0 && !section.bundleOnly;
}

function isDataChannel(s: MediaSection): boolean {
  return s.kind === 'application' && (s.protocol === 'UDP/DTLS/SCTP' || s.protocol === 'TCP/DTLS/SCTP' || s.protocol === 'DTLS/SCTP');
}

/**
 * Answers one offered m= section. `remote` is the whole offer, for session-level ICE/DTLS
 * attributes. Rejects (port 0) when the offer rejected it, when asked to, when the protocol is
 * neither SAVPF RTP nor a data channel, or when no codec is common.
 */
export function answerMediaSection(remote: SessionDescription, offered: MediaSection, o: AnswerSectionOptions): MediaSection {
  if (isRejected(offered) || o.reject === true) return rejectedSection(offered);
  const remoteTransport = effectiveTransport(remote, offered);
  const setup = answerSetupRole(remoteTransport.setup, o.setup);
  if (isDataChannel(offered)) {
    const s = emptyMediaSection(offered.kind, offered.protocol, [...offered.formats]);
    applyTransport(s, o.transport, setup, o.withoutCandidates !== true);
    if (offered.mid !== undefined) s.mid = offered.mid;
    if (offered.protocol === 'DTLS/SCTP') {
      // Pre-RFC 8841 form (aiortc 1.4 still offers it): the port is the format, sctpmap carries it.
      const port = offered.formats[0] ?? String(DEFAULT_SCTP_PORT);
      s.otherLines.push(`a=sctpmap:${port} webrtc-datachannel 65535`);
    } else {
      s.sctpPort = o.sctpPort ?? DEFAULT_SCTP_PORT;
    }
    s.maxMessageSize = o.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
    return s;
  }
  if (!isRtpProtocol(offered.protocol) || !/SAVPF?$/.test(offered.protocol) || o.capabilities === undefined) {
    return rejectedSection(offered);
  }
  const codecs = negotiateCodecs(codecsWithStaticPayloadTypes(offered), offered.rtcpFeedbackAll, o.capabilities.codecs);
  if (!codecs.some((c) => !isRepairCodec(c.name))) return rejectedSection(offered);
  const s = emptyMediaSection(offered.kind, offered.protocol, codecs.map((c) => String(c.payloadType)));
  applyTransport(s, o.transport, setup, o.withoutCandidates !== true);
  if (offered.mid !== undefined) s.mid = offered.mid;
  s.extmaps = negotiateHeaderExtensions(offered.extmaps, o.capabilities.headerExtensions);
  s.extmapAllowMixed = offered.extmapAllowMixed;
  s.direction = answerDirection(offered.direction ?? remote.direction ?? 'sendrecv', o.direction ?? 'sendrecv');
  s.rtcpMux = offered.rtcpMux;
  s.rtcpRsize = offered.rtcpRsize;
  s.codecs = codecs;
  // RFC 8853 §5.3: the answer mirrors the offer's RIDs and simulcast, directions reversed.
  const receiving = s.direction === 'sendrecv' || s.direction === 'recvonly';
  const sending = s.direction === 'sendrecv' || s.direction === 'sendonly';
  s.rids = offered.rids
    .filter((r) => (r.direction === 'send' ? receiving : sending))
    .map((r) => {
      const rid: Rid = { id: r.id, direction: r.direction === 'send' ? 'recv' : 'send', restrictions: { ...r.restrictions } };
      // A pt= restriction may only name formats the answer kept (RFC 8851 §6.2).
      const kept = r.payloadTypes?.filter((pt) => codecs.some((c) => c.payloadType === pt));
      if (kept !== undefined && kept.length > 0) rid.payloadTypes = kept;
      return rid;
    });
  if (offered.simulcast !== undefined && s.rids.length > 0) {
    const sim: NonNullable<MediaSection['simulcast']> = {};
    if (offered.simulcast.send !== undefined && receiving) sim.recv = offered.simulcast.send;
    if (offered.simulcast.recv !== undefined && sending) sim.send = offered.simulcast.recv;
    if (sim.send !== undefined || sim.recv !== undefined) s.simulcast = sim;
  }
  if (sending) {
    if (o.msid !== undefined) s.msids = [{ ...o.msid }];
    s.ssrcs = (o.ssrcs ?? []).map((x) => ({ ...x }));
    s.ssrcGroups = (o.ssrcGroups ?? []).map((g) => ({ semantics: g.semantics, ssrcs: [...g.ssrcs] }));
  }
  return s;
}

/**
 * Answers a whole offer. `choose` says, per offered section, how to answer it (or `'reject'`).
 * For every offered BUNDLE group the answer has a group of the accepted mids; the first accepted
 * one is the answerer-tagged section and the only one with candidates (RFC 8843 §7.3.1), the
 * others repeat ICE/DTLS attributes without candidates, as libwebrtc does.
 */
export function createAnswer(
  offer: SessionDescription,
  session: SessionOptions,
  choose: (offered: MediaSection, index: number) => AnswerSectionOptions | 'reject',
): SessionDescription {
  const bundles = offer.groups.filter((g) => g.semantics === 'BUNDLE');
  const media: MediaSection[] = [];
  const accepted = new Set<string>();
  const tagged = new Set<string>();
  offer.media.forEach((offered, index) => {
    const choice = choose(offered, index);
    if (choice === 'reject') {
      media.push(rejectedSection(offered));
      return;
    }
    const group = offered.mid !== undefined ? bundles.find((g) => g.mids.includes(offered.mid!)) : undefined;
    let withoutCandidates = choice.withoutCandidates === true;
    if (group !== undefined) {
      const alreadyTagged = group.mids.some((m) => tagged.has(m));
      withoutCandidates ||= alreadyTagged;
    }
    const answered = answerMediaSection(offer, offered, { ...choice, withoutCandidates });
    if (answered.port === 0) {
      media.push(answered);
      return;
    }
    if (offered.mid !== undefined) {
      accepted.add(offered.mid);
      if (group !== undefined && !group.mids.some((m) => tagged.has(m))) tagged.add(offered.mid);
    }
    media.push(answered);
  });
  const sd = createSession({ ...session, extmapAllowMixed: session.extmapAllowMixed ?? offer.extmapAllowMixed }, media);
  for (const g of bundles) {
    const mids = g.mids.filter((m) => accepted.has(m));
    if (mids.length > 0) sd.groups.push({ semantics: 'BUNDLE', mids });
  }
  return sd;
}

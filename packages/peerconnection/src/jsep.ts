/**
 * Offer and answer generation (RFC 8829 §5.2, §5.3) from the peer connection's parts: the
 * transceivers, whether data channels are wanted, and the local ICE/DTLS parameters. Pure: the
 * models come out, the signaling state machine lives in the peer connection.
 */
import {
  createAnswer, createDataChannelOfferSection, createOffer, createRtpOfferSection, isRejected, rejectedSection,
  type Fingerprint, type IceCandidate, type MediaCapabilities, type MediaSection, type Msid, type Rid, type SessionDescription, type Simulcast, type SsrcAttribute, type SsrcGroup,
} from '@x/sdp';
import type { RTCBundlePolicy } from './configuration.js';
import { transportSection } from './negotiation.js';
import { orderByPreference } from './rtp-parameters.js';
import type { RTCRtpTransceiver } from './transceiver.js';

/** Local ICE and DTLS parameters written into every section. */
export interface LocalTransportParameters {
  iceUfrag: string;
  icePwd: string;
  fingerprints: Fingerprint[];
  candidates: IceCandidate[];
  endOfCandidates: boolean;
}

/** Session id and version of the `o=` line. */
export interface SessionVersion {
  sessionId: bigint;
  sessionVersion: bigint;
  /** `a=ice-lite`: this side is an ICE-lite agent (see IceSettings.lite). */
  iceLite?: boolean;
}

/** What an offer is built from. */
export interface OfferInput {
  session: SessionVersion;
  transceivers: readonly RTCRtpTransceiver[];
  /** A data channel was created or SCTP is already negotiated. */
  wantData: boolean;
  /** The current local description: sections keep its order (RFC 8829 §5.2.2). */
  currentLocal: SessionDescription | undefined;
  /** Mids already used on either side, so new ones are fresh. */
  usedMids: ReadonlySet<string>;
  transport: LocalTransportParameters;
  bundlePolicy: RTCBundlePolicy;
  codecs: { audio: MediaCapabilities; video: MediaCapabilities };
  /** CNAME of this connection's RTP senders. */
  cname: string;
  /** Our max-message-size. */
  maxMessageSize: number;
}

/** An offer and which transceiver (or data) each section is for. */
export interface OfferResult {
  description: SessionDescription;
  /** By section index: the transceiver, 'data', or undefined for a rejected leftover. */
  owners: Array<RTCRtpTransceiver | 'data' | undefined>;
}

/**
 * a=msid and a=ssrc lines of a sender; with RTX (RFC 4588) its SSRC too, tied by a=ssrc-group:FID.
 * A simulcast sender writes, as Chromium does, a=rid:<rid> send per encoding and
 * a=simulcast:send r0;r1;… (RFC 8851, RFC 8853) and no a=ssrc lines: the peer learns each
 * layer's SSRC from the mid and rtp-stream-id header extensions.
 */
function senderLines(t: RTCRtpTransceiver, cname: string, rtx: boolean): {
  msid: { streamId: string; trackId: string }; ssrcs: SsrcAttribute[]; ssrcGroups: SsrcGroup[]; rids?: Rid[]; simulcast?: Simulcast;
} {
  const streamId = t.sender.streamIds[0] ?? '-';
  const trackId = t.sender.track?.id ?? t.trackId;
  const rids = t.sender.rids;
  if (rids.length > 1) {
    return {
      msid: { streamId, trackId }, ssrcs: [], ssrcGroups: [],
      rids: rids.map((id) => ({ id, direction: 'send', restrictions: {} })),
      simulcast: { send: rids.map((rid) => [{ rid, paused: false }]) },
    };
  }
  const ssrcs = rtx ? [t.sender.ssrc, t.sender.rtxSsrc] : [t.sender.ssrc];
  return {
    msid: { streamId, trackId },
    ssrcs: ssrcs.flatMap((ssrc) => [
      { ssrc, attribute: 'cname', value: cname },
      { ssrc, attribute: 'msid', value: `${streamId} ${trackId}` },
    ]),
    ssrcGroups: rtx ? [{ semantics: 'FID', ssrcs }] : [],
  };
}

/** a=msid lines (RFC 8830): one per stream the sender is associated with, `-` for none (W3C §5.2 setStreams). */
function msids(t: RTCRtpTransceiver): Msid[] {
  const trackId = t.sender.track?.id ?? t.trackId;
  return t.sender.msidStreamIds.map((streamId) => ({ streamId, trackId }));
}

const hasRtx = (codecs: ReadonlyArray<{ name: string }>): boolean => codecs.some((c) => c.name.toLowerCase() === 'rtx');

/** Builds an offer (RFC 8829 §5.2.1 initial, §5.2.2 subsequent). */
export function buildOffer(input: OfferInput): OfferResult {
  const used = new Set(input.usedMids);
  let next = 0;
  const freshMid = (): string => {
    while (used.has(String(next))) next++;
    const mid = String(next);
    used.add(mid);
    return mid;
  };
  const plan: Array<{ owner: RTCRtpTransceiver | 'data' | undefined; mid: string; previous?: MediaSection }> = [];
  const placed = new Set<RTCRtpTransceiver>();
  let dataPlaced = false;
  for (const s of input.currentLocal?.media ?? []) {
    const mid = s.mid ?? freshMid();
    const t = input.transceivers.find((x) => x.mid === mid);
    if (t !== undefined) {
      placed.add(t);
      plan.push({ owner: t.stopping ? undefined : t, mid, previous: s });
    } else if (s.kind === 'application' && !isRejected(s) && input.wantData && !dataPlaced) {
      dataPlaced = true;
      plan.push({ owner: 'data', mid, previous: s });
    } else {
      plan.push({ owner: undefined, mid, previous: s });
    }
  }
  // Sections the current description already rejected, whose transceiver is gone: a new
  // transceiver takes the first of them, with a new mid, rather than growing the offer (RFC 8829
  // §5.2.2, m= section recycling).
  const recyclable = plan.flatMap((p, i) => (p.owner === undefined && p.previous !== undefined && isRejected(p.previous) && (p.previous.kind === 'audio' || p.previous.kind === 'video') ? [i] : []));
  for (const t of input.transceivers) {
    if (placed.has(t) || t.stopping) continue;
    const slot = recyclable.shift();
    if (slot !== undefined) plan[slot] = { owner: t, mid: t.mid ?? freshMid() };
    else plan.push({ owner: t, mid: t.mid ?? freshMid() });
  }
  if (input.wantData && !dataPlaced) plan.push({ owner: 'data', mid: freshMid() });

  const initial = input.currentLocal === undefined;
  let first = true;
  const media = plan.map((p) => {
    if (p.owner === undefined) {
      // Only leftovers of the current description have no owner: keep them rejected.
      // Stopped and rejected, a=inactive as Chromium writes it (W3C §5.4: a stopped transceiver offers inactive).
      return { ...rejectedSection(p.previous!), direction: 'inactive' as const };
    }
    const bundleOnly = !first && initial && input.bundlePolicy === 'max-bundle';
    const withoutCandidates = !first;
    first = false;
    const transport = { ...input.transport, iceOptions: ['trickle'] };
    if (p.owner === 'data') {
      return createDataChannelOfferSection({ mid: p.mid, transport, bundleOnly, withoutCandidates, maxMessageSize: input.maxMessageSize });
    }
    const t = p.owner;
    const capabilities = t.localCapabilities(input.codecs[t.kind]);
    const section = createRtpOfferSection({
      kind: t.kind,
      mid: p.mid,
      capabilities,
      transport,
      direction: t.sdpDirection,
      ...senderLines(t, input.cname, t.kind === 'video' && hasRtx(capabilities.codecs)),
      bundleOnly,
      withoutCandidates,
    });
    // Only a sending section names its streams (as @x/sdp writes a single one).
    if (section.msids.length > 0) section.msids = msids(t);
    return section;
  });
  const description = createOffer({ ...input.session, bundle: true }, media);
  return { description, owners: plan.map((p) => p.owner) };
}

/** What an answer is built from. */
export interface AnswerInput {
  session: SessionVersion;
  offer: SessionDescription;
  /** The transceiver associated with each offered section's mid (after setRemoteDescription). */
  transceiverFor: (mid: string) => RTCRtpTransceiver | undefined;
  transport: LocalTransportParameters;
  codecs: { audio: MediaCapabilities; video: MediaCapabilities };
  /** DTLS role to keep (a renegotiation keeps the established role), else active. */
  setup: 'active' | 'passive';
  cname: string;
  maxMessageSize: number;
}

/** Builds an answer (RFC 8829 §5.3.1): one section per offered one, same order and mids. */
export function buildAnswer(input: AnswerInput): SessionDescription {
  let dataAnswered = false;
  // Without BUNDLE every section would need its own ICE and DTLS transport; there is one, so only
  // the section it serves is accepted (the data channel's, else the first).
  const unbundled = !input.offer.groups.some((g) => g.semantics === 'BUNDLE') && input.offer.media.length > 1;
  const only = unbundled ? transportSection(input.offer)?.section : undefined;
  const answer = createAnswer(input.offer, input.session, (offered) => {
    if (unbundled && offered !== only) return 'reject';
    const transport = { ...input.transport, iceOptions: ['trickle'] };
    if (offered.kind === 'application') {
      if (dataAnswered || !/SCTP$/.test(offered.protocol)) return 'reject';
      dataAnswered = true;
      return { transport, setup: input.setup, maxMessageSize: input.maxMessageSize };
    }
    if (offered.kind !== 'audio' && offered.kind !== 'video') return 'reject';
    const t = offered.mid === undefined ? undefined : input.transceiverFor(offered.mid);
    // Stopped: rejected. Stopping (stop() since the offer): answered `inactive`, and the section
    // is rejected by the next offer, ours (RFC 8829 §4.2.6, §5.3.1; W3C §5.4 stop()).
    if (t === undefined || t.stopped) return 'reject';
    const capabilities = t.localCapabilities(input.codecs[t.kind]);
    return {
      transport,
      setup: input.setup,
      capabilities,
      direction: t.sdpDirection,
      ...senderLines(t, input.cname, t.kind === 'video' && hasRtx(offered.codecs) && hasRtx(capabilities.codecs)),
    };
  });
  for (const m of answer.media) {
    const t = m.port === 0 && !m.bundleOnly ? undefined : input.transceiverFor(m.mid ?? '');
    if (t !== undefined && m.msids.length > 0) m.msids = msids(t);
  }
  // Codec preferences order the answer's formats too (W3C §5.4, RFC 8829 §5.3.1).
  for (const m of answer.media) {
    const prefs = m.port === 0 && !m.bundleOnly ? undefined : input.transceiverFor(m.mid ?? '')?.codecPreferences;
    if (prefs === undefined || m.codecs.length === 0) continue;
    m.codecs = orderByPreference(m.codecs, prefs);
    m.formats = m.codecs.map((c) => String(c.payloadType));
  }
  return answer;
}

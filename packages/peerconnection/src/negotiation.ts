/**
 * Pure helpers of the peer connection's description handling: checking whether negotiation is
 * needed (W3C §4.7.3), validating a remote description (RFC 8829 §5.8), and where a bundle's
 * transport parameters live.
 */
import {
  answerDirection, bundleGroups, effectiveTransport, isRejected, reverseDirection, sctpParameters, SdpError, parse,
  type EffectiveTransport, type MediaSection, type SessionDescription,
} from '@x/sdp';
import { RTCError, domException } from './errors.js';
import type { RTCRtpTransceiver } from './transceiver.js';

/** A description as applied: the text the application sees and its model. */
export interface AppliedDescription {
  type: 'offer' | 'answer' | 'pranswer';
  model: SessionDescription;
}

/** Parses SDP, turning a syntax error into RTCError `sdp-syntax-error` with its line (W3C §4.4.1.6). */
export function parseDescription(sdp: string): SessionDescription {
  try {
    return parse(sdp);
  } catch (e) {
    if (e instanceof SdpError) {
      // Credentials outside ice-chars are content JSEP refuses rather than broken syntax (WPT protocol/ice-ufragpwd).
      if (e.code === 'bad-ice-credentials') throw domException('InvalidAccessError', e.message);
      const line = (e as SdpError & { line?: number }).line;
      throw new RTCError({ errorDetail: 'sdp-syntax-error', ...(line !== undefined ? { sdpLineNumber: line } : {}) }, e.message);
    }
    throw new RTCError({ errorDetail: 'sdp-syntax-error' }, String(e));
  }
}

/** The section whose transport the bundle uses: the first mid of the first BUNDLE group, else the data section, else the first accepted one. */
export function transportSection(sd: SessionDescription): { section: MediaSection; index: number } | undefined {
  const group = bundleGroups(sd)[0];
  if (group !== undefined) {
    for (const mid of group.mids) {
      const index = sd.media.findIndex((m) => m.mid === mid && !isRejected(m));
      if (index >= 0) return { section: sd.media[index]!, index };
    }
  }
  // No BUNDLE: one transport only, that of the data channel section if there is one (see jsep.ts).
  let index = sd.media.findIndex((m) => !isRejected(m) && m.kind === 'application');
  if (index < 0) index = sd.media.findIndex((m) => !isRejected(m));
  return index >= 0 ? { section: sd.media[index]!, index } : undefined;
}

/** The bundle's remote ICE/DTLS parameters. */
export function bundleTransport(sd: SessionDescription): EffectiveTransport | undefined {
  const t = transportSection(sd);
  return t === undefined ? undefined : effectiveTransport(sd, t.section);
}

/**
 * A remote description from a peer that predates a=mid (none of its sections has one) gets mids
 * as libwebrtc gives them: an answer the mids of our offer's sections at the same index, an offer
 * each section's index. A description where only some sections lack a=mid is left to
 * {@link validateRemote} (InvalidAccessError). The SDP text is not changed.
 */
export function generateMissingMids(sd: SessionDescription, type: 'offer' | 'answer' | 'pranswer', localOffer: SessionDescription | undefined): void {
  if (sd.media.length === 0 || sd.media.some((m) => m.mid !== undefined)) return;
  if (type !== 'offer' && localOffer !== undefined && localOffer.media.length === sd.media.length) {
    for (const [i, m] of sd.media.entries()) {
      const mid = localOffer.media[i]!.mid;
      if (mid !== undefined) m.mid = mid;
    }
    return;
  }
  for (const [i, m] of sd.media.entries()) m.mid = String(i);
}

/**
 * Checks what JSEP needs of a remote description (InvalidAccessError, as browsers throw): every
 * accepted section has ICE credentials and a fingerprint and a mid; an answer mirrors the offer's
 * sections and mids.
 */
export function validateRemote(sd: SessionDescription, type: 'offer' | 'answer' | 'pranswer', localOffer: SessionDescription | undefined): void {
  const mids = new Set<string>();
  for (const [i, m] of sd.media.entries()) {
    if (m.mid === undefined) throw domException('InvalidAccessError', `m-section ${i} has no a=mid`);
    if (mids.has(m.mid)) throw domException('InvalidAccessError', `mid ${m.mid} appears twice`);
    mids.add(m.mid);
    if (isRejected(m)) continue;
    const t = effectiveTransport(sd, m);
    if (t.iceUfrag === undefined || t.icePwd === undefined) throw domException('InvalidAccessError', `m-section ${i} has no ICE credentials`);
    if (t.fingerprints.length === 0) throw domException('InvalidAccessError', `m-section ${i} has no DTLS fingerprint`);
    if (t.setup === 'holdconn') throw domException('InvalidAccessError', `m-section ${i} has a=setup:holdconn`);
    if (type !== 'offer' && t.setup === 'actpass') throw domException('InvalidAccessError', 'an answer cannot say a=setup:actpass');
    if (m.kind === 'audio' || m.kind === 'video') {
      // W3C rtcpMuxPolicy "require" (the only one): RTP sections without a=rtcp-mux cannot be used.
      if (!m.rtcpMux) throw domException('InvalidAccessError', `m-section ${i} has no a=rtcp-mux (rtcpMuxPolicy is require)`);
      // RFC 5761 §4: with RTCP on the RTP port, payload types 64-95 would read as RTCP packet types.
      const clash = m.formats.find((f) => Number(f) >= 64 && Number(f) <= 95);
      if (clash !== undefined) throw domException('InvalidAccessError', `m-section ${i} uses payload type ${clash}, which collides with RTCP under rtcp-mux (RFC 5761 §4)`);
    }
  }
  if (type === 'offer' || localOffer === undefined) return;
  if (sd.media.length !== localOffer.media.length) {
    throw domException('InvalidAccessError', `the answer has ${sd.media.length} m-sections, the offer ${localOffer.media.length}`);
  }
  sd.media.forEach((m, i) => {
    const o = localOffer.media[i]!;
    if (m.mid !== o.mid || m.kind !== o.kind) throw domException('InvalidAccessError', `m-section ${i} of the answer does not match the offer`);
    if (!isRejected(m)) checkExtmapIds(m, o, i);
  });
}

/**
 * An answer keeps the offer's header extension IDs (RFC 8829 §5.3.1, RFC 8285 §6): an extension
 * the offer named under another ID, or an ID the offer gave another extension, would make each
 * side read the other's extensions as something else. InvalidAccessError, as libwebrtc refuses it.
 */
function checkExtmapIds(answer: MediaSection, offer: MediaSection, i: number): void {
  for (const e of answer.extmaps) {
    const byUri = offer.extmaps.find((x) => x.uri === e.uri);
    const byId = offer.extmaps.find((x) => x.id === e.id);
    if ((byUri !== undefined && byUri.id !== e.id) || (byId !== undefined && byId.uri !== e.uri)) {
      throw domException('InvalidAccessError', `m-section ${i} of the answer maps extension ${e.uri} to id ${e.id}, which the offer ${byUri !== undefined && byUri.id !== e.id ? `gave id ${byUri.id}` : `gave ${byId!.uri}`}`);
    }
  }
}

/** The data channel section of a description, if accepted. */
export function dataSection(sd: SessionDescription | undefined): MediaSection | undefined {
  return sd?.media.find((m) => m.kind === 'application' && !isRejected(m) && sctpParameters(m) !== undefined);
}

/**
 * W3C §4.7.3 "check if negotiation is needed", given the current descriptions and parts.
 */
export function negotiationNeeded(o: {
  iceRestartPending: boolean;
  currentLocal: AppliedDescription | undefined;
  currentRemote: AppliedDescription | undefined;
  dataWanted: boolean;
  transceivers: readonly RTCRtpTransceiver[];
}): boolean {
  if (o.iceRestartPending) return true;
  const local = o.currentLocal;
  if (local === undefined) return o.dataWanted || o.transceivers.some((t) => !t.stopping);
  if (o.dataWanted && dataSection(local.model) === undefined) return true;
  for (const t of o.transceivers) {
    const section = t.mid === null ? undefined : local.model.media.find((m) => m.mid === t.mid);
    if (t.stopping) {
      if (!t.stopped && section !== undefined && !isRejected(section)) return true;
      continue;
    }
    if (section === undefined) return true;
    if (isRejected(section)) continue;
    const dir = t.sdpDirection;
    if (dir === 'sendrecv' || dir === 'sendonly') {
      // The streams of the section's a=msid lines against the sender's, as sets (order and repeats do not count).
      const offered = new Set(section.msids.map((m) => m.streamId));
      const wanted = t.sender.msidStreamIds;
      if (offered.size !== wanted.length || wanted.some((id) => !offered.has(id))) return true;
    }
    if (local.type === 'offer') {
      const remoteSection = o.currentRemote?.model.media.find((m) => m.mid === t.mid);
      const remoteDir = remoteSection?.direction === undefined ? undefined : reverseDirection(remoteSection.direction);
      if ((section.direction ?? 'sendrecv') !== dir && remoteDir !== dir) return true;
    } else {
      const offered = o.currentRemote?.model.media.find((m) => m.mid === t.mid)?.direction ?? 'sendrecv';
      if ((section.direction ?? 'sendrecv') !== answerDirection(offered, dir)) return true;
    }
  }
  return false;
}

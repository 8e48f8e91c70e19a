/**
 * Candidates in applied descriptions (W3C §4.4.1.6 addIceCandidate, §5.6 gathering): trickled
 * candidates are added to the description they belong to, so `localDescription` and
 * `remoteDescription` always show what is known, and addIceCandidate's checks.
 */
import { effectiveTransport, parseCandidate, write, writeCandidate, type IceCandidate, type SessionDescription } from '@x/sdp';
import { domException } from './errors.js';
import { localIceCandidate, type LocalCandidateOrigin, type RTCIceCandidate, type RTCIceCandidateInit } from './ice-candidate.js';
import { transportSection, type AppliedDescription } from './negotiation.js';
import { RTCSessionDescription } from './session-description.js';

const same = (a: IceCandidate, b: IceCandidate): boolean =>
  a.foundation === b.foundation && a.address === b.address && a.port === b.port && a.transport === b.transport && a.component === b.component;

/** Adds a gathered candidate (or end-of-candidates for null) to the bundle's section, when the ufrag is the section's. */
export function applyLocalCandidate(sd: SessionDescription, c: IceCandidate | null, ufrag: string): void {
  const tag = transportSection(sd)?.section;
  if (tag === undefined || tag.iceUfrag !== ufrag) return;
  if (c === null) {
    tag.endOfCandidates = true;
    return;
  }
  if (!tag.candidates.some((x) => same(x, c))) tag.candidates.push(c);
}

/** A local description as the peer connection keeps it: the text and its model. */
export interface LocalDescriptionRecord {
  desc: RTCSessionDescription;
  applied: AppliedDescription;
}

/**
 * A gathered candidate (or null at the end) goes into the pending and current local descriptions;
 * returns what the `icecandidate` event carries: the candidate with the bundle's mid and index.
 */
export function addLocalCandidate(descriptions: Array<LocalDescriptionRecord | undefined>, c: IceCandidate | null, ufrag: string, origin?: LocalCandidateOrigin): RTCIceCandidate | null {
  const local = descriptions.find((d) => d !== undefined);
  const tag = local === undefined ? undefined : transportSection(local.applied.model);
  for (const d of descriptions) {
    if (d === undefined) continue;
    applyLocalCandidate(d.applied.model, c, ufrag);
    d.desc = new RTCSessionDescription({ type: d.desc.type, sdp: write(d.applied.model) });
  }
  if (c === null) return null;
  return localIceCandidate({ candidate: writeCandidate(c), sdpMid: tag?.section.mid ?? '0', sdpMLineIndex: tag?.index ?? 0, usernameFragment: ufrag }, origin);
}

/** What addIceCandidate found in a candidate. */
export interface RemoteCandidateResult {
  /** The parsed candidate; undefined for end-of-candidates. */
  candidate?: IceCandidate;
  /** The candidate's ICE generation (its ufrag, or the section's). */
  ufrag?: string;
  /** The candidate was '' (end-of-candidates, RFC 8838 §4.2). */
  endOfCandidates: boolean;
}

/**
 * addIceCandidate's checks (W3C §4.4.1.6): a mid not in the remote description, an index out of
 * range, a ufrag of no generation of the section, or an unparsable line are OperationError. The
 * candidate (or end-of-candidates) is added to the remote description.
 */
export function applyRemoteCandidate(sd: SessionDescription, init: RTCIceCandidateInit): RemoteCandidateResult {
  const mid = init.sdpMid ?? null;
  const index = init.sdpMLineIndex ?? null;
  let sections = sd.media;
  if (mid !== null) {
    const s = sd.media.find((m) => m.mid === mid);
    if (s === undefined) throw domException('OperationError', `no m-section with mid ${mid}`);
    sections = [s];
  } else if (index !== null) {
    const s = sd.media[index];
    if (s === undefined) throw domException('OperationError', `no m-section at index ${index}`);
    sections = [s];
  }
  const line = init.candidate ?? '';
  let candidate: IceCandidate | undefined;
  if (line !== '') {
    try {
      candidate = parseCandidate(line);
    } catch (e) {
      throw domException('OperationError', `the candidate does not parse: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const given = init.usernameFragment ?? null;
  if (given !== null && !sections.some((s) => effectiveTransport(sd, s).iceUfrag === given)) {
    throw domException('OperationError', `ufrag ${given} is not the remote description's`);
  }
  // The generation: the init's ufrag, else the line's own `ufrag` extension (which RTCIceCandidate
  // does not read into usernameFragment, W3C §4.8.2.1); a stale one is dropped by the transport.
  const ufrag = given ?? candidate?.ufrag ?? null;
  if (candidate === undefined) {
    for (const s of sections) s.endOfCandidates = true;
    return ufrag !== null ? { endOfCandidates: true, ufrag } : { endOfCandidates: true };
  }
  const target = sections[0]!;
  if (!target.candidates.some((x) => same(x, candidate))) target.candidates.push(candidate);
  return ufrag !== null ? { candidate, ufrag, endOfCandidates: false } : { candidate, endOfCandidates: false };
}

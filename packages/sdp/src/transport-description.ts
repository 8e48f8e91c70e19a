/** The ICE and DTLS parameters of an m= section (RFC 8839 §5, RFC 8842 §5). */
import { isIP } from 'node:net';
import type { IceCandidate } from './candidate.js';
import type { Connection, Fingerprint, MediaSection, SessionDescription, SetupRole } from './session-description.js';

/** Local ICE/DTLS parameters a builder writes into a section. */
export interface TransportDescription {
  /** Local ICE username fragment (at least 4 ice-chars, RFC 8839 §5.4). */
  iceUfrag: string;
  /** Local ICE password (at least 22 ice-chars). */
  icePwd: string;
  /** e.g. `['trickle']`. */
  iceOptions?: string[];
  /** DTLS certificate fingerprints; at least one for DTLS-SRTP and data channels. */
  fingerprints: Fingerprint[];
  /** Candidates gathered so far. The first UDP RTP one becomes the `m=`/`c=` default address. */
  candidates?: IceCandidate[];
  /** Write `a=end-of-candidates` (gathering done, RFC 8840). */
  endOfCandidates?: boolean;
}

/** A section's ICE/DTLS parameters with session-level values filling the gaps (RFC 8839 §5.4, RFC 8122 §5). */
export interface EffectiveTransport {
  /** Remote ICE username fragment. */
  iceUfrag?: string;
  /** Remote ICE password. */
  icePwd?: string;
  /** Remote ICE options (`trickle`, `ice2`). */
  iceOptions: string[];
  /** The remote agent is ICE lite. */
  iceLite: boolean;
  /** Remote DTLS certificate fingerprints. */
  fingerprints: Fingerprint[];
  /** Remote DTLS role. */
  setup?: SetupRole;
  /** Remote candidates given in the description. */
  candidates: IceCandidate[];
  /** The remote side has gathered all its candidates. */
  endOfCandidates: boolean;
}

/** Reads what the remote side said about one section's transport, media level first. */
export function effectiveTransport(sd: SessionDescription, section: MediaSection): EffectiveTransport {
  const t: EffectiveTransport = {
    iceOptions: section.iceOptions ?? sd.iceOptions ?? [],
    iceLite: sd.iceLite,
    fingerprints: section.fingerprints.length > 0 ? section.fingerprints : sd.fingerprints,
    candidates: section.candidates,
    endOfCandidates: section.endOfCandidates,
  };
  const ufrag = section.iceUfrag ?? sd.iceUfrag;
  const pwd = section.icePwd ?? sd.icePwd;
  const setup = section.setup ?? sd.setup;
  if (ufrag !== undefined) t.iceUfrag = ufrag;
  if (pwd !== undefined) t.icePwd = pwd;
  if (setup !== undefined) t.setup = setup;
  return t;
}

const NO_ADDRESS: Connection = { netType: 'IN', addressType: 'IP4', address: '0.0.0.0' };

/**
 * Writes ICE/DTLS attributes into a section. The `m=` port and `c=` come from the first UDP
 * component-1 candidate with an IP address (JSEP §5.3.1 default candidate; mDNS names are not
 * put in `c=`), else `9` and `IN IP4 0.0.0.0`.
 */
export function applyTransport(section: MediaSection, t: TransportDescription, setup: SetupRole, withCandidates = true): void {
  section.iceUfrag = t.iceUfrag;
  section.icePwd = t.icePwd;
  if (t.iceOptions !== undefined && t.iceOptions.length > 0) section.iceOptions = [...t.iceOptions];
  section.fingerprints = t.fingerprints.map((f) => ({ ...f }));
  section.setup = setup;
  const candidates = withCandidates ? (t.candidates ?? []) : [];
  section.candidates = candidates.map((c) => ({ ...c, extensions: [...c.extensions] }));
  section.endOfCandidates = withCandidates && (t.endOfCandidates ?? false);
  const def = candidates.find((c) => c.component === 1 && c.transport === 'udp' && isIP(c.address) !== 0);
  if (def !== undefined && section.port !== 0) {
    section.port = def.port;
    section.connection = { netType: 'IN', addressType: def.address.includes(':') ? 'IP6' : 'IP4', address: def.address };
  } else {
    if (section.port !== 0) section.port = 9;
    section.connection = { ...NO_ADDRESS };
  }
}

import { crc32 } from '@x/stun';
import { IceError } from './errors.js';
import { addressFamily, addressKey, type TransportAddress } from './transport-address.js';

/** Candidate types of RFC 8445 §5.1.1. */
export type CandidateType = 'host' | 'srflx' | 'prflx' | 'relay';

/** Recommended type preferences (RFC 8445 §5.1.2.2). */
export const TYPE_PREFERENCE: Readonly<Record<CandidateType, number>> = {
  host: 126,
  prflx: 110,
  srflx: 100,
  relay: 0,
};

/** The component WebRTC uses (RTP with rtcp-mux). */
export const RTP_COMPONENT = 1;

/** An ICE candidate as signalled (RFC 8445 §5.1, RFC 8839 §5.1 grammar). */
export interface Candidate {
  /** Up to 32 ice-chars; equal for candidates of like type, base and server (§5.1.1.3). */
  readonly foundation: string;
  /** Component ID, 1–256; 1 for WebRTC. */
  readonly component: number;
  /** Transport: `udp`, or `tcp` (RFC 6544, with {@link tcpType}); others are parsed and ignored. */
  readonly transport: string;
  /** Priority, 1–2^32-1 (§5.1.2). */
  readonly priority: number;
  /** Connection address: an IP, or an mDNS `.local` name before resolution. */
  readonly address: string;
  /** Port. */
  readonly port: number;
  /** Candidate type. */
  readonly type: CandidateType;
  /** `raddr`, for srflx/prflx/relay. */
  readonly relatedAddress?: string;
  /** `rport`, for srflx/prflx/relay. */
  readonly relatedPort?: number;
  /** `tcptype` of a TCP candidate (RFC 6544 §4.5): `active`, `passive` or `so`. */
  readonly tcpType?: string;
  /** Extension attributes (`generation 0`, `ufrag x`, `network-id 1` …) in order. */
  readonly extensions?: ReadonlyArray<readonly [string, string]>;
}

/** A candidate of this agent: it knows the socket it is sent from and its base. */
export interface LocalCandidate extends Candidate {
  /** Id of the socket (or TURN allocation) the candidate sends from. */
  readonly socketId: number;
  /** The base (§5.1.1.1): the host address of the socket, or the relayed address itself. */
  readonly base: TransportAddress;
  /** srflx: the STUN server that answered with the mapped address. */
  readonly server?: TransportAddress;
  /**
   * srflx and relay, as {@link IceTransport} announces them: the `stun:`/`turn:` URL of the server
   * the candidate came from (W3C `RTCIceCandidate.url`).
   */
  readonly url?: string;
  /** relay, as {@link IceTransport} announces it: how the TURN server is reached (W3C `RTCIceCandidate.relayProtocol`). */
  readonly relayProtocol?: RelayProtocol;
}

/**
 * Local preference (§5.1.2.1, with RFC 8421 in mind): orders interfaces (lower index first) and
 * prefers IPv6 over IPv4 on the same interface, keeping the value within 0–65535.
 */
export function localPreference(interfaceIndex: number, family: 4 | 6): number {
  const idx = Math.max(0, Math.min(Math.floor(interfaceIndex), 63));
  return 65535 - idx * 1024 - (family === 4 ? 512 : 0);
}

/** How a relayed candidate reaches its TURN server (RFC 8656 §3.1); the relay itself is UDP. */
export type RelayProtocol = 'udp' | 'tcp' | 'tls';

const RELAY_PROTOCOL_RANK: Readonly<Record<RelayProtocol, number>> = { udp: 0, tcp: 1, tls: 2 };

/**
 * Local preference of a relayed candidate (§5.1.2.1): UDP to the TURN server before TCP before
 * TLS, as libwebrtc ranks them (a stream to the server adds head-of-line blocking, TLS its
 * overhead too). The protocol outweighs the address family, which orders candidates within it.
 */
export function relayLocalPreference(family: 4 | 6, protocol: RelayProtocol): number {
  return localPreference(0, family) - RELAY_PROTOCOL_RANK[protocol] * 8192;
}

/** The `tcptype`s of RFC 6544 §4.5 this agent makes candidates of (simultaneous-open is not gathered). */
export type TcpType = 'active' | 'passive';

/** RFC 6544 §4.2's direction preference (0–7): active before passive before simultaneous-open. */
const TCP_DIRECTION_PREFERENCE: Readonly<Record<string, number>> = { active: 6, passive: 4, so: 2 };

/**
 * Local preference of a TCP candidate (RFC 6544 §4.2): `2^13 * direction-pref + other-pref`, the
 * other preference ordering interfaces and IPv6 before IPv4 as {@link localPreference} does. At
 * most 57343, below a UDP candidate's on the same interface (65023 or more), so UDP is preferred.
 */
export function tcpLocalPreference(interfaceIndex: number, family: 4 | 6, tcpType: string): number {
  const idx = Math.max(0, Math.min(Math.floor(interfaceIndex), 63));
  return 0x2000 * (TCP_DIRECTION_PREFERENCE[tcpType] ?? 0) + 8191 - idx * 64 - (family === 4 ? 32 : 0);
}

/**
 * Candidate priority (RFC 8445 §5.1.2.1):
 * `2^24 * type preference + 2^8 * local preference + (256 - component ID)`.
 */
export function candidatePriority(typePreference: number, localPref: number, component = RTP_COMPONENT): number {
  if (typePreference < 0 || typePreference > 126 || localPref < 0 || localPref > 65535 || component < 1 || component > 256) {
    throw new IceError('invalid-parameter', 'priority input out of range');
  }
  return typePreference * 0x1000000 + localPref * 0x100 + (256 - component);
}

/**
 * Foundation (§5.1.1.3): equal for the same type, base IP, STUN/TURN server and transport.
 * A short decimal digest of those, as libwebrtc does.
 */
export function computeFoundation(type: CandidateType, baseAddress: string, server?: string, transport = 'udp'): string {
  const key = `${type}|${baseAddress}|${server ?? ''}|${transport}`;
  return String(crc32(new TextEncoder().encode(key)));
}

/**
 * Whether two candidates may be paired: same component, transport and IP family (§6.1.2.2); for
 * TCP, an active end with a passive one, or simultaneous-open with simultaneous-open (RFC 6544 §6.2).
 */
export function canPair(local: Candidate, remote: Candidate): boolean {
  const transport = local.transport.toLowerCase();
  return (
    local.component === remote.component &&
    transport === remote.transport.toLowerCase() &&
    (transport !== 'tcp' || tcpTypesPair(local.tcpType, remote.tcpType)) &&
    addressFamily(local.address) !== 0 &&
    addressFamily(local.address) === addressFamily(remote.address)
  );
}

function tcpTypesPair(local: string | undefined, remote: string | undefined): boolean {
  return (local === 'active' && remote === 'passive') || (local === 'passive' && remote === 'active') || (local === 'so' && remote === 'so');
}

/**
 * The key of a remote candidate's transport address among the agent's: the address, with `tcp:`
 * before it for TCP, so a UDP and a TCP candidate on one port (a server muxing both) are two.
 */
export function remoteKey(transport: string, address: TransportAddress): string {
  return transport === 'tcp' ? `tcp:${addressKey(address)}` : addressKey(address);
}

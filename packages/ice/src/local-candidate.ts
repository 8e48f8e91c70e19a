// Making candidates of each type with their priority and foundation (RFC 8445 §5.1.1, §5.1.2,
// §7.2.5.3.1, §7.3.1.3).
import {
  candidatePriority,
  computeFoundation,
  localPreference,
  relayLocalPreference,
  RTP_COMPONENT,
  tcpLocalPreference,
  TYPE_PREFERENCE,
  type Candidate,
  type LocalCandidate,
  type RelayProtocol,
  type TcpType,
} from './candidate.js';
import { IceError } from './errors.js';
import { addressFamily, type TransportAddress } from './transport-address.js';

function familyOf(address: string): 4 | 6 {
  const f = addressFamily(address);
  if (f === 0) throw new IceError('invalid-address', `not an IP: ${address}`);
  return f;
}

/** A host candidate on a socket; `interfaceIndex` orders interfaces in the local preference. */
export function hostCandidate(socketId: number, address: TransportAddress, interfaceIndex = 0): LocalCandidate {
  const family = familyOf(address.address);
  return {
    foundation: computeFoundation('host', address.address),
    component: RTP_COMPONENT,
    transport: 'udp',
    priority: candidatePriority(TYPE_PREFERENCE.host, localPreference(interfaceIndex, family)),
    address: address.address,
    port: address.port,
    type: 'host',
    socketId,
    base: { address: address.address, port: address.port },
  };
}

/** Port an active TCP candidate is announced with (RFC 6544 §4.5: the discard port, 9). */
export const TCP_ACTIVE_PORT = 9;

/**
 * A TCP host candidate (RFC 6544 §4.1): `passive` on a listening socket's address and port,
 * `active` on an address it connects from (announced with port 9; the real port is the kernel's).
 */
export function tcpHostCandidate(socketId: number, address: TransportAddress, tcpType: TcpType, interfaceIndex = 0): LocalCandidate {
  const family = familyOf(address.address);
  const port = tcpType === 'active' ? TCP_ACTIVE_PORT : address.port;
  return {
    foundation: computeFoundation('host', address.address, tcpType, 'tcp'),
    component: RTP_COMPONENT,
    transport: 'tcp',
    priority: candidatePriority(TYPE_PREFERENCE.host, tcpLocalPreference(interfaceIndex, family, tcpType)),
    address: address.address,
    port,
    type: 'host',
    tcpType,
    socketId,
    base: { address: address.address, port },
  };
}

/**
 * A relayed candidate; its base is itself and its related address the TURN-mapped one.
 * `protocol` is how the TURN server is reached: it ranks the candidate (UDP, TCP, TLS) and
 * separates foundations, as allocations over different protocols fail independently.
 */
export function relayCandidate(
  socketId: number,
  relayed: TransportAddress,
  mapped: TransportAddress,
  server: string,
  protocol: RelayProtocol = 'udp',
): LocalCandidate {
  const family = familyOf(relayed.address);
  return {
    foundation: computeFoundation('relay', mapped.address, protocol === 'udp' ? server : `${protocol}:${server}`),
    component: RTP_COMPONENT,
    transport: 'udp',
    priority: candidatePriority(TYPE_PREFERENCE.relay, relayLocalPreference(family, protocol)),
    address: relayed.address,
    port: relayed.port,
    type: 'relay',
    relatedAddress: mapped.address,
    relatedPort: mapped.port,
    socketId,
    base: { address: relayed.address, port: relayed.port },
  };
}

/** The local preference a candidate was given (bits 8–23 of its priority). */
function localPreferenceOf(c: Candidate): number {
  return Math.floor(c.priority / 0x100) & 0xffff;
}

/** A server-reflexive candidate learned from a STUN server for a host candidate. */
export function serverReflexiveCandidate(host: LocalCandidate, mapped: TransportAddress, server: string): LocalCandidate {
  return {
    foundation: computeFoundation('srflx', host.address, server),
    component: RTP_COMPONENT,
    transport: 'udp',
    // The same local preference as its base, so it ranks the same interface the same way.
    priority: candidatePriority(TYPE_PREFERENCE.srflx, localPreferenceOf(host)),
    address: mapped.address,
    port: mapped.port,
    type: 'srflx',
    relatedAddress: host.address,
    relatedPort: host.port,
    socketId: host.socketId,
    base: host.base,
  };
}

/**
 * The PRIORITY a check from `local` carries: what a peer-reflexive candidate learned from it
 * would get (§7.1.1).
 */
export function peerReflexivePriority(local: Candidate): number {
  return candidatePriority(TYPE_PREFERENCE.prflx, localPreferenceOf(local), local.component);
}

/** A local peer-reflexive candidate: the mapped address of a check's response (§7.2.5.3.1). */
export function localPeerReflexiveCandidate(from: LocalCandidate, mapped: TransportAddress, priority: number): LocalCandidate {
  return {
    foundation: computeFoundation('prflx', from.base.address),
    component: RTP_COMPONENT,
    transport: 'udp',
    priority,
    address: mapped.address,
    port: mapped.port,
    type: 'prflx',
    relatedAddress: from.base.address,
    relatedPort: from.base.port,
    socketId: from.socketId,
    base: from.base,
  };
}

/**
 * A remote peer-reflexive candidate: the source of a check from an unknown address (§7.3.1.3).
 * Arrived on a TCP candidate (`to`), it is TCP with the opposite tcptype (RFC 6544 §7.2).
 */
export function remotePeerReflexiveCandidate(source: TransportAddress, priority: number, to?: Candidate): Candidate {
  const tcp = to?.transport === 'tcp';
  return {
    foundation: computeFoundation('prflx', source.address, undefined, tcp ? 'tcp' : 'udp'),
    component: RTP_COMPONENT,
    transport: tcp ? 'tcp' : 'udp',
    priority,
    address: source.address,
    port: source.port,
    type: 'prflx',
    ...(tcp ? { tcpType: to.tcpType === 'passive' ? 'active' : to.tcpType === 'active' ? 'passive' : 'so' } : {}),
  };
}

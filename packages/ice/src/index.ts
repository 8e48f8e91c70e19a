export { IceError, type IceErrorCode } from './errors.js';
export {
  addressFamily,
  addressKey,
  sameAddress,
  ipToBytes,
  bytesToIp,
  canonicalIpv6,
  type TransportAddress,
} from './transport-address.js';
export {
  TYPE_PREFERENCE,
  RTP_COMPONENT,
  localPreference,
  relayLocalPreference,
  candidatePriority,
  computeFoundation,
  canPair,
  remoteKey,
  tcpLocalPreference,
  type TcpType,
  type Candidate,
  type CandidateType,
  type LocalCandidate,
  type RelayProtocol,
} from './candidate.js';
export { parseCandidate, formatCandidate } from './candidate-attribute.js';
export { CandidatePair, pairPriority, type CandidatePairState } from './candidate-pair.js';
export { Checklist, MAX_PAIRS } from './checklist.js';
export { generateIceParameters, validateIceParameters, type IceParameters } from './ice-parameters.js';
export { IceAgent } from './ice-agent.js';
export type {
  IceAgentEvent,
  IceAgentOptions,
  IceAgentStats,
  IceConnectionState,
  IceGatheringState,
  Transmit,
} from './ice-agent-types.js';
export {
  encodeCheckRequest,
  encodeCheckSuccess,
  encodeCheckError,
  encodeServerBindingRequest,
  type CheckRequest,
} from './connectivity-check.js';
export {
  IceTransport,
  type IceTransportEvents,
  type IceTransportOptions,
  type IceTransportStats,
  type DatagramTransport,
  type MdnsResolver,
} from './ice-transport.js';
export { hostAddresses, type HostAddress, type HostAddressFilter } from './host-addresses.js';
export { parseIceServerUrl, type IceServer, type IceServerUrl } from './ice-server.js';
export { bindUdpSocket } from './udp-socket.js';
export {
  IceUdpMux,
  IceUdpMuxConnection,
  type IceUdpMuxHandler,
  type IceUdpMuxOptions,
  type IceUdpMuxStats,
} from './udp-mux.js';
export {
  UdpMuxRouter,
  muxSourceKey,
  type UdpMuxRoute,
  type UdpMuxRouterSize,
  type UdpMuxRouterStats,
} from './udp-mux-router.js';
export {
  IceTcpMux,
  IceTcpMuxConnection,
  type IceTcpMuxHandler,
  type IceTcpMuxOptions,
  type IceTcpMuxSize,
  type IceTcpMuxStats,
} from './tcp-mux.js';
export { TcpMuxRouter, newTcpMuxRouterStats, type TcpMuxRouterStats } from './tcp-mux-router.js';
export { frameRfc4571, Rfc4571Deframer, MAX_RFC4571_FRAME } from './tcp-framing.js';
export { type IceCandidateError, type MdnsRegistrar, type TurnTlsOptions } from './ice-transport.js';
export {
  decodeDnsMessage,
  encodeDnsMessage,
  DNS_TYPE,
  DNS_CLASS_IN,
  type DnsMessage,
  type DnsQuestion,
  type DnsRecord,
} from './dns-message.js';
export {
  MdnsResponder,
  MulticastMdns,
  encodeMdnsQuery,
  mdnsAnswerFor,
  generateMdnsName,
  isMdnsName,
  MDNS_GROUP_V4,
  MDNS_PORT,
  type MulticastMdnsOptions,
} from './mdns.js';

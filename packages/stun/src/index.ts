export { StunError, type StunErrorCode } from './stun-error.js';
export {
  StunMethod,
  StunClass,
  encodeMessageType,
  methodOf,
  classOf,
  messageTypeName,
} from './message-type.js';
export { AttributeType, attributeName, isComprehensionRequired, knownAttributeTypes } from './attribute-type.js';
export {
  attr,
  textCodec,
  bytesCodec,
  u32Codec,
  u64Codec,
  flagCodec,
  type AttributeCodec,
  type StunAttribute,
} from './attribute-codec.js';
export {
  type AddressFamily,
  type TransportAddress,
  familyOf,
  formatTransportAddress,
} from './transport-address.js';
export {
  MappedAddress,
  XorMappedAddress,
  AlternateServer,
  XorPeerAddress,
  XorRelayedAddress,
} from './address-attributes.js';
export {
  ErrorCode,
  AddressErrorCode,
  UnknownAttributes,
  StunErrorCodes,
  reasonPhrase,
  type ErrorCodeValue,
  type AddressErrorCodeValue,
} from './error-code.js';
export {
  Username,
  Userhash,
  MessageIntegrity,
  MessageIntegritySha256,
  Fingerprint,
  Realm,
  Nonce,
  Software,
  AlternateDomain,
  PasswordAlgorithm,
  PasswordAlgorithms,
  PasswordAlgorithmId,
  type PasswordAlgorithmValue,
} from './stun-attributes.js';
export {
  ChannelNumber,
  Lifetime,
  Data,
  DontFragment,
  ReservationToken,
  RequestedAddressFamily,
  AdditionalAddressFamily,
  EvenPort,
  RequestedTransport,
  TransportProtocol,
  Icmp,
  type IcmpValue,
} from './turn-attributes.js';
export { Priority, UseCandidate, IceControlled, IceControlling } from './ice-attributes.js';
export { attributeCodecs } from './attribute-registry.js';
export {
  StunMessage,
  decodeMessage,
  isStunMessage,
  MAGIC_COOKIE,
  HEADER_LENGTH,
  type RawAttribute,
  type DecodeOptions,
} from './message.js';
export { encodeMessage, type StunMessageInit, type EncodeOptions } from './message-encoder.js';
export { verifyMessageIntegrity, computeIntegrity, type IntegrityResult } from './message-integrity.js';
export { crc32, computeFingerprint, FINGERPRINT_XOR } from './fingerprint.js';
export {
  shortTermKey,
  longTermKey,
  userhash,
  opaqueString,
  passwordAlgorithmName,
  type PasswordAlgorithmName,
} from './credentials.js';
export { newTransactionId, transactionKey } from './transaction-id.js';
export {
  parseChannelData,
  encodeChannelData,
  isChannelData,
  MIN_CHANNEL_NUMBER,
  MAX_CHANNEL_NUMBER,
  type ChannelData,
} from './channel-data.js';
export { ClientTransaction, type TransactionOptions } from './client-transaction.js';
export { TransactionTable, type Transmit, type TransactionOutcome } from './transaction-table.js';
export {
  bindUdpSocket,
  maxSocketBufferSizes,
  socketAddress,
  fromRemoteInfo,
  type UdpBindOptions,
} from './udp-socket.js';
export {
  StunClient,
  type StunClientOptions,
  type StunClientStats,
  type StunResponse,
  type BindingResult,
} from './stun-client.js';
export {
  BindingServer,
  startBindingServer,
  type BindingServerOptions,
  type BindingServerStats,
  type BindingServerEvent,
  type BindingServerSocket,
} from './binding-server.js';
export { canonicalAddress } from './transport-address.js';
export {
  TurnClient,
  type TurnClientOptions,
  type TurnClientStats,
  type TurnEvent,
  type TurnOperation,
  type TurnState,
} from './turn-client.js';
export {
  TurnClientAdapter,
  type TurnAllocation,
  type TurnClientEvents,
  type TurnDataHandler,
  type DatagramTransport,
} from './turn-adapter.js';
export { TurnUdpClient, type TurnUdpClientOptions } from './turn-udp-client.js';
export { StreamFramer } from './stream-framer.js';
export {
  TurnStreamClient,
  TurnTcpClient,
  TurnTlsClient,
  type TurnTcpClientOptions,
  type TurnTlsClientOptions,
} from './turn-stream-client.js';

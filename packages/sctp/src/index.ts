export { SctpError, type SctpErrorCode } from './sctp-error.js';
export { crc32c, crc32cUpdate } from './crc32c.js';
export { ChunkType, InitParameterType, ReconfigParameterType, ReconfigResult, CauseCode } from './chunk-type.js';
export type {
  Chunk,
  DataChunk,
  InitChunk,
  SackChunk,
  GapAckBlock,
  HeartbeatChunk,
  AbortChunk,
  ShutdownChunk,
  EmptyChunk,
  CookieEchoChunk,
  ForwardTsnChunk,
  ForwardTsnStream,
  ReconfigChunk,
  UnknownChunk,
} from './chunk.js';
export type {
  ReconfigParameter,
  OutgoingSsnResetRequest,
  IncomingSsnResetRequest,
  SsnTsnResetRequest,
  ReconfigurationResponse,
  AddStreamsRequest,
} from './reconfig-parameter.js';
export type { Tlv } from './tlv.js';
export { decodePacket, encodePacket, packetChecksum, type Packet, type CommonHeader } from './packet.js';
export {
  Association,
  type AssociationOptions,
  type AssociationHandler,
  type AssociationState,
  type AssociationStats,
  type AssociationCongestion,
} from './association.js';
export type { SendOptions } from './send-queue.js';
export { DEFAULT_RTO, type RtoOptions } from './rto.js';
export { Ppid, ChannelType, DcepMessageType, decodeDcep, encodeDcep, type DcepMessage, type DataChannelOpen, type DataChannelAck } from './dcep.js';
export { DataChannel, type DataChannelInit, type DataChannelState, type DataChannelEvents, type DataChannelHost } from './data-channel.js';
export {
  DataChannelManager,
  type DataChannelManagerOptions,
  type DataChannelManagerEvents,
  type DataChannelStats,
} from './data-channel-manager.js';
export { SctpTransport, type SctpTransportOptions, type DatagramTransport } from './sctp-transport.js';

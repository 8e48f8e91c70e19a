// Numbers assigned by RFC 9260 §3.2, RFC 3758 and RFC 6525 (IANA "Chunk Types", "Chunk Parameter
// Types", "Error Cause Codes").

/** Chunk types. */
export const ChunkType = {
  DATA: 0,
  INIT: 1,
  INIT_ACK: 2,
  SACK: 3,
  HEARTBEAT: 4,
  HEARTBEAT_ACK: 5,
  ABORT: 6,
  SHUTDOWN: 7,
  SHUTDOWN_ACK: 8,
  ERROR: 9,
  COOKIE_ECHO: 10,
  COOKIE_ACK: 11,
  SHUTDOWN_COMPLETE: 14,
  RE_CONFIG: 130,
  FORWARD_TSN: 192,
} as const;

/** INIT / INIT ACK parameter types. */
export const InitParameterType = {
  HEARTBEAT_INFO: 1,
  IPV4_ADDRESS: 5,
  IPV6_ADDRESS: 6,
  STATE_COOKIE: 7,
  UNRECOGNIZED_PARAMETER: 8,
  COOKIE_PRESERVATIVE: 9,
  HOST_NAME_ADDRESS: 11,
  SUPPORTED_ADDRESS_TYPES: 12,
  SUPPORTED_EXTENSIONS: 0x8008,
  /** Zero Checksum Acceptable (RFC 9653 §5.1). */
  ZERO_CHECKSUM_ACCEPTABLE: 0x8001,
  FORWARD_TSN_SUPPORTED: 0xc000,
} as const;

/** RE-CONFIG parameter types (RFC 6525 §4). */
export const ReconfigParameterType = {
  OUTGOING_SSN_RESET_REQUEST: 13,
  INCOMING_SSN_RESET_REQUEST: 14,
  SSN_TSN_RESET_REQUEST: 15,
  RECONFIGURATION_RESPONSE: 16,
  ADD_OUTGOING_STREAMS_REQUEST: 17,
  ADD_INCOMING_STREAMS_REQUEST: 18,
} as const;

/** Result codes of a Re-configuration Response (RFC 6525 §4.4). */
export const ReconfigResult = {
  SUCCESS_NOTHING_TO_DO: 0,
  SUCCESS_PERFORMED: 1,
  DENIED: 2,
  ERROR_WRONG_SSN: 3,
  ERROR_REQUEST_ALREADY_IN_PROGRESS: 4,
  ERROR_BAD_SEQUENCE_NUMBER: 5,
  IN_PROGRESS: 6,
} as const;

/** Error cause codes (RFC 9260 §3.3.10). */
export const CauseCode = {
  INVALID_STREAM_IDENTIFIER: 1,
  MISSING_MANDATORY_PARAMETER: 2,
  STALE_COOKIE_ERROR: 3,
  OUT_OF_RESOURCE: 4,
  UNRESOLVABLE_ADDRESS: 5,
  UNRECOGNIZED_CHUNK_TYPE: 6,
  INVALID_MANDATORY_PARAMETER: 7,
  UNRECOGNIZED_PARAMETERS: 8,
  NO_USER_DATA: 9,
  COOKIE_RECEIVED_WHILE_SHUTTING_DOWN: 10,
  RESTART_WITH_NEW_ADDRESSES: 11,
  USER_INITIATED_ABORT: 12,
  PROTOCOL_VIOLATION: 13,
} as const;

/** Rounds a length up to the 4-byte boundary chunks and parameters are padded to. */
export function padded(n: number): number {
  return (n + 3) & ~3;
}

/**
 * Attribute type numbers (RFC 8489 §18.3, RFC 8656 §18, RFC 8445 §16.1).
 * Types 0x0000-0x7FFF are comprehension-required, 0x8000-0xFFFF comprehension-optional.
 */
export const AttributeType = {
  MAPPED_ADDRESS: 0x0001,
  USERNAME: 0x0006,
  MESSAGE_INTEGRITY: 0x0008,
  ERROR_CODE: 0x0009,
  UNKNOWN_ATTRIBUTES: 0x000a,
  CHANNEL_NUMBER: 0x000c,
  LIFETIME: 0x000d,
  XOR_PEER_ADDRESS: 0x0012,
  DATA: 0x0013,
  REALM: 0x0014,
  NONCE: 0x0015,
  XOR_RELAYED_ADDRESS: 0x0016,
  REQUESTED_ADDRESS_FAMILY: 0x0017,
  EVEN_PORT: 0x0018,
  REQUESTED_TRANSPORT: 0x0019,
  DONT_FRAGMENT: 0x001a,
  MESSAGE_INTEGRITY_SHA256: 0x001c,
  PASSWORD_ALGORITHM: 0x001d,
  USERHASH: 0x001e,
  XOR_MAPPED_ADDRESS: 0x0020,
  RESERVATION_TOKEN: 0x0022,
  PRIORITY: 0x0024,
  USE_CANDIDATE: 0x0025,
  ADDITIONAL_ADDRESS_FAMILY: 0x8000,
  ADDRESS_ERROR_CODE: 0x8001,
  PASSWORD_ALGORITHMS: 0x8002,
  ALTERNATE_DOMAIN: 0x8003,
  ICMP: 0x8004,
  SOFTWARE: 0x8022,
  ALTERNATE_SERVER: 0x8023,
  FINGERPRINT: 0x8028,
  ICE_CONTROLLED: 0x8029,
  ICE_CONTROLLING: 0x802a,
} as const;

/** True for types 0x0000-0x7FFF, which an agent must understand or reject (RFC 8489 §14). */
export function isComprehensionRequired(type: number): boolean {
  return type < 0x8000;
}

const names = new Map<number, string>(
  Object.entries(AttributeType).map(([k, v]) => [v, k.replace(/_/g, '-')]),
);

/** RFC name of an attribute type (`XOR-MAPPED-ADDRESS`), or `0x1234` when unknown. */
export function attributeName(type: number): string {
  return names.get(type) ?? `0x${type.toString(16).padStart(4, '0')}`;
}

/** Every attribute type this package has a codec for. */
export const knownAttributeTypes: ReadonlySet<number> = new Set(Object.values(AttributeType));

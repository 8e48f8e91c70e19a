/**
 * STUN message type: a 12-bit method and a 2-bit class interleaved in 14 bits
 * (RFC 8489 §5, figure 3: M11..M7 C1 M6..M4 C0 M3..M0).
 */

/** STUN and TURN methods (RFC 8489 §18.2, RFC 8656 §17). */
export const StunMethod = {
  Binding: 0x001,
  Allocate: 0x003,
  Refresh: 0x004,
  Send: 0x006,
  Data: 0x007,
  CreatePermission: 0x008,
  ChannelBind: 0x009,
} as const;
/** A method number (12 bits). */
export type StunMethod = number;

/** The four message classes. */
export const StunClass = {
  Request: 0,
  Indication: 1,
  SuccessResponse: 2,
  ErrorResponse: 3,
} as const;
/** A message class (0..3). */
export type StunClass = (typeof StunClass)[keyof typeof StunClass];

/** Packs a method and class into the 14-bit message type. */
export function encodeMessageType(method: number, messageClass: StunClass): number {
  return (
    (method & 0x000f) |
    ((method & 0x0070) << 1) |
    ((method & 0x0f80) << 2) |
    ((messageClass & 1) << 4) |
    ((messageClass & 2) << 7)
  );
}

/** The method of a 14-bit message type. */
export function methodOf(messageType: number): number {
  return (messageType & 0x000f) | ((messageType >> 1) & 0x0070) | ((messageType >> 2) & 0x0f80);
}

/** The class of a 14-bit message type. */
export function classOf(messageType: number): StunClass {
  return (((messageType >> 4) & 1) | ((messageType >> 7) & 2)) as StunClass;
}

const methodNames: Record<number, string> = {
  [StunMethod.Binding]: 'Binding',
  [StunMethod.Allocate]: 'Allocate',
  [StunMethod.Refresh]: 'Refresh',
  [StunMethod.Send]: 'Send',
  [StunMethod.Data]: 'Data',
  [StunMethod.CreatePermission]: 'CreatePermission',
  [StunMethod.ChannelBind]: 'ChannelBind',
};
const classNames = ['request', 'indication', 'success response', 'error response'] as const;

/** Human-readable name such as `Binding success response`, for logs. */
export function messageTypeName(method: number, messageClass: StunClass): string {
  const m = methodNames[method] ?? `0x${method.toString(16).padStart(3, '0')}`;
  return `${m} ${classNames[messageClass]}`;
}

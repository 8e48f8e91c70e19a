import type dgram from 'node:dgram';
import { XorMappedAddress } from './address-attributes.js';
import { attr, type StunAttribute } from './attribute-codec.js';
import { attributeCodecs } from './attribute-registry.js';
import { AttributeType } from './attribute-type.js';
import { ErrorCode, reasonPhrase, UnknownAttributes } from './error-code.js';
import { shortTermKey } from './credentials.js';
import { decodeMessage, MAGIC_COOKIE, type StunMessage } from './message.js';
import { encodeMessage } from './message-encoder.js';
import { classOf, methodOf, StunClass, StunMethod } from './message-type.js';
import { Software, Username } from './stun-attributes.js';
import { StunError } from './stun-error.js';
import type { TransportAddress } from './transport-address.js';
import { bindUdpSocket, fromRemoteInfo, socketAddress, type UdpBindOptions } from './udp-socket.js';

/** Options of a {@link BindingServer}. */
export interface BindingServerOptions {
  /** SOFTWARE to put in responses. */
  readonly software?: string;
  /**
   * Short-term credential check: when set, requests must carry USERNAME and a
   * MESSAGE-INTEGRITY made with this password (else 400/401), and responses are signed with it.
   */
  readonly password?: string;
}

/** Counters of a {@link BindingServer}. */
export interface BindingServerStats {
  /** Binding requests answered with success. */
  success: number;
  /** Requests answered with an error response (400, 401, 420). */
  errors: number;
  /** Indications received (and, as RFC 8489 says, not answered). */
  indications: number;
  /** Datagrams dropped: not STUN, malformed header, bad FINGERPRINT, responses. */
  dropped: number;
}

/** What the server made of a request, for logs. */
export interface BindingServerEvent {
  readonly source: TransportAddress;
  readonly outcome: 'success' | 'error' | 'indication' | 'dropped';
  readonly errorCode?: number;
  readonly reason?: string;
}

/**
 * A STUN Binding server, sans-IO (RFC 8489 §6.3). {@link handle} takes a datagram and its
 * source and returns the response to send back, if any. Never throws: bad datagrams are
 * counted and dropped, and the server keeps serving.
 */
export class BindingServer {
  /** Counters. */
  readonly stats: BindingServerStats = { success: 0, errors: 0, indications: 0, dropped: 0 };
  /** Last outcome, for logging adapters. */
  lastEvent: BindingServerEvent | undefined;
  private readonly software: string | undefined;
  private readonly key: Uint8Array | undefined;

  constructor(options: BindingServerOptions = {}) {
    this.software = options.software;
    this.key = options.password !== undefined ? shortTermKey(options.password) : undefined;
  }

  /** Handles one datagram from `source`; returns the bytes to send back to it, or undefined. */
  handle(data: Uint8Array, source: TransportAddress): Uint8Array | undefined {
    try {
      return this.handleUnsafe(data, source);
    } catch (e) {
      // Only StunError is expected here (e.g. an unencodable source); drop and live on.
      this.stats.dropped++;
      this.lastEvent = { source, outcome: 'dropped', reason: e instanceof StunError ? e.code : String(e) };
      return undefined;
    }
  }

  private handleUnsafe(data: Uint8Array, source: TransportAddress): Uint8Array | undefined {
    let msg: StunMessage;
    try {
      msg = decodeMessage(data);
    } catch (e) {
      // A request whose header is sound but whose attributes are not gets a 400; anything
      // else (not STUN, bad length, bad FINGERPRINT) is silently discarded (RFC 8489 §6.3).
      if (e instanceof StunError && e.code === 'TRUNCATED' && soundRequestHeader(data)) {
        return this.error(data.subarray(8, 20), methodOf((data[0]! << 8) | data[1]!), source, 400, e.message);
      }
      return this.drop(source, e instanceof StunError ? e.code : 'error');
    }
    if (msg.messageClass === StunClass.Indication) {
      this.stats.indications++;
      this.lastEvent = { source, outcome: 'indication' };
      return undefined;
    }
    if (msg.messageClass !== StunClass.Request) return this.drop(source, 'not a request');
    if (msg.method !== StunMethod.Binding) {
      return this.error(msg.transactionId, msg.method, source, 400, 'unsupported method');
    }
    const unknown = msg.unknownComprehensionRequired();
    if (unknown.length > 0) {
      return this.error(msg.transactionId, msg.method, source, 420, undefined, [attr(UnknownAttributes, unknown)]);
    }
    // Every known attribute must decode: a malformed one makes a bad request.
    for (const a of msg.attributes) {
      const codec = attributeCodecs.get(a.type);
      if (!codec) continue;
      try {
        msg.get(codec);
      } catch (e) {
        return this.error(msg.transactionId, msg.method, source, 400, (e as Error).message);
      }
    }
    if (this.key) {
      const hasMi =
        msg.has(AttributeType.MESSAGE_INTEGRITY) || msg.has(AttributeType.MESSAGE_INTEGRITY_SHA256);
      if (!hasMi || !msg.has(Username)) return this.error(msg.transactionId, msg.method, source, 400, 'no credentials');
      try {
        msg.verifyIntegrity(this.key);
      } catch {
        return this.error(msg.transactionId, msg.method, source, 401, undefined, [], false);
      }
    }
    const attributes: StunAttribute[] = [attr(XorMappedAddress, source)];
    if (this.software) attributes.push(attr(Software, this.software));
    this.stats.success++;
    this.lastEvent = { source, outcome: 'success' };
    return encodeMessage(
      { method: StunMethod.Binding, messageClass: StunClass.SuccessResponse, transactionId: msg.transactionId, attributes },
      { messageIntegrity: this.key, fingerprint: true },
    );
  }

  private drop(source: TransportAddress, reason: string): undefined {
    this.stats.dropped++;
    this.lastEvent = { source, outcome: 'dropped', reason };
    return undefined;
  }

  private error(
    transactionId: Uint8Array,
    method: number,
    source: TransportAddress,
    code: number,
    reason?: string,
    extra: StunAttribute[] = [],
    sign = true,
  ): Uint8Array {
    this.stats.errors++;
    this.lastEvent = { source, outcome: 'error', errorCode: code, reason: reason ?? reasonPhrase(code) };
    const attributes: StunAttribute[] = [attr(ErrorCode, { code, reason: reasonPhrase(code) }), ...extra];
    if (this.software) attributes.push(attr(Software, this.software));
    return encodeMessage(
      { method, messageClass: StunClass.ErrorResponse, transactionId: Uint8Array.from(transactionId), attributes },
      { messageIntegrity: sign && code !== 400 ? this.key : undefined, fingerprint: true },
    );
  }
}

/** Header checks of RFC 8489 §6.3 that do not depend on the attributes. */
function soundRequestHeader(data: Uint8Array): boolean {
  if (data.length < 20 || (data[0]! & 0xc0) !== 0) return false;
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return (
    v.getUint32(4) === MAGIC_COOKIE &&
    v.getUint16(2) + 20 === data.length &&
    v.getUint16(2) % 4 === 0 &&
    classOf(v.getUint16(0)) === StunClass.Request
  );
}

/** A running UDP binding server. */
export interface BindingServerSocket {
  /** The bound address (port resolved when 0 was asked). */
  readonly address: TransportAddress;
  /** The sans-IO core, with its counters. */
  readonly server: BindingServer;
  /** Stops serving and closes the socket. */
  close(): Promise<void>;
}

/**
 * Serves Binding requests on a UDP socket (loopback by default). `onEvent` sees each outcome,
 * for logs.
 */
export async function startBindingServer(
  options: UdpBindOptions & BindingServerOptions & { onEvent?: (e: BindingServerEvent) => void } = {},
): Promise<BindingServerSocket> {
  const socket: dgram.Socket = await bindUdpSocket(options);
  const server = new BindingServer(options);
  socket.on('message', (data, rinfo) => {
    const source = fromRemoteInfo(rinfo);
    const reply = server.handle(data, source);
    if (server.lastEvent) options.onEvent?.(server.lastEvent);
    if (reply) socket.send(reply, rinfo.port, rinfo.address, () => {});
  });
  socket.on('error', () => {
    server.stats.dropped++;
  });
  return {
    address: socketAddress(socket),
    server,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

import type dgram from 'node:dgram';
import { XorMappedAddress, MappedAddress } from './address-attributes.js';
import { attr } from './attribute-codec.js';
import { ErrorCode } from './error-code.js';
import { decodeMessage, isStunMessage, type StunMessage } from './message.js';
import { encodeMessage, type EncodeOptions, type StunMessageInit } from './message-encoder.js';
import { StunClass, StunMethod } from './message-type.js';
import { Software } from './stun-attributes.js';
import { StunError } from './stun-error.js';
import { TransactionTable, type TransactionOutcome } from './transaction-table.js';
import { type TransactionOptions } from './client-transaction.js';
import type { TransportAddress } from './transport-address.js';
import { bindUdpSocket, socketAddress, type UdpBindOptions } from './udp-socket.js';

/** A response and how long it took. */
export interface StunResponse {
  readonly response: StunMessage;
  /** ms from first transmission to the response. */
  readonly rtt: number;
  readonly transmissions: number;
}

/** Result of a Binding transaction. */
export interface BindingResult extends StunResponse {
  /** XOR-MAPPED-ADDRESS (or MAPPED-ADDRESS from an old server): the server-reflexive address. */
  readonly mapped: TransportAddress;
}

/** Counters of a client. */
export interface StunClientStats {
  sent: number;
  received: number;
  /** Datagrams that were not STUN, failed to decode, or answered nothing outstanding. */
  dropped: number;
}

interface Pending {
  readonly remote: { address: string; port: number };
  resolve(r: StunResponse): void;
  reject(e: StunError): void;
}

/** Options of {@link StunClient.bind}. */
export interface StunClientOptions extends UdpBindOptions, TransactionOptions {}

/**
 * STUN client over node:dgram: an adapter around {@link TransactionTable} that owns one UDP
 * socket, the clock and a single timer. Bad datagrams are dropped and counted; nothing throws
 * out of the socket's event handlers.
 */
export class StunClient {
  /** Counters. */
  readonly stats: StunClientStats = { sent: 0, received: 0, dropped: 0 };
  private readonly socket: dgram.Socket;
  private readonly table: TransactionTable<Pending>;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  /** Binds a socket (loopback by default) and makes a client on it. */
  static async bind(options: StunClientOptions = {}): Promise<StunClient> {
    return new StunClient(await bindUdpSocket(options), options);
  }

  /** Adopts a bound socket; the client closes it on {@link close}. */
  constructor(socket: dgram.Socket, options: TransactionOptions = {}) {
    this.socket = socket;
    this.table = new TransactionTable(options);
    socket.on('message', (data) => this.onDatagram(data));
    socket.on('error', () => {
      this.stats.dropped++;
    });
  }

  /** The socket's local address. */
  get localAddress(): TransportAddress {
    return socketAddress(this.socket);
  }

  /**
   * Sends a request and resolves with the matching response, success or error class (check
   * `response.messageClass`). Rejects with `TIMEOUT` or `CLOSED`.
   */
  request(
    init: StunMessageInit | Uint8Array,
    remote: { address: string; port: number },
    options?: EncodeOptions,
  ): Promise<StunResponse> {
    if (this.closed) return Promise.reject(new StunError('CLOSED', 'client closed'));
    const bytes = init instanceof Uint8Array ? init : encodeMessage(init, options);
    return new Promise((resolve, reject) => {
      this.table.start(bytes, performance.now(), { remote, resolve, reject });
      this.flush();
    });
  }

  /** Sends a Binding request and returns the mapped address. Rejects with `ERROR_RESPONSE` on an error response. */
  async binding(
    server: { address: string; port: number },
    options: { software?: string; fingerprint?: boolean } = {},
  ): Promise<BindingResult> {
    const r = await this.request(
      {
        method: StunMethod.Binding,
        messageClass: StunClass.Request,
        attributes: options.software ? [attr(Software, options.software)] : [],
      },
      server,
      { fingerprint: options.fingerprint ?? true },
    );
    if (r.response.messageClass === StunClass.ErrorResponse) {
      const e = r.response.get(ErrorCode);
      throw new StunError('ERROR_RESPONSE', `Binding error ${e?.code ?? '?'} ${e?.reason ?? ''}`.trim(), {
        errorCode: e?.code,
      });
    }
    const unknown = r.response.unknownComprehensionRequired();
    if (unknown.length > 0) {
      throw new StunError('UNKNOWN_ATTRIBUTE', 'Binding response with unknown comprehension-required attributes', {
        unknownAttributes: unknown,
      });
    }
    const mapped = r.response.get(XorMappedAddress) ?? r.response.get(MappedAddress);
    if (!mapped) throw new StunError('BAD_ATTRIBUTE', 'Binding response without XOR-MAPPED-ADDRESS');
    return { ...r, mapped };
  }

  /** Closes the socket; outstanding requests reject with `CLOSED`. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const p of this.table.clear()) p.reject(new StunError('CLOSED', 'client closed'));
    this.socket.close();
  }

  private onDatagram(data: Buffer): void {
    this.stats.received++;
    if (!isStunMessage(data)) {
      this.stats.dropped++;
      return;
    }
    let outcome: TransactionOutcome<Pending> | undefined;
    try {
      const msg = decodeMessage(data);
      outcome = this.table.handleResponse(msg, performance.now());
    } catch {
      outcome = undefined;
    }
    if (!outcome || outcome.kind !== 'response') {
      this.stats.dropped++;
      return;
    }
    outcome.context.resolve({ response: outcome.response, rtt: outcome.rtt, transmissions: outcome.transmissions });
    this.flush();
  }

  private flush(): void {
    if (this.closed) return;
    for (let t = this.table.pollTransmit(); t; t = this.table.pollTransmit()) {
      this.stats.sent++;
      this.socket.send(t.data, t.context.remote.port, t.context.remote.address, (err) => {
        if (err) this.stats.dropped++;
      });
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const next = this.table.nextTimeout();
    if (next !== undefined) {
      this.timer = setTimeout(() => {
        for (const o of this.table.handleTimeout(performance.now())) {
          if (o.kind === 'timeout') o.context.reject(o.error);
        }
        this.flush();
      }, Math.max(0, next - performance.now()));
    }
  }
}

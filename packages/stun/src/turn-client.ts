import { XorMappedAddress, XorPeerAddress, XorRelayedAddress } from './address-attributes.js';
import { attr, type StunAttribute } from './attribute-codec.js';
import { encodeChannelData, MAX_CHANNEL_NUMBER, MIN_CHANNEL_NUMBER, parseChannelData } from './channel-data.js';
import type { TransactionOptions } from './client-transaction.js';
import { longTermKey, type PasswordAlgorithmName } from './credentials.js';
import { ErrorCode } from './error-code.js';
import { decodeMessage, isStunMessage, type StunMessage } from './message.js';
import { encodeMessage } from './message-encoder.js';
import { StunClass, StunMethod } from './message-type.js';
import {
  Nonce,
  PasswordAlgorithm,
  PasswordAlgorithmId,
  PasswordAlgorithms,
  Realm,
  Software,
  Username,
  type PasswordAlgorithmValue,
} from './stun-attributes.js';
import { StunError } from './stun-error.js';
import { layerLogger, type Logger } from '@x/base';
import { TransactionTable, type TransactionOutcome } from './transaction-table.js';
import { canonicalAddress, type AddressFamily, type TransportAddress } from './transport-address.js';
import {
  ChannelNumber,
  Data,
  Lifetime,
  RequestedAddressFamily,
  RequestedTransport,
  TransportProtocol,
} from './turn-attributes.js';

/** Options of a {@link TurnClient}. */
export interface TurnClientOptions {
  /** Long-term credential user name. */
  readonly username: string;
  /** Long-term credential password. */
  readonly password: string;
  /** Lifetime to ask for in Allocate, seconds (server default when omitted). */
  readonly lifetime?: number;
  /** SOFTWARE sent in requests. */
  readonly software?: string;
  /** Family of the relayed address (REQUESTED-ADDRESS-FAMILY); the server picks IPv4 when omitted. */
  readonly requestedAddressFamily?: AddressFamily;
  /** Retransmission parameters (RFC 8489 §6.2.1 defaults; `reliable` over TCP/TLS). */
  readonly transaction?: TransactionOptions;
  /**
   * Pads ChannelData to a multiple of 4 bytes, as RFC 8656 §12.5 requires over TCP and TLS
   * (the stream framing depends on it); optional over UDP, so off by default.
   */
  readonly padChannelData?: boolean;
  /**
   * Where allocations, credential challenges and failed operations are logged (prefixed `[stun]`).
   * Without one, `NODE_DEBUG=x-stun` writes them to stderr.
   */
  readonly logger?: Logger;
}

/** The operations a {@link TurnClient} runs; each returns an id that its outcome event carries. */
export type TurnOperation = 'allocate' | 'refresh' | 'create-permission' | 'channel-bind';

/** What a {@link TurnClient} reports, in order, through {@link TurnClient.pollEvent}. */
export type TurnEvent =
  | { readonly type: 'allocated'; readonly id: number; readonly relayed: TransportAddress; readonly mapped: TransportAddress | undefined; readonly lifetime: number }
  | { readonly type: 'refreshed'; readonly id: number; readonly lifetime: number; readonly automatic: boolean }
  | { readonly type: 'deallocated'; readonly id: number }
  | { readonly type: 'permission-created'; readonly id: number; readonly peers: readonly string[]; readonly automatic: boolean }
  | { readonly type: 'channel-bound'; readonly id: number; readonly peer: TransportAddress; readonly channelNumber: number; readonly automatic: boolean }
  | { readonly type: 'data'; readonly peer: TransportAddress; readonly data: Uint8Array; readonly channelNumber: number | undefined }
  | { readonly type: 'error'; readonly id: number; readonly operation: TurnOperation; readonly error: StunError; readonly automatic: boolean };

/** Allocation state. */
export type TurnState = 'idle' | 'allocating' | 'allocated' | 'closed';

/** Counters. */
export interface TurnClientStats {
  /** Datagrams from the server that were malformed, unexpected, or for an unknown channel. */
  dropped: number;
  /** Data received from peers (Data indications + ChannelData). */
  dataReceived: number;
  /** Data sent to peers (Send indications + ChannelData). */
  dataSent: number;
  /** Requests repeated with credentials after a 401 challenge. */
  authRetries: number;
  /** Requests repeated with a new nonce after 438 (Stale Nonce). */
  staleNonceRetries: number;
}

interface Op {
  readonly id: number;
  readonly operation: TurnOperation;
  readonly automatic: boolean;
  readonly lifetime?: number;
  readonly peers?: readonly TransportAddress[];
  readonly channelNumber?: number;
  /** Retries so far after 401/438. */
  retries: number;
  /** Whether this attempt carried credentials. */
  authenticated: boolean;
}

interface Timed {
  /** When to refresh (ms). */
  refreshAt: number;
  /** Whether a refresh is in flight. */
  refreshing: boolean;
}

interface Channel extends Timed {
  readonly peer: TransportAddress;
  readonly channelNumber: number;
  bound: boolean;
}

/** Permission lifetime is 300 s (RFC 8656 §9); refresh a minute early. */
const PERMISSION_REFRESH_MS = 240_000;
/** Channel bindings last 600 s (RFC 8656 §12); refresh a minute early. */
const CHANNEL_REFRESH_MS = 540_000;
const MAX_AUTH_RETRIES = 3;
/** Delay before retrying a failed automatic refresh. */
const AUTOMATIC_RETRY_MS = 5_000;

const peerKey = (p: TransportAddress) => `${p.address}|${p.port}`;

/**
 * TURN client (RFC 8656), sans-IO. Give it datagrams (or frames cut from a TCP/TLS stream by
 * `StreamFramer`) from the server with
 * {@link handleIncoming}, the time with {@link handleTimeout}; send what {@link pollTransmit}
 * returns to the server; read outcomes and peer data from {@link pollEvent}.
 *
 * It answers 401 with the long-term credential (REALM, NONCE, MD5 or SHA-256 key per
 * PASSWORD-ALGORITHMS), retries on 438 (Stale Nonce) with the new nonce, checks
 * MESSAGE-INTEGRITY on every success response, and refreshes the allocation, permissions and
 * channel bindings before they expire.
 */
export class TurnClient {
  /** Counters. */
  readonly stats: TurnClientStats = { dropped: 0, dataReceived: 0, dataSent: 0, authRetries: 0, staleNonceRetries: 0 };
  private readonly options: TurnClientOptions;
  private readonly table: TransactionTable<Op>;
  private readonly out: Uint8Array[] = [];
  private readonly events: TurnEvent[] = [];
  private nextId = 1;
  private stateValue: TurnState = 'idle';
  private realm: string | undefined;
  private nonce: string | undefined;
  private key: Uint8Array | undefined;
  private algorithms: readonly PasswordAlgorithmValue[] | undefined;
  private algorithm: PasswordAlgorithmValue | undefined;
  private allocation: (Timed & { relayed: TransportAddress; lifetime: number }) | undefined;
  private readonly permissions = new Map<string, Timed & { peer: TransportAddress }>();
  private readonly channelsByPeer = new Map<string, Channel>();
  private readonly channelsByNumber = new Map<number, Channel>();
  private nextChannel = MIN_CHANNEL_NUMBER;
  private readonly log: Logger;

  constructor(options: TurnClientOptions) {
    this.options = options;
    this.log = layerLogger(options.logger, 'x-stun');
    this.table = new TransactionTable<Op>(options.transaction);
  }

  /** Allocation state. */
  get state(): TurnState {
    return this.stateValue;
  }

  /** The relayed transport address once allocated. */
  get relayedAddress(): TransportAddress | undefined {
    return this.allocation?.relayed;
  }

  /** Sends an Allocate request (UDP relay). Returns the operation id. */
  allocate(now: number): number {
    if (this.stateValue !== 'idle') throw new StunError('INVALID_STATE', `allocate in state ${this.stateValue}`);
    this.stateValue = 'allocating';
    return this.start({ operation: 'allocate', lifetime: this.options.lifetime }, now);
  }

  /** Refreshes the allocation; `lifetime` 0 deallocates (RFC 8656 §7). Returns the operation id. */
  refresh(now: number, lifetime?: number): number {
    this.requireAllocated('refresh');
    return this.start({ operation: 'refresh', lifetime }, now);
  }

  /** Deletes the allocation (Refresh with LIFETIME 0). */
  deallocate(now: number): number {
    return this.refresh(now, 0);
  }

  /** Installs (or refreshes) permissions for the peers' IP addresses (RFC 8656 §9). */
  createPermission(now: number, ...peers: TransportAddress[]): number {
    this.requireAllocated('createPermission');
    if (peers.length === 0) throw new StunError('INVALID_ARGUMENT', 'createPermission needs a peer');
    return this.start({ operation: 'create-permission', peers: peers.map(normalize) }, now);
  }

  /**
   * Binds a channel to `peer` (RFC 8656 §12), which also installs a permission. Returns the
   * operation id; the channel number comes with the `channel-bound` event.
   */
  bindChannel(now: number, peer: TransportAddress): number {
    this.requireAllocated('bindChannel');
    const p = normalize(peer);
    let ch = this.channelsByPeer.get(peerKey(p));
    if (!ch) {
      if (this.nextChannel > MAX_CHANNEL_NUMBER) throw new StunError('INVALID_STATE', 'no channel numbers left');
      ch = { peer: p, channelNumber: this.nextChannel++, bound: false, refreshAt: Infinity, refreshing: false };
      this.channelsByPeer.set(peerKey(p), ch);
      this.channelsByNumber.set(ch.channelNumber, ch);
    }
    return this.start({ operation: 'channel-bind', peers: [p], channelNumber: ch.channelNumber }, now);
  }

  /**
   * Sends data to a peer: ChannelData when a channel to it is bound, else a Send indication
   * (the peer needs a permission either way).
   */
  send(peer: TransportAddress, data: Uint8Array): void {
    this.requireAllocated('send');
    const p = normalize(peer);
    const ch = this.channelsByPeer.get(peerKey(p));
    if (ch?.bound) {
      this.out.push(encodeChannelData(ch.channelNumber, data, this.options.padChannelData ?? false));
    } else {
      this.out.push(
        encodeMessage({
          method: StunMethod.Send,
          messageClass: StunClass.Indication,
          attributes: [attr(XorPeerAddress, p), attr(Data, data)],
        }),
      );
    }
    this.stats.dataSent++;
  }

  /** The channel number bound to `peer`, if the binding is confirmed. */
  channelOf(peer: TransportAddress): number | undefined {
    const ch = this.channelsByPeer.get(peerKey(normalize(peer)));
    return ch?.bound ? ch.channelNumber : undefined;
  }

  /** Next datagram to send to the server. */
  pollTransmit(): Uint8Array | undefined {
    return this.out.shift() ?? this.table.pollTransmit()?.data;
  }

  /** Next event. */
  pollEvent(): TurnEvent | undefined {
    return this.events.shift();
  }

  /** Earliest time {@link handleTimeout} must run (ms), or undefined. */
  nextTimeout(): number | undefined {
    let t = this.table.nextTimeout() ?? Infinity;
    if (this.stateValue === 'allocated') {
      const a = this.allocation!;
      if (!a.refreshing) t = Math.min(t, a.refreshAt);
      for (const p of this.permissions.values()) if (!p.refreshing) t = Math.min(t, p.refreshAt);
      for (const c of this.channelsByPeer.values()) if (c.bound && !c.refreshing) t = Math.min(t, c.refreshAt);
    }
    return t === Infinity ? undefined : t;
  }

  /** Advances time: retransmissions, timeouts and automatic refreshes. */
  handleTimeout(now: number): void {
    for (const o of this.table.handleTimeout(now)) this.finish(o, now);
    if (this.stateValue !== 'allocated') return;
    const a = this.allocation!;
    if (!a.refreshing && now >= a.refreshAt) {
      a.refreshing = true;
      this.start({ operation: 'refresh', lifetime: this.options.lifetime, automatic: true }, now);
    }
    const due: TransportAddress[] = [];
    for (const p of this.permissions.values()) {
      if (!p.refreshing && now >= p.refreshAt) {
        p.refreshing = true;
        due.push(p.peer);
      }
    }
    if (due.length) this.start({ operation: 'create-permission', peers: due, automatic: true }, now);
    for (const c of this.channelsByPeer.values()) {
      if (c.bound && !c.refreshing && now >= c.refreshAt) {
        c.refreshing = true;
        this.start({ operation: 'channel-bind', peers: [c.peer], channelNumber: c.channelNumber, automatic: true }, now);
      }
    }
  }

  /** Handles a datagram from the server. Never throws: bad ones are counted and dropped. */
  handleIncoming(data: Uint8Array, now: number): void {
    try {
      if (data.length >= 4 && (data[0]! & 0xc0) === 0x40) {
        const cd = parseChannelData(data);
        const ch = this.channelsByNumber.get(cd.channelNumber);
        if (!ch || !ch.bound) {
          this.stats.dropped++;
          return;
        }
        this.stats.dataReceived++;
        this.events.push({ type: 'data', peer: ch.peer, data: cd.data, channelNumber: cd.channelNumber });
        return;
      }
      if (!isStunMessage(data)) {
        this.stats.dropped++;
        return;
      }
      const msg = decodeMessage(data);
      if (msg.messageClass === StunClass.Indication && msg.method === StunMethod.Data) {
        const peer = msg.get(XorPeerAddress);
        const payload = msg.get(Data);
        if (!peer || !payload) throw new StunError('BAD_ATTRIBUTE', 'Data indication without XOR-PEER-ADDRESS/DATA');
        this.stats.dataReceived++;
        this.events.push({ type: 'data', peer, data: payload, channelNumber: undefined });
        return;
      }
      const outcome = this.table.handleResponse(msg, now);
      if (!outcome) {
        this.stats.dropped++;
        return;
      }
      this.finish(outcome, now);
    } catch (e) {
      if (!(e instanceof StunError)) throw e;
      this.stats.dropped++;
    }
  }

  /** Forgets everything; pending operations report `CLOSED`. */
  close(): void {
    for (const op of this.table.clear()) this.fail(op, new StunError('CLOSED', 'TURN client closed'));
    this.stateValue = 'closed';
    this.out.length = 0;
  }

  private requireAllocated(what: string): void {
    if (this.stateValue !== 'allocated') throw new StunError('INVALID_STATE', `${what} in state ${this.stateValue}`);
  }

  private start(
    spec: { operation: TurnOperation; lifetime?: number; peers?: readonly TransportAddress[]; channelNumber?: number; automatic?: boolean },
    now: number,
  ): number {
    const op: Op = { id: this.nextId++, automatic: spec.automatic ?? false, retries: 0, authenticated: false, ...spec };
    this.send_(op, now);
    return op.id;
  }

  private send_(op: Op, now: number): void {
    const attributes: StunAttribute[] = [];
    let method: number;
    switch (op.operation) {
      case 'allocate':
        method = StunMethod.Allocate;
        attributes.push(attr(RequestedTransport, TransportProtocol.UDP));
        if (this.options.requestedAddressFamily) {
          attributes.push(attr(RequestedAddressFamily, this.options.requestedAddressFamily));
        }
        if (op.lifetime !== undefined) attributes.push(attr(Lifetime, op.lifetime));
        break;
      case 'refresh':
        method = StunMethod.Refresh;
        if (op.lifetime !== undefined) attributes.push(attr(Lifetime, op.lifetime));
        break;
      case 'create-permission':
        method = StunMethod.CreatePermission;
        for (const p of op.peers!) attributes.push(attr(XorPeerAddress, p));
        break;
      case 'channel-bind':
        method = StunMethod.ChannelBind;
        attributes.push(attr(ChannelNumber, op.channelNumber!), attr(XorPeerAddress, op.peers![0]!));
        break;
    }
    if (this.options.software) attributes.push(attr(Software, this.options.software));
    op.authenticated = this.key !== undefined;
    if (this.key) {
      attributes.push(attr(Username, this.options.username), attr(Realm, this.realm!), attr(Nonce, this.nonce!));
      if (this.algorithms && this.algorithm) {
        attributes.push(attr(PasswordAlgorithms, this.algorithms), attr(PasswordAlgorithm, this.algorithm));
      }
    }
    const request = encodeMessage(
      { method, messageClass: StunClass.Request, attributes },
      { messageIntegrity: this.key },
    );
    this.table.start(request, now, op);
  }

  private finish(outcome: TransactionOutcome<Op>, now: number): void {
    const op = outcome.context;
    if (outcome.kind === 'timeout') {
      this.fail(op, outcome.error, now);
      return;
    }
    const res = outcome.response;
    if (res.messageClass === StunClass.ErrorResponse) {
      this.onError(op, res, now);
      return;
    }
    const unknown = res.unknownComprehensionRequired();
    if (unknown.length > 0) {
      // RFC 8489 §6.3.4: a success response with unknown comprehension-required attributes fails the transaction.
      this.fail(op, new StunError('UNKNOWN_ATTRIBUTE', `${op.operation}: unknown attributes in response`, { unknownAttributes: unknown }), now);
      return;
    }
    if (this.key) {
      try {
        res.verifyIntegrity(this.key);
      } catch (e) {
        this.fail(op, e as StunError, now);
        return;
      }
    }
    this.onSuccess(op, res, now);
  }

  private onError(op: Op, res: StunMessage, now: number): void {
    const err = res.get(ErrorCode);
    const code = err?.code ?? 0;
    const canRetry = op.retries < MAX_AUTH_RETRIES;
    if (code === 401 && canRetry && !op.authenticated) {
      const realm = res.get(Realm);
      const nonce = res.get(Nonce);
      if (realm !== undefined && nonce !== undefined) {
        this.realm = realm;
        this.nonce = nonce;
        this.algorithms = res.get(PasswordAlgorithms);
        this.algorithm = this.pickAlgorithm(this.algorithms);
        const name: PasswordAlgorithmName = this.algorithm?.algorithm === PasswordAlgorithmId.SHA256 ? 'SHA-256' : 'MD5';
        this.key = longTermKey(this.options.username, realm, this.options.password, name);
        op.retries++;
        this.stats.authRetries++;
        this.log.debug(`TURN ${op.operation}: 401 challenge from realm ${JSON.stringify(realm)}, retrying with the long-term credential`);
        this.send_(op, now);
        return;
      }
    }
    if (code === 438 && canRetry) {
      const nonce = res.get(Nonce);
      if (nonce !== undefined) {
        this.nonce = nonce;
        const realm = res.get(Realm);
        if (realm !== undefined && realm !== this.realm && this.key) {
          this.realm = realm;
          const name = this.algorithm?.algorithm === PasswordAlgorithmId.SHA256 ? 'SHA-256' : 'MD5';
          this.key = longTermKey(this.options.username, realm, this.options.password, name);
        }
        op.retries++;
        this.stats.staleNonceRetries++;
        this.log.debug(`TURN ${op.operation}: 438 stale nonce, retrying`);
        this.send_(op, now);
        return;
      }
    }
    this.fail(
      op,
      new StunError('ERROR_RESPONSE', `${op.operation}: ${code} ${err?.reason ?? ''}`.trim(), { errorCode: code }),
      now,
    );
  }

  private pickAlgorithm(offered: readonly PasswordAlgorithmValue[] | undefined): PasswordAlgorithmValue | undefined {
    if (!offered) return undefined;
    return (
      offered.find((a) => a.algorithm === PasswordAlgorithmId.SHA256) ??
      offered.find((a) => a.algorithm === PasswordAlgorithmId.MD5)
    );
  }

  private onSuccess(op: Op, res: StunMessage, now: number): void {
    switch (op.operation) {
      case 'allocate': {
        const relayed = res.get(XorRelayedAddress);
        const lifetime = res.get(Lifetime);
        if (!relayed || lifetime === undefined) {
          this.fail(op, new StunError('BAD_ATTRIBUTE', 'Allocate response without XOR-RELAYED-ADDRESS/LIFETIME'), now);
          return;
        }
        this.stateValue = 'allocated';
        this.allocation = { relayed, lifetime, refreshAt: now + refreshDelay(lifetime), refreshing: false };
        this.log.debug(`TURN allocated relay ${relayed.address}:${relayed.port} for ${lifetime} s`);
        this.events.push({ type: 'allocated', id: op.id, relayed, mapped: res.get(XorMappedAddress), lifetime });
        return;
      }
      case 'refresh': {
        const lifetime = res.get(Lifetime) ?? op.lifetime ?? 0;
        if (op.lifetime === 0 || lifetime === 0) {
          // Deallocated: back to idle, so the same client may allocate again.
          this.stateValue = 'idle';
          this.allocation = undefined;
          this.permissions.clear();
          this.channelsByPeer.clear();
          this.channelsByNumber.clear();
          this.nextChannel = MIN_CHANNEL_NUMBER;
          this.events.push({ type: 'deallocated', id: op.id });
          return;
        }
        if (this.allocation) {
          this.allocation.lifetime = lifetime;
          this.allocation.refreshAt = now + refreshDelay(lifetime);
          this.allocation.refreshing = false;
        }
        this.events.push({ type: 'refreshed', id: op.id, lifetime, automatic: op.automatic });
        return;
      }
      case 'create-permission': {
        for (const p of op.peers!) this.permit(p, now);
        this.events.push({
          type: 'permission-created',
          id: op.id,
          peers: op.peers!.map((p) => p.address),
          automatic: op.automatic,
        });
        return;
      }
      case 'channel-bind': {
        const peer = op.peers![0]!;
        const ch = this.channelsByPeer.get(peerKey(peer));
        if (ch) {
          ch.bound = true;
          ch.refreshing = false;
          ch.refreshAt = now + CHANNEL_REFRESH_MS;
        }
        this.permit(peer, now);
        this.events.push({ type: 'channel-bound', id: op.id, peer, channelNumber: op.channelNumber!, automatic: op.automatic });
        return;
      }
    }
  }

  private permit(peer: TransportAddress, now: number): void {
    this.permissions.set(peer.address, { peer, refreshAt: now + PERMISSION_REFRESH_MS, refreshing: false });
  }

  private fail(op: Op, error: StunError, now = 0): void {
    // 401 after our credentials went out means they were refused: say so plainly.
    const hint = error.errorCode === 401 ? ' (wrong username or password?)' : error.errorCode === 437 ? ' (the server lost the allocation)' : '';
    this.log.warn(`TURN ${op.automatic ? 'automatic ' : ''}${op.operation} failed: ${error.message}${hint}`);
    if (op.operation === 'allocate' && this.stateValue === 'allocating') this.stateValue = 'idle';
    if (error.errorCode === 437 && op.operation === 'refresh') {
      // Allocation Mismatch: the server has no allocation for us any more.
      this.stateValue = 'closed';
      this.allocation = undefined;
    }
    if (op.automatic) {
      // Try an automatic refresh again a little later; the server's timer decides when it lapses.
      if (op.operation === 'refresh' && this.allocation) {
        this.allocation.refreshing = false;
        this.allocation.refreshAt = now + AUTOMATIC_RETRY_MS;
      }
      if (op.operation === 'create-permission') for (const p of op.peers!) this.permissions.delete(p.address);
      if (op.operation === 'channel-bind') {
        const ch = this.channelsByPeer.get(peerKey(op.peers![0]!));
        if (ch) {
          ch.refreshing = false;
          ch.refreshAt = now + AUTOMATIC_RETRY_MS;
        }
      }
    }
    this.events.push({ type: 'error', id: op.id, operation: op.operation, error, automatic: op.automatic });
  }
}

/** Refresh a minute before expiry, or halfway for lifetimes of two minutes or less. */
function refreshDelay(lifetimeSeconds: number): number {
  return (lifetimeSeconds > 120 ? lifetimeSeconds - 60 : lifetimeSeconds / 2) * 1000;
}

function normalize(p: TransportAddress): TransportAddress {
  return { family: p.family, address: canonicalAddress(p.family, p.address), port: p.port };
}

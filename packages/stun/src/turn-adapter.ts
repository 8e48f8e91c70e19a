import { Emitter } from '@x/base';
import { StunError } from './stun-error.js';
import { canonicalAddress, type TransportAddress } from './transport-address.js';
import type { TurnClient, TurnClientStats, TurnEvent } from './turn-client.js';

/** A successful allocation. */
export interface TurnAllocation {
  readonly relayed: TransportAddress;
  readonly mapped: TransportAddress | undefined;
  readonly lifetime: number;
}

/** The datagram pipe between transports (docs/architecture.md): what DTLS or ICE needs from a relayed path. */
export interface DatagramTransport {
  send(data: Uint8Array): void;
  onData(cb: (data: Uint8Array) => void): void;
  close(): void;
}

/** Receives a peer's data: a view valid only during the call. */
export type TurnDataHandler = (data: Uint8Array, peer: TransportAddress, channelNumber: number | undefined) => void;

/**
 * Events of a {@link TurnClientAdapter} (`onData` and `onError` subscribe to them). A listener that
 * throws does not break the socket's event loop: the rule of `@x/base`'s `Emitter`.
 */
export type TurnClientEvents = {
  /** A peer's data (a view valid only during the call) and the channel it came on, if any. */
  data: [data: Uint8Array, peer: TransportAddress, channelNumber: number | undefined];
  /** An error no operation waits for (automatic refreshes, a lost connection). */
  error: [error: StunError];
};

interface Waiter {
  resolve(e: TurnEvent): void;
  reject(e: StunError): void;
}

/**
 * What the TURN adapters share, whatever carries them to the server (UDP, TCP, TLS): the
 * {@link TurnClient} core, the clock, one timer, and promises for its operations. A subclass
 * only moves bytes: {@link transmit} to the server, `core.handleIncoming` from it.
 */
export abstract class TurnClientAdapter extends Emitter<TurnClientEvents> {
  /** The sans-IO core (state, stats). */
  readonly core: TurnClient;
  private readonly waiters = new Map<number, Waiter>();
  private timer: NodeJS.Timeout | undefined;
  /** Set once closed (by the user, or because the connection to the server is gone). */
  protected closed = false;

  protected constructor(core: TurnClient) {
    super();
    this.core = core;
  }

  /** Counters of the core. */
  get stats(): TurnClientStats {
    return this.core.stats;
  }

  /** Local address of the socket towards the server. */
  abstract get localAddress(): TransportAddress;

  /** Sends one STUN message or ChannelData to the server. */
  protected abstract transmit(data: Uint8Array): void;

  /** Releases the socket. */
  protected abstract closeTransport(): Promise<void>;

  /**
   * Receives data from peers (Data indications and ChannelData). The data is a view valid only
   * during the call. Returns a function that removes the handler.
   */
  onData(handler: TurnDataHandler): () => void {
    this.on('data', handler);
    return () => void this.off('data', handler);
  }

  /**
   * A {@link DatagramTransport} to one peer through the relay: `send` goes out as ChannelData
   * when a channel is bound (else a Send indication), `onData` sees only that peer's data.
   * Create the permission or channel first. `close` detaches it; the allocation stays.
   */
  transportTo(peer: TransportAddress): DatagramTransport {
    const want = canonicalAddress(peer.family, peer.address);
    const handlers: ((data: Uint8Array) => void)[] = [];
    const off = this.onData((data, from) => {
      if (from.port !== peer.port || from.address !== want) return;
      for (const h of handlers) h(data);
    });
    return {
      send: (data) => this.send(peer, data),
      onData: (cb) => {
        handlers.push(cb);
      },
      close: () => {
        off();
        handlers.length = 0;
      },
    };
  }

  /**
   * Errors of automatic refreshes and of the connection (user operations reject their promise
   * instead). Returns a function that removes the handler.
   */
  onError(handler: (error: StunError) => void): () => void {
    this.on('error', handler);
    return () => void this.off('error', handler);
  }

  /** Allocates a UDP relay; answers the 401 challenge and 438 with the credentials. */
  async allocate(): Promise<TurnAllocation> {
    const e = await this.run(() => this.core.allocate(performance.now()));
    if (e.type !== 'allocated') throw new StunError('INVALID_STATE', `unexpected ${e.type}`);
    return { relayed: e.relayed, mapped: e.mapped, lifetime: e.lifetime };
  }

  /** Refreshes the allocation; resolves with the granted lifetime in seconds. */
  async refresh(lifetime?: number): Promise<number> {
    const e = await this.run(() => this.core.refresh(performance.now(), lifetime));
    return e.type === 'refreshed' ? e.lifetime : 0;
  }

  /** Installs permissions for the peers' IP addresses. */
  async createPermission(...peers: TransportAddress[]): Promise<void> {
    await this.run(() => this.core.createPermission(performance.now(), ...peers));
  }

  /** Binds a channel to `peer`; resolves with its number. Later sends to it use ChannelData. */
  async bindChannel(peer: TransportAddress): Promise<number> {
    const e = await this.run(() => this.core.bindChannel(performance.now(), peer));
    if (e.type !== 'channel-bound') throw new StunError('INVALID_STATE', `unexpected ${e.type}`);
    return e.channelNumber;
  }

  /** Sends to a peer through the relay (ChannelData when bound, else a Send indication). */
  send(peer: TransportAddress, data: Uint8Array): void {
    this.core.send(peer, data);
    this.drive();
  }

  /** Deallocates (Refresh with LIFETIME 0) when allocated, then closes the socket. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.core.state === 'allocated') {
      try {
        await this.run(() => this.core.deallocate(performance.now()));
      } catch {
        // Closing anyway: the allocation times out on the server.
      }
    }
    this.shutdown(new StunError('CLOSED', 'TURN client closed'));
    await this.closeTransport();
  }

  /** Stops the core and rejects what is pending with `error`; idempotent. */
  protected shutdown(error: StunError): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const w of this.waiters.values()) w.reject(error);
    this.waiters.clear();
    this.drainEvents();
    // What the core still reports is its own CLOSED for operations nobody waits for any more.
    this.core.close();
    while (this.core.pollEvent());
  }

  /** Reports an error no operation waits for (automatic refreshes, a lost connection). */
  protected reportError(error: StunError): void {
    this.emit('error', error);
  }

  private run(start: () => number): Promise<TurnEvent> {
    if (this.closed) return Promise.reject(new StunError('CLOSED', 'TURN client closed'));
    return new Promise<TurnEvent>((resolve, reject) => {
      let id: number;
      try {
        id = start();
      } catch (e) {
        reject(e);
        return;
      }
      this.waiters.set(id, { resolve, reject });
      this.drive();
    });
  }

  /** Delivers the core's events (peer data to the handlers, outcomes to their promises). */
  protected drainEvents(): void {
    for (let e = this.core.pollEvent(); e; e = this.core.pollEvent()) {
      if (e.type === 'data') {
        this.emit('data', e.data, e.peer, e.channelNumber);
        continue;
      }
      const w = this.waiters.get(e.id);
      if (w) {
        this.waiters.delete(e.id);
        if (e.type === 'error') w.reject(e.error);
        else w.resolve(e);
      } else if (e.type === 'error') {
        this.reportError(e.error);
      }
    }
  }

  /** Sends what the core has queued, delivers its events, and re-arms the timer. */
  protected drive(): void {
    if (this.closed) return;
    for (let d = this.core.pollTransmit(); d; d = this.core.pollTransmit()) this.transmit(d);
    this.drainEvents();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.closed) return;
    const next = this.core.nextTimeout();
    if (next !== undefined) {
      this.timer = setTimeout(() => {
        this.core.handleTimeout(performance.now());
        this.drive();
      }, Math.max(0, next - performance.now()));
      // Long refresh timers must not keep the process alive on their own.
      if (this.waiters.size === 0) this.timer.unref();
    }
  }
}

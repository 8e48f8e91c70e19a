import type dgram from 'node:dgram';
import { StunError } from './stun-error.js';
import { canonicalAddress, type TransportAddress } from './transport-address.js';
import { TurnClient, type TurnClientOptions, type TurnClientStats, type TurnEvent } from './turn-client.js';
import { bindUdpSocket, socketAddress, type UdpBindOptions } from './udp-socket.js';

/** Options of {@link TurnUdpClient.connect}. */
export interface TurnUdpClientOptions extends TurnClientOptions {
  /** The TURN server. */
  readonly server: { readonly address: string; readonly port: number };
  /** Local socket (default: loopback of the server's family, any port). */
  readonly local?: UdpBindOptions;
}

/** A successful allocation. */
export interface TurnAllocation {
  readonly relayed: TransportAddress;
  readonly mapped: TransportAddress | undefined;
  readonly lifetime: number;
}

/** The datagram pipe between transports (DESIGN.md): what DTLS or ICE needs from a relayed path. */
export interface DatagramTransport {
  send(data: Uint8Array): void;
  onData(cb: (data: Uint8Array) => void): void;
  close(): void;
}

type DataHandler = (data: Uint8Array, peer: TransportAddress, channelNumber: number | undefined) => void;

interface Waiter {
  resolve(e: TurnEvent): void;
  reject(e: StunError): void;
}

/**
 * TURN client over node:dgram: the {@link TurnClient} core plus one UDP socket to the server,
 * the clock and one timer. Operations return promises; peer data arrives through
 * {@link onData}. Bad datagrams are dropped and counted; nothing throws from socket events.
 */
export class TurnUdpClient {
  /** The sans-IO core (state, stats). */
  readonly core: TurnClient;
  private readonly socket: dgram.Socket;
  private readonly server: { address: string; port: number };
  private readonly waiters = new Map<number, Waiter>();
  private readonly dataHandlers = new Set<DataHandler>();
  private errorHandler: ((error: StunError) => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  /** Binds a local UDP socket for talking to `options.server` (does not allocate yet). */
  static async connect(options: TurnUdpClientOptions): Promise<TurnUdpClient> {
    const family = options.server.address.includes(':') ? 'IPv6' : 'IPv4';
    const socket = await bindUdpSocket({ family, ...options.local });
    return new TurnUdpClient(socket, options);
  }

  private constructor(socket: dgram.Socket, options: TurnUdpClientOptions) {
    this.socket = socket;
    this.server = options.server;
    this.core = new TurnClient(options);
    socket.on('message', (data, rinfo) => {
      if (rinfo.port !== this.server.port || rinfo.address !== this.server.address) {
        this.core.stats.dropped++;
        return;
      }
      this.core.handleIncoming(data, performance.now());
      this.drive();
    });
    socket.on('error', () => {
      this.core.stats.dropped++;
    });
  }

  /** Counters of the core. */
  get stats(): TurnClientStats {
    return this.core.stats;
  }

  /** Local address of the socket. */
  get localAddress(): TransportAddress {
    return socketAddress(this.socket);
  }

  /**
   * Receives data from peers (Data indications and ChannelData). The data is a view valid only
   * during the call. Returns a function that removes the handler.
   */
  onData(handler: DataHandler): () => void {
    this.dataHandlers.add(handler);
    return () => this.dataHandlers.delete(handler);
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

  /** Errors of automatic refreshes (user-started operations reject their promise instead). */
  onError(handler: (error: StunError) => void): void {
    this.errorHandler = handler;
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
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.core.close();
    this.drainEvents();
    for (const w of this.waiters.values()) w.reject(new StunError('CLOSED', 'TURN client closed'));
    this.waiters.clear();
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
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

  private drainEvents(): void {
    for (let e = this.core.pollEvent(); e; e = this.core.pollEvent()) {
      if (e.type === 'data') {
        for (const h of this.dataHandlers) {
          try {
            h(e.data, e.peer, e.channelNumber);
          } catch {
            // A throwing handler must not break the socket's event loop.
          }
        }
        continue;
      }
      const w = this.waiters.get(e.id);
      if (w) {
        this.waiters.delete(e.id);
        if (e.type === 'error') w.reject(e.error);
        else w.resolve(e);
      } else if (e.type === 'error') {
        this.errorHandler?.(e.error);
      }
    }
  }

  private drive(): void {
    if (this.closed) return;
    for (let d = this.core.pollTransmit(); d; d = this.core.pollTransmit()) {
      this.socket.send(d, this.server.port, this.server.address, (err) => {
        if (err) this.core.stats.dropped++;
      });
    }
    this.drainEvents();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
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

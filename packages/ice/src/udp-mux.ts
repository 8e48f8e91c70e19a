import type dgram from 'node:dgram';
import { DropLog, layerLogger, type Logger } from '@x/base';
import { IceError } from './errors.js';
import { addressFamily, sameAddress, type TransportAddress } from './transport-address.js';
import { MuxConnection, type UfragRoutes } from './mux-connection.js';
import { bindUdpSocket } from './udp-socket.js';
import { muxSourceKey, newRouterStats, UdpMuxRouter, type UdpMuxRouterSize, type UdpMuxRouterStats } from './udp-mux-router.js';

/** Where an {@link IceUdpMux} listens. */
export interface IceUdpMuxOptions {
  /**
   * IP address(es) to bind: at most one per family (`'127.0.0.1'`, or `['192.0.2.1', '2001:db8::1']`).
   * Each is announced as is in the host candidates, so a concrete address, not `0.0.0.0`/`::`.
   */
  readonly address: string | readonly string[];
  /** UDP port, the same for every address. 0 (the default): any free port, per address. */
  readonly port?: number;
  /** Socket buffer size to ask for (bytes, capped by rmem_max/wmem_max). Default 4 MB. */
  readonly bufferSize?: number;
  /** Log sink (lines prefixed `[ice]`); `NODE_DEBUG=x-ice` otherwise. Drops are said once per kind. */
  readonly logger?: Logger;
}

/** Counters of an {@link IceUdpMux}: the router's, and the sockets'. */
export interface IceUdpMuxStats extends UdpMuxRouterStats {
  /** Datagrams sent for the transports. */
  sent: number;
  /** Sends that failed (the socket refused or was closed); never thrown. */
  sendErrors: number;
  /** Socket `error` events. */
  socketErrors: number;
}

/** What a transport gives the mux: where its datagrams go, and its selected pair's remote end. */
export interface IceUdpMuxHandler {
  /** A datagram for this transport, arrived on the mux socket the transport calls `socketId`. */
  receive(data: Uint8Array, socketId: number, source: TransportAddress): void;
  /** The remote end of the selected pair, if any. */
  selectedRemote(): TransportAddress | undefined;
}

interface MuxSocket {
  readonly socket: dgram.Socket;
  readonly local: TransportAddress;
}

/**
 * One UDP socket per address family that every ICE transport of a server shares (as Pion's
 * `UDPMux`, mediasoup's `WebRtcServer`): give it to `IceTransport`s as the `udpMux` option (or to
 * `PeerConnectionFactory({ ice: { udpMux } })`), and their host candidate is the mux's address
 * and port. Datagrams are routed by {@link UdpMuxRouter}: a check by the local ufrag in its
 * USERNAME, a STUN answer by its transaction, the rest by the remote address learned from checks.
 * Unknown, malformed and unroutable datagrams are dropped and counted in {@link stats}.
 * Close it after the transports that use it.
 */
export class IceUdpMux {
  /** Resolves once every socket is bound; rejects ({@link IceError} `socket`) when one cannot be. */
  readonly ready: Promise<void>;
  /** Counters. */
  readonly stats: IceUdpMuxStats = { ...newRouterStats(), sent: 0, sendErrors: 0, socketErrors: 0 };
  /** The routing table (sans-IO). */
  readonly router = new UdpMuxRouter<IceUdpMuxConnection>(this.stats);
  /** Sockets by family: [IPv4, IPv6]. */
  private readonly sockets: [MuxSocket | undefined, MuxSocket | undefined] = [undefined, undefined];
  private readonly drops: DropLog;
  private closed = false;

  /** Binds in the background (see {@link ready}); {@link IceUdpMux.bind} waits for it. */
  constructor(options: IceUdpMuxOptions) {
    this.drops = new DropLog(layerLogger(options.logger, 'x-ice'));
    const addresses = typeof options.address === 'string' ? [options.address] : [...options.address];
    const families = addresses.map((a) => addressFamily(a));
    const notIp = addresses.find((_, i) => families[i] === 0);
    const bad =
      addresses.length === 0 ? 'no address'
      : notIp !== undefined ? `not an IP address: ${notIp}`
      : addresses.some((a) => a === '0.0.0.0' || /^[0:]+$/.test(a)) ? 'an unspecified address (0.0.0.0, ::) cannot be a host candidate'
      : new Set(families).size !== families.length ? 'more than one address of a family'
      : undefined;
    if (bad !== undefined) throw new IceError('invalid-parameter', `IceUdpMux: ${bad}`);
    this.ready = this.bindAll(addresses, options.port ?? 0, options.bufferSize);
    // Whoever awaits `ready` sees the failure; nobody awaiting it is no unhandled rejection.
    this.ready.catch(() => undefined);
  }

  /** A mux with its sockets bound. */
  static async bind(options: IceUdpMuxOptions): Promise<IceUdpMux> {
    const mux = new IceUdpMux(options);
    await mux.ready;
    return mux;
  }

  /** The bound addresses (IPv4 first), empty until {@link ready}. */
  get localAddresses(): TransportAddress[] {
    return this.sockets.filter((s) => s !== undefined).map((s) => s.local);
  }

  /** Open sockets: one per family given, 0 once closed. */
  get socketCount(): number {
    return this.sockets.filter((s) => s !== undefined).length;
  }

  /** Routing entries held (all zero once every transport using the mux has closed). */
  get size(): UdpMuxRouterSize {
    return this.router.size;
  }

  /** A transport's handle: used by `IceTransport` when given this mux. */
  connect(handler: IceUdpMuxHandler): IceUdpMuxConnection {
    const c = new IceUdpMuxConnection(this, handler);
    if (!this.closed) this.router.add(c);
    return c;
  }

  /** Closes the sockets and forgets every route; transports still using it then send nothing. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (let f = 0; f < 2; f++) {
      this.sockets[f]?.socket.close();
      this.sockets[f] = undefined;
    }
    this.router.clear();
  }

  /** @internal Sends on the socket of `family` (0: IPv4, 1: IPv6). Never throws. */
  sendOn(family: 0 | 1, to: TransportAddress, data: Uint8Array): void {
    const s = this.sockets[family];
    if (s === undefined) {
      this.stats.sendErrors++;
      return;
    }
    try {
      s.socket.send(data, to.port, to.address, this.onSent);
      this.stats.sent++;
    } catch (e) {
      this.stats.sendErrors++;
      if (this.drops.on) this.drops.drop('send error', () => `mux: send to ${to.address}:${to.port} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** @internal */
  get isClosed(): boolean {
    return this.closed;
  }

  private readonly onSent = (err: Error | null): void => {
    if (err) this.stats.sendErrors++;
  };

  private async bindAll(addresses: string[], port: number, bufferSize: number | undefined): Promise<void> {
    const results = await Promise.allSettled(addresses.map((a) => bindUdpSocket(a, port, bufferSize)));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed !== undefined || this.closed) {
      for (const r of results) if (r.status === 'fulfilled') r.value.close();
      if (failed !== undefined) throw failed.reason;
      return;
    }
    for (const r of results) {
      const socket = (r as PromiseFulfilledResult<dgram.Socket>).value;
      const a = socket.address();
      const family = addressFamily(a.address) === 6 ? 1 : 0;
      this.sockets[family] = { socket, local: { address: a.address, port: a.port } };
      socket.on('message', (msg: Buffer, rinfo: dgram.RemoteInfo) => this.receive(msg, family, rinfo));
      socket.on('error', (e) => {
        this.stats.socketErrors++;
        if (this.drops.on) this.drops.drop('socket error', () => `mux socket ${a.address}:${a.port}: ${e.message}`);
      });
    }
  }

  private receive(msg: Buffer, family: 0 | 1, rinfo: dgram.RemoteInfo): void {
    const key = muxSourceKey(rinfo);
    const c = this.router.route(msg, rinfo, key);
    if (c === undefined) {
      if (this.drops.on) this.dropped(msg, key);
      return;
    }
    c.deliver(msg, family, rinfo);
  }

  private dropped(msg: Buffer, key: string): void {
    const b = msg.length > 0 ? msg[0]! : -1;
    const kind = b < 0 || (b >= 4 && b < 16) ? 'unknown' : b < 4 ? 'stun' : 'unroutable';
    this.drops.drop(`mux drop ${kind}`, () => `mux: dropped a ${msg.length}-byte datagram from ${key} (${kind === 'stun' ? 'malformed STUN, or a check for no registered ufrag' : kind === 'unknown' ? 'empty, or a first byte no protocol uses' : 'from an address no transport knows'})`);
  }
}

/**
 * One transport's place in an {@link IceUdpMux}: its ufrags, and the socket ids it gave the mux's
 * sockets. {@link close} removes every routing entry it made.
 */
export class IceUdpMuxConnection extends MuxConnection {
  constructor(
    private readonly mux: IceUdpMux,
    private readonly handler: IceUdpMuxHandler,
  ) {
    super();
  }

  /** @internal */
  protected get routes(): UfragRoutes<this> {
    return this.mux.router;
  }

  /** @internal */
  protected get muxClosed(): boolean {
    return this.mux.isClosed;
  }

  /** Sends if `socketId` is one of the mux's; `stun`: the datagram comes from the agent (checks). */
  send(socketId: number, to: TransportAddress, data: Uint8Array, stun: boolean): boolean {
    const family = this.socketIds[0] === socketId ? 0 : this.socketIds[1] === socketId ? 1 : -1;
    if (family === -1) return false;
    if (this.closed) return true;
    if (stun) this.mux.router.sent(this, data, to);
    this.mux.sendOn(family, to, data);
    return true;
  }

  /** @internal Router question: is `source` the remote end of the selected pair? */
  selectsRemote(source: TransportAddress): boolean {
    const r = this.handler.selectedRemote();
    return r !== undefined && sameAddress(r, source);
  }

  /** @internal A datagram the router gave this transport. */
  deliver(data: Uint8Array, family: 0 | 1, source: TransportAddress): void {
    const id = this.socketIds[family];
    if (id === undefined || this.closed) {
      this.mux.stats.droppedUnroutable++;
      this.mux.stats.routed--;
      return;
    }
    this.handler.receive(data, id, source);
  }

  /** Removes every routing entry of this transport. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.mux.router.remove(this);
  }
}

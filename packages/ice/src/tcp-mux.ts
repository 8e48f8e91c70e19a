import net from 'node:net';
import { DropLog, layerLogger, type Logger } from '@x/base';
import { IceError } from './errors.js';
import { FramedTcpStream } from './tcp-stream.js';
import { newTcpMuxRouterStats, TcpMuxRouter, type TcpMuxRouterStats } from './tcp-mux-router.js';
import { addressFamily, addressKey, type TransportAddress } from './transport-address.js';
import { MuxConnection, type UfragRoutes } from './mux-connection.js';

/** Where an {@link IceTcpMux} listens, and how long it waits for a connection to say who it is for. */
export interface IceTcpMuxOptions {
  /** IP address(es) to listen on: at most one per family, concrete (they are the passive candidates). */
  readonly address: string | readonly string[];
  /** TCP port, the same for every address (it may equal an `IceUdpMux`'s). 0 (the default): any free port, per address. */
  readonly port?: number;
  /** A connection that sends no STUN check within this many ms is closed. Default 10000. */
  readonly firstFrameTimeout?: number;
  /** Connections waiting for their first frame at most; more are refused. Default 1024. */
  readonly maxPendingConnections?: number;
  /** Log sink (lines prefixed `[ice]`); `NODE_DEBUG=x-ice` otherwise. Drops are said once per kind. */
  readonly logger?: Logger;
}

/** Counters of an {@link IceTcpMux}. */
export interface IceTcpMuxStats extends TcpMuxRouterStats {
  /** Frames sent for the transports. */
  sent: number;
  /** Frames dropped on send: no connection to that address, closed, or its queue full. */
  sendErrors: number;
  /** Listening socket `error` events. */
  socketErrors: number;
}

/** What a transport gives the mux: where frames and closed connections go. */
export interface IceTcpMuxHandler {
  /** A frame of one of this transport's connections (its socket id for the listening socket, the peer's address). */
  receive(data: Uint8Array, socketId: number, source: TransportAddress): void;
  /** A connection of this transport closed or failed. */
  closed(socketId: number, source: TransportAddress): void;
}

/** How many entries a mux holds; all zero (but `listeners`) once every transport has closed. */
export interface IceTcpMuxSize {
  /** Transports registered. */
  routes: number;
  ufrags: number;
  /** Connections waiting for their first frame (each with its timer). */
  pending: number;
  /** Connections handed to transports. */
  connections: number;
}

interface Pending {
  readonly stream: FramedTcpStream;
  readonly family: 0 | 1;
  readonly timer: NodeJS.Timeout;
}

/** Before the first frame proved to be a check, a connection may not send a frame bigger than this. */
const FIRST_FRAME_MAX = 1500;

/**
 * One listening TCP socket per address family that every ICE transport of a server shares, for
 * ICE-TCP (RFC 6544) passive host candidates: give it to `IceTransport`s as the `tcpMux` option
 * (or to `PeerConnectionFactory({ ice: { tcpMux } })`). Each accepted connection carries RFC 4571
 * frames; its first frame must be a STUN Binding request whose USERNAME names a registered local
 * ufrag, and then the whole connection belongs to that transport. A connection that sends
 * anything else first, or nothing within `firstFrameTimeout`, is closed and counted in
 * {@link stats}. Close it after the transports that use it.
 */
export class IceTcpMux {
  /** Resolves once every address listens; rejects ({@link IceError} `socket`) when one cannot. */
  readonly ready: Promise<void>;
  /** Counters. */
  readonly stats: IceTcpMuxStats = { ...newTcpMuxRouterStats(), sent: 0, sendErrors: 0, socketErrors: 0 };
  /** The ufrag table (sans-IO). */
  readonly router = new TcpMuxRouter<IceTcpMuxConnection>(this.stats);
  private readonly servers: [net.Server | undefined, net.Server | undefined] = [undefined, undefined];
  private readonly locals: [TransportAddress | undefined, TransportAddress | undefined] = [undefined, undefined];
  private readonly pending = new Map<FramedTcpStream, Pending>();
  private readonly firstFrameTimeout: number;
  private readonly maxPending: number;
  private readonly drops: DropLog;
  /** Connections handed to transports, open. */
  private readonly routed = new Set<FramedTcpStream>();
  private closed = false;

  /** Listens in the background (see {@link ready}); {@link IceTcpMux.bind} waits for it. */
  constructor(options: IceTcpMuxOptions) {
    this.drops = new DropLog(layerLogger(options.logger, 'x-ice'));
    this.firstFrameTimeout = options.firstFrameTimeout ?? 10000;
    this.maxPending = options.maxPendingConnections ?? 1024;
    const addresses = typeof options.address === 'string' ? [options.address] : [...options.address];
    const families = addresses.map((a) => addressFamily(a));
    const bad =
      addresses.length === 0 ? 'no address'
      : families.includes(0) ? `not an IP address: ${addresses[families.indexOf(0)]}`
      : addresses.some((a) => a === '0.0.0.0' || /^[0:]+$/.test(a)) ? 'an unspecified address (0.0.0.0, ::) cannot be a host candidate'
      : new Set(families).size !== families.length ? 'more than one address of a family'
      : undefined;
    if (bad !== undefined) throw new IceError('invalid-parameter', `IceTcpMux: ${bad}`);
    this.ready = this.listenAll(addresses, options.port ?? 0);
    this.ready.catch(() => undefined);
  }

  /** A mux listening on its addresses. */
  static async bind(options: IceTcpMuxOptions): Promise<IceTcpMux> {
    const mux = new IceTcpMux(options);
    await mux.ready;
    return mux;
  }

  /** The listening addresses (IPv4 first), empty until {@link ready}. */
  get localAddresses(): TransportAddress[] {
    return this.locals.filter((l) => l !== undefined);
  }

  /** Entries held (see {@link IceTcpMuxSize}). */
  get size(): IceTcpMuxSize {
    return { routes: this.router.routes, ufrags: this.router.ufrags, pending: this.pending.size, connections: this.routed.size };
  }

  /** A transport's handle: used by `IceTransport` when given this mux. */
  connect(handler: IceTcpMuxHandler): IceTcpMuxConnection {
    return new IceTcpMuxConnection(this, handler);
  }

  /** Stops listening, closes every connection (the transports' pairs on them fail) and forgets every route. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (let f = 0; f < 2; f++) {
      this.servers[f]?.close();
      this.servers[f] = undefined;
    }
    for (const p of [...this.pending.values()]) p.stream.close('mux closed');
    for (const s of [...this.routed]) s.close('mux closed');
    this.router.clear();
  }

  /** @internal */
  get isClosed(): boolean {
    return this.closed;
  }

  /** @internal A connection routed to a transport (`open`), or gone from it. */
  track(stream: FramedTcpStream, open: boolean): void {
    if (open) this.routed.add(stream);
    else this.routed.delete(stream);
  }

  private async listenAll(addresses: string[], port: number): Promise<void> {
    const results = await Promise.allSettled(addresses.map((a) => listen(a, port)));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed !== undefined || this.closed) {
      for (const r of results) if (r.status === 'fulfilled') r.value.close();
      if (failed !== undefined) throw new IceError('socket', `IceTcpMux: cannot listen: ${failed.reason instanceof Error ? failed.reason.message : String(failed.reason)}`);
      return;
    }
    for (const r of results) {
      const server = (r as PromiseFulfilledResult<net.Server>).value;
      const a = server.address() as net.AddressInfo;
      const family = addressFamily(a.address) === 6 ? 1 : 0;
      this.servers[family] = server;
      this.locals[family] = { address: a.address, port: a.port };
      server.on('connection', (socket) => this.accept(socket, family));
      server.on('error', (e) => {
        this.stats.socketErrors++;
        if (this.drops.on) this.drops.drop('tcp listen error', () => `tcp mux ${a.address}:${a.port}: ${e.message}`);
      });
    }
  }

  private accept(socket: net.Socket, family: 0 | 1): void {
    this.stats.accepted++;
    if (this.closed || this.pending.size >= this.maxPending || socket.remoteAddress === undefined || socket.remotePort === undefined) {
      this.stats.refused++;
      socket.destroy();
      return;
    }
    const remote = { address: socket.remoteAddress, port: socket.remotePort };
    let routed: IceTcpMuxConnection | undefined;
    const stream = new FramedTcpStream(socket, {
      frame: (data, s) => {
        if (routed !== undefined) return routed.frame(data, s);
        const p = this.pending.get(s);
        if (p === undefined) return;
        this.settle(p);
        const c = this.router.routeFirstFrame(data);
        if (c === undefined || !c.adopt(s, family)) {
          if (this.drops.on) this.drops.drop('tcp mux first frame', () => `tcp mux: closed a connection from ${addressKey(s.remote)}: its first frame is not a check for a known ufrag`);
          s.close('first frame not a check for a known ufrag');
          return;
        }
        routed = c;
        s.maxFrameLength = 0xffff;
        c.frame(data, s);
      },
      closed: (s, why) => {
        if (why.startsWith('malformed')) this.stats.malformedFrames++;
        const p = this.pending.get(s);
        if (p !== undefined) this.settle(p);
        routed?.lost(s);
      },
    }, remote, FIRST_FRAME_MAX);
    const timer = setTimeout(() => {
      this.stats.timedOut++;
      if (this.drops.on) this.drops.drop('tcp mux timeout', () => `tcp mux: closed a connection from ${addressKey(remote)}: no check within ${this.firstFrameTimeout} ms`);
      stream.close('no first frame in time');
    }, this.firstFrameTimeout);
    timer.unref();
    this.pending.set(stream, { stream, family, timer });
  }

  private settle(p: Pending): void {
    clearTimeout(p.timer);
    this.pending.delete(p.stream);
  }
}

function listen(address: string, port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer({ noDelay: true });
    server.once('error', reject);
    server.listen({ host: address, port, exclusive: true, ipv6Only: addressFamily(address) === 6 }, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/**
 * One transport's place in an {@link IceTcpMux}: its ufrags, its socket ids for the mux's
 * listening sockets, and the connections routed to it (by the peer's address). {@link close}
 * closes those connections and removes its ufrags.
 */
export class IceTcpMuxConnection extends MuxConnection {
  private readonly streams = new Map<string, FramedTcpStream>();

  constructor(
    private readonly mux: IceTcpMux,
    private readonly handler: IceTcpMuxHandler,
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

  /** Connections routed here and still open. */
  get connectionCount(): number {
    return this.streams.size;
  }

  /** Whether `socketId` is one of this mux's (then {@link send} handles it). */
  owns(socketId: number): boolean {
    return this.socketIds[0] === socketId || this.socketIds[1] === socketId;
  }

  /** Sends a frame on the connection from `to`; false if `socketId` is not the mux's. Never throws. */
  send(socketId: number, to: TransportAddress, data: Uint8Array): boolean {
    if (!this.owns(socketId)) return false;
    const s = this.streams.get(addressKey(to));
    if (s !== undefined && s.send(data)) this.mux.stats.sent++;
    else this.mux.stats.sendErrors++;
    return true;
  }

  /** Closes this transport's connections and removes its ufrags. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.mux.router.remove(this);
    for (const s of [...this.streams.values()]) s.close('transport closed');
  }

  /** @internal A connection routed here; false when this transport cannot take it. */
  adopt(stream: FramedTcpStream, family: 0 | 1): boolean {
    if (this.closed || this.socketIds[family] === undefined) return false;
    const key = addressKey(stream.remote);
    const old = this.streams.get(key);
    if (old !== undefined) {
      this.streams.delete(key);
      this.mux.track(old, false);
      old.close('replaced');
    }
    this.streams.set(key, stream);
    this.mux.track(stream, true);
    return true;
  }

  /** @internal */
  frame(data: Uint8Array, stream: FramedTcpStream): void {
    const id = this.socketIds[addressFamily(stream.remote.address) === 6 ? 1 : 0];
    if (id !== undefined && !this.closed) this.handler.receive(data, id, stream.remote);
  }

  /** @internal A routed connection closed. */
  lost(stream: FramedTcpStream): void {
    const key = addressKey(stream.remote);
    if (this.streams.get(key) !== stream) return;
    this.streams.delete(key);
    this.mux.track(stream, false);
    const id = this.socketIds[addressFamily(stream.remote.address) === 6 ? 1 : 0];
    if (id !== undefined && !this.closed) this.handler.closed(id, stream.remote);
  }
}

/**
 * The TCP adapter: a loopback listener that, for each connection, opens one to the target and
 * carries the byte stream both ways through a {@link TcpFlowEmulator} per direction. The relay is a
 * split proxy: the two real TCP connections are loopback-fast and lossless; the emulated leg between
 * them is where delay, rate and loss act (see tcp-flow-emulator.ts for what that model is and is
 * not). When more than `highWaterBytes` wait for the emulated window, the relay stops reading the
 * source, so the real sender feels the slow path through TCP flow control; when the far side reads
 * slower than the leg delivers, the emulated ACKs wait for it, as a closed receive window would.
 */
import net from 'node:net';
import { DeliveryTimer, monotonicClock } from './delivery-timer.js';
import type { Clock } from './delivery-timer.js';
import { resolveDirections, validateModel } from './impairment-model.js';
import type { DirectionalModel, ImpairmentModel } from './impairment-model.js';
import { NetemError } from './netem-error.js';
import { TcpFlowEmulator } from './tcp-flow-emulator.js';
import type { TcpFlowOptions } from './tcp-flow-emulator.js';
import { checkEndpoint, loopbackFor } from './udp-socket.js';
import type { UdpEndpoint } from './udp-socket.js';

/** Options of {@link startTcpRelay}. */
export interface TcpRelayOptions {
  /** Where to connect for each accepted connection. */
  readonly target: UdpEndpoint;
  /** One model for both directions, or `{ aToB, bToA }` (A = the connecting client). */
  readonly model?: ImpairmentModel | DirectionalModel;
  /**
   * The emulated sender (MSS, minimum RTO, window, congestion control). `ackDelayMs` defaults per
   * direction to the reverse direction's `delayMs`.
   */
  readonly tcp?: TcpFlowOptions;
  /** Listening address (default: loopback of the target's family). */
  readonly bindAddress?: string;
  /** Listening port (default 0: any free port). */
  readonly port?: number;
  /** Bytes waiting for the emulated window before the relay stops reading the source (default 1 MiB). */
  readonly highWaterBytes?: number;
  /** Clock in ms (default `performance.now()`). */
  readonly clock?: Clock;
}

/** Counters of one direction of a {@link TcpRelay}, over all its connections. */
export class TcpLegStats {
  /** Bytes read from the sending side. */
  receivedBytes = 0;
  /** Bytes written to the receiving side. */
  deliveredBytes = 0;
  /** Segments the emulated leg lost (and repaired with a delay). */
  lostSegments = 0;
  /** Emulated losses repaired by fast retransmit. */
  fastRetransmits = 0;
  /** Emulated losses repaired by retransmission timeout. */
  timeouts = 0;
  /** Emulated congestion window reductions. */
  windowReductions = 0;

  /** Bytes read but not yet written on: waiting for the window or in flight on the emulated leg. */
  get queuedBytes(): number {
    return this.receivedBytes - this.deliveredBytes;
  }
}

/** Counters of a {@link TcpRelay}. */
export interface TcpRelayStats {
  /** Connections accepted. */
  connections: number;
  /** Connections to the target that failed. */
  failedConnections: number;
  /** Client → target. */
  readonly aToB: TcpLegStats;
  /** Target → client. */
  readonly bToA: TcpLegStats;
}

interface Event {
  readonly pipe: Pipe;
  /** Bytes to write on (a delivery), or `undefined` for an ACK of `length` bytes. */
  readonly data: Uint8Array | undefined;
  readonly length: number;
}

/** One direction of one connection. */
class Pipe {
  private readonly chunks: (Uint8Array | undefined)[] = [];
  private head = 0;
  private offset = 0;
  private pending = 0;
  private outstanding = 0;
  private ended = false;
  private paused = false;
  private heldAcks = 0;
  closed = false;

  constructor(
    private readonly src: net.Socket,
    private readonly dst: net.Socket,
    private readonly emulator: TcpFlowEmulator,
    private readonly leg: TcpLegStats,
    private readonly timer: DeliveryTimer<Event>,
    private readonly clock: Clock,
    private readonly highWater: number,
  ) {
    src.on('data', (chunk: Buffer) => this.onData(chunk));
    src.on('end', () => {
      this.ended = true;
      this.maybeEnd();
    });
  }

  onEvent(event: Event): void {
    if (this.closed) return;
    if (event.data !== undefined) {
      this.outstanding -= event.length;
      this.leg.deliveredBytes += event.length;
      this.dst.write(event.data);
      this.maybeEnd();
    } else if (this.dst.writableNeedDrain) {
      // The far side reads slower than the leg delivers: hold the ACK, as a closed receive window would.
      if (this.heldAcks === 0) this.dst.once('drain', this.releaseAcks);
      this.heldAcks += event.length;
    } else {
      this.emulator.ack(event.length);
      this.pump();
    }
  }

  private readonly releaseAcks = (): void => {
    const length = this.heldAcks;
    this.heldAcks = 0;
    if (this.closed || length === 0) return;
    this.emulator.ack(length);
    this.pump();
  };

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    this.chunks.push(chunk);
    this.pending += chunk.length;
    this.leg.receivedBytes += chunk.length;
    if (this.pending > this.highWater && !this.paused) {
      this.paused = true;
      this.src.pause();
    }
    this.pump();
  }

  /** Sends what the emulated window allows, in pieces of at most 32 segments within one chunk. */
  private pump(): void {
    const mss = this.emulator.segmentSize;
    const now = this.clock();
    while (this.pending > 0) {
      const window = this.emulator.window();
      if (window < Math.min(mss, this.pending)) break;
      const chunk = this.chunks[this.head]!;
      const length = Math.min(window, chunk.length - this.offset, 32 * mss);
      const piece = chunk.subarray(this.offset, this.offset + length);
      this.offset += length;
      if (this.offset === chunk.length) {
        this.chunks[this.head++] = undefined; // let it go
        this.offset = 0;
        if (this.head > 1024) {
          this.chunks.splice(0, this.head);
          this.head = 0;
        }
      }
      this.pending -= length;
      this.outstanding += length;
      const before = this.emulator.counters;
      const fast = before.fastRetransmits;
      const timeouts = before.timeouts;
      const reductions = before.windowReductions;
      const r = this.emulator.send(length, now, this.pending);
      this.leg.lostSegments += r.lostSegments;
      this.leg.fastRetransmits += before.fastRetransmits - fast;
      this.leg.timeouts += before.timeouts - timeouts;
      this.leg.windowReductions += before.windowReductions - reductions;
      this.timer.push(r.deliverAt, { pipe: this, data: piece, length });
      this.timer.push(r.ackAt, { pipe: this, data: undefined, length });
    }
    if (this.paused && this.pending < this.highWater / 2) {
      this.paused = false;
      this.src.resume();
    }
  }

  private maybeEnd(): void {
    if (this.ended && this.pending === 0 && this.outstanding === 0 && !this.dst.destroyed) this.dst.end();
  }
}

/** A running TCP impairment relay. Make one with {@link startTcpRelay}. */
export class TcpRelay {
  /** Live counters. */
  readonly stats: TcpRelayStats = { connections: 0, failedConnections: 0, aToB: new TcpLegStats(), bToA: new TcpLegStats() };
  private readonly sockets = new Set<net.Socket>();
  private readonly timer: DeliveryTimer<Event>;
  private readonly models: { aToB: ImpairmentModel; bToA: ImpairmentModel };
  private closing: Promise<void> | undefined;

  /** @internal use {@link startTcpRelay}. */
  constructor(private readonly server: net.Server, private readonly options: TcpRelayOptions) {
    this.models = resolveDirections(options.model);
    this.timer = new DeliveryTimer<Event>((event) => event.pipe.onEvent(event), options.clock ?? monotonicClock);
    server.on('connection', (socket) => this.accept(socket));
  }

  /** Port clients connect to. */
  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Address clients connect to. */
  get address(): string {
    return (this.server.address() as net.AddressInfo).address;
  }

  /** Stops listening, destroys every connection and drops what waits. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.timer.close();
      for (const s of this.sockets) s.destroy();
      this.sockets.clear();
      this.server.close(() => resolve());
    });
    return this.closing;
  }

  private accept(client: net.Socket): void {
    if (this.closing !== undefined) {
      client.destroy();
      return;
    }
    this.stats.connections++;
    const o = this.options;
    const upstream = net.connect({ host: o.target.address, port: o.target.port, allowHalfOpen: true });
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    this.sockets.add(client);
    this.sockets.add(upstream);
    const clock = o.clock ?? monotonicClock;
    const highWater = o.highWaterBytes ?? 1024 * 1024;
    const aToB = new TcpFlowEmulator(this.models.aToB, { ...o.tcp, ackDelayMs: o.tcp?.ackDelayMs ?? this.models.bToA.delayMs ?? 0 });
    const bToA = new TcpFlowEmulator(this.models.bToA, { ...o.tcp, ackDelayMs: o.tcp?.ackDelayMs ?? this.models.aToB.delayMs ?? 0 });
    const pipes = [
      new Pipe(client, upstream, aToB, this.stats.aToB, this.timer, clock, highWater),
      new Pipe(upstream, client, bToA, this.stats.bToA, this.timer, clock, highWater),
    ];
    let connected = false;
    upstream.once('connect', () => { connected = true; });
    const teardown = (): void => {
      for (const p of pipes) p.closed = true;
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    // An error on either side ends the connection on both, as a reset would; nothing is thrown.
    client.on('error', teardown);
    upstream.on('error', () => {
      if (!connected) this.stats.failedConnections++;
      teardown();
    });
    let closedSides = 0;
    const onClose = (): void => {
      if (++closedSides === 2) teardown();
    };
    client.on('close', onClose);
    upstream.on('close', onClose);
  }
}

/**
 * Starts a TCP relay in front of `target`: connect to `relay.port` and the byte stream reaches the
 * target (and comes back) through the emulated impaired leg.
 */
export async function startTcpRelay(options: TcpRelayOptions): Promise<TcpRelay> {
  checkEndpoint(options.target, 'target');
  const models = resolveDirections(options.model);
  validateModel(models.aToB);
  validateModel(models.bToA);
  new TcpFlowEmulator(models.aToB, options.tcp); // checks the TCP options up front
  const host = options.bindAddress ?? loopbackFor(options.target.address);
  const server = net.createServer({ allowHalfOpen: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new NetemError('BIND_FAILED', `cannot listen on TCP ${host}:${options.port ?? 0}: ${err.message}`)));
    server.listen({ host, port: options.port ?? 0 }, () => resolve());
  });
  server.on('error', () => undefined); // after listening, errors belong to connections
  return new TcpRelay(server, options);
}

/**
 * The UDP adapter: two loopback sockets and an {@link ImpairmentScheduler} per direction. Side A
 * talks to socket A ({@link UdpRelay.addressForA}), side B to socket B ({@link UdpRelay.addressForB});
 * what arrives on one socket leaves from the other, when and as often as the model says. Each side
 * sees the relay's socket as its peer, so two endpoints that only know relay addresses (ICE
 * candidates rewritten to them, say) talk through it.
 */
import type dgram from 'node:dgram';
import { DeliveryTimer, monotonicClock } from './delivery-timer.js';
import type { Clock } from './delivery-timer.js';
import { ImpairmentScheduler } from './impairment-scheduler.js';
import { resolveDirections, validateModel } from './impairment-model.js';
import type { DirectionalModel, ImpairmentModel } from './impairment-model.js';
import { bindUdp, checkEndpoint, closeUdp, connectUdp, loopbackFor } from './udp-socket.js';
import type { UdpEndpoint } from './udp-socket.js';

/** Counters of one direction of a {@link UdpRelay}. Live: they change as traffic flows. */
export class UdpLegStats {
  /** Datagrams received from the sending side. */
  received = 0;
  /** Bytes received from the sending side. */
  receivedBytes = 0;
  /** Datagrams handed to the socket towards the other side (duplicates count twice). */
  forwarded = 0;
  /** Bytes handed to the socket towards the other side. */
  forwardedBytes = 0;
  /** Datagrams dropped by the loss model. */
  droppedLoss = 0;
  /** Datagram copies dropped because the rate limiter's queue was full. */
  droppedQueue = 0;
  /** Extra copies made by duplication. */
  duplicated = 0;
  /** Copies held back for reordering. */
  reordered = 0;
  /** Datagrams waiting in the relay for their delivery time, now. */
  queuedPackets = 0;
  /** Bytes waiting in the relay for their delivery time, now. */
  queuedBytes = 0;
  /** Datagrams dropped because the receiving side's address is not known yet. */
  noRoute = 0;
  /** Sends the socket refused. */
  sendErrors = 0;

  /** All datagrams (or copies) that did not get through: loss + queue + no route. */
  get dropped(): number {
    return this.droppedLoss + this.droppedQueue + this.noRoute;
  }
}

/** Counters of both directions. */
export interface UdpRelayStats {
  /** A → B (client → target in {@link startUdpRelay}). */
  readonly aToB: UdpLegStats;
  /** B → A (target → client). */
  readonly bToA: UdpLegStats;
}

/** Options of {@link startUdpRelayPair}. */
export interface UdpRelayPairOptions {
  /**
   * Side A's address. Socket A is then connected to it (faster sends; the kernel takes datagrams on
   * socket A from A alone). When left out, the relay latches onto whoever last sent to socket A.
   */
  readonly a?: UdpEndpoint;
  /** Side B's address, as `a` (connected when given, else latched onto the last sender to socket B). */
  readonly b?: UdpEndpoint;
  /** One model for both directions, or one per direction (default: no impairment). */
  readonly model?: ImpairmentModel | DirectionalModel;
  /** Local address of socket A (default: loopback of A's family, else 127.0.0.1). */
  readonly bindAddressA?: string;
  /** Local address of socket B (default: loopback of B's family, else 127.0.0.1). */
  readonly bindAddressB?: string;
  /** Local port of socket A (default 0: any free port). */
  readonly portA?: number;
  /** Local port of socket B (default 0: any free port). */
  readonly portB?: number;
  /** Socket buffer size to ask for (default: the kernel's rmem_max/wmem_max, at most 8 MB). */
  readonly bufferSize?: number;
  /** Clock in ms (default `performance.now()`). */
  readonly clock?: Clock;
}

/** Options of {@link startUdpRelay}. */
export interface UdpRelayOptions {
  /** Where to forward what clients send to {@link UdpRelay.port}. */
  readonly target: UdpEndpoint;
  /** One model for both directions, or `{ aToB, bToA }` (A = the client side). */
  readonly model?: ImpairmentModel | DirectionalModel;
  /** Local address clients send to (default: loopback of the target's family). */
  readonly bindAddress?: string;
  /** Local port clients send to (default 0: any free port). */
  readonly port?: number;
  /** Socket buffer size to ask for (default: rmem_max/wmem_max, at most 8 MB). */
  readonly bufferSize?: number;
  /** Clock in ms (default `performance.now()`). */
  readonly clock?: Clock;
}

const A_TO_B = 0;
const B_TO_A = 1;

interface Side {
  address: string | undefined;
  port: number;
  readonly fixed: boolean;
}

/** A running UDP impairment relay. Make one with {@link startUdpRelay} or {@link startUdpRelayPair}. */
export class UdpRelay {
  /** Live counters per direction. */
  readonly stats: UdpRelayStats = { aToB: new UdpLegStats(), bToA: new UdpLegStats() };
  /** The address side A sends to; it stands in for B. */
  readonly addressForA: UdpEndpoint;
  /** The address side B sends to; it stands in for A. */
  readonly addressForB: UdpEndpoint;
  private readonly schedulers: [ImpairmentScheduler, ImpairmentScheduler];
  private readonly sides: [Side, Side];
  private readonly timer: DeliveryTimer<Buffer>;
  private closing: Promise<void> | undefined;

  /** @internal use {@link startUdpRelayPair}. */
  constructor(
    private readonly socketA: dgram.Socket,
    private readonly socketB: dgram.Socket,
    options: UdpRelayPairOptions,
  ) {
    const clock = options.clock ?? monotonicClock;
    const models = resolveDirections(options.model);
    this.schedulers = [new ImpairmentScheduler(models.aToB), new ImpairmentScheduler(models.bToA)];
    this.sides = [
      { address: options.a?.address, port: options.a?.port ?? 0, fixed: options.a !== undefined },
      { address: options.b?.address, port: options.b?.port ?? 0, fixed: options.b !== undefined },
    ];
    const la = socketA.address();
    const lb = socketB.address();
    this.addressForA = { address: la.address, port: la.port };
    this.addressForB = { address: lb.address, port: lb.port };
    this.timer = new DeliveryTimer<Buffer>((buf, tag) => this.deliver(buf, tag), clock);
    socketA.on('message', (buf: Buffer, rinfo: dgram.RemoteInfo) => this.receive(A_TO_B, buf, rinfo, clock()));
    socketB.on('message', (buf: Buffer, rinfo: dgram.RemoteInfo) => this.receive(B_TO_A, buf, rinfo, clock()));
    // An ICMP port-unreachable or a send failure surfaces here; count it and live on.
    socketA.on('error', () => this.stats.bToA.sendErrors++);
    socketB.on('error', () => this.stats.aToB.sendErrors++);
  }

  /** Port side A sends to (same as `addressForA.port`); the one to use with {@link startUdpRelay}. */
  get port(): number {
    return this.addressForA.port;
  }

  /** Address side A sends to (same as `addressForA.address`). */
  get address(): string {
    return this.addressForA.address;
  }

  /** Changes one direction's model from now on (queue, PRNG and ordering state carry over). */
  setModel(direction: 'aToB' | 'bToA', model: ImpairmentModel): void {
    validateModel(model);
    this.schedulers[direction === 'aToB' ? A_TO_B : B_TO_A].setModel(model);
  }

  /** Closes both sockets and drops whatever is still waiting. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= (() => {
      this.timer.close();
      this.stats.aToB.queuedBytes = this.stats.aToB.queuedPackets = 0;
      this.stats.bToA.queuedBytes = this.stats.bToA.queuedPackets = 0;
      return Promise.all([closeUdp(this.socketA), closeUdp(this.socketB)]).then(() => undefined);
    })();
    return this.closing;
  }

  private receive(direction: number, buf: Buffer, rinfo: dgram.RemoteInfo, now: number): void {
    if (this.closing !== undefined) return;
    const from = this.sides[direction]!; // A_TO_B comes from side A (index 0), B_TO_A from side B
    if (!from.fixed && (from.port !== rinfo.port || from.address !== rinfo.address)) {
      from.address = rinfo.address;
      from.port = rinfo.port;
    }
    const leg = direction === A_TO_B ? this.stats.aToB : this.stats.bToA;
    leg.received++;
    leg.receivedBytes += buf.length;
    if (this.sides[1 - direction]!.address === undefined) {
      leg.noRoute++;
      return;
    }
    const scheduler = this.schedulers[direction]!;
    const c = scheduler.counters;
    const queueBefore = c.droppedQueue;
    const dupBefore = c.duplicated;
    const reorderBefore = c.reordered;
    const r = scheduler.schedule(buf.length, now);
    if (r.dropReason === 'loss') leg.droppedLoss++;
    leg.droppedQueue += c.droppedQueue - queueBefore; // one copy of a duplicated pair may meet a full queue
    leg.duplicated += c.duplicated - dupBefore;
    leg.reordered += c.reordered - reorderBefore;
    for (let i = 0; i < r.copies; i++) {
      const at = r.deliverAt[i]!;
      if (at <= now) {
        if (this.timer.size > 0) this.timer.flush(); // what is already due goes first
        this.send(buf, direction);
      } else {
        leg.queuedPackets++;
        leg.queuedBytes += buf.length;
        this.timer.push(at, buf, direction);
      }
    }
  }

  private deliver(buf: Buffer, direction: number): void {
    const leg = direction === A_TO_B ? this.stats.aToB : this.stats.bToA;
    leg.queuedPackets--;
    leg.queuedBytes -= buf.length;
    this.send(buf, direction);
  }

  private send(buf: Buffer, direction: number): void {
    const to = this.sides[1 - direction]!;
    const leg = direction === A_TO_B ? this.stats.aToB : this.stats.bToA;
    const socket = direction === A_TO_B ? this.socketB : this.socketA;
    leg.forwarded++;
    leg.forwardedBytes += buf.length;
    try {
      const done = direction === A_TO_B ? this.onSentAToB : this.onSentBToA;
      // A given endpoint's socket is connected to it: no address lookup per datagram.
      if (to.fixed) socket.send(buf, done);
      else socket.send(buf, to.port, to.address, done);
    } catch {
      leg.sendErrors++; // socket closed under us
    }
  }

  private readonly onSentAToB = (err: Error | null): void => {
    if (err) this.stats.aToB.sendErrors++;
  };

  private readonly onSentBToA = (err: Error | null): void => {
    if (err) this.stats.bToA.sendErrors++;
  };
}

/**
 * Starts a symmetric relay between two UDP endpoints: give A {@link UdpRelay.addressForA} as B's
 * address and B {@link UdpRelay.addressForB} as A's. Endpoints left out are learned from the first
 * datagram their side sends; until then datagrams towards them count as `noRoute`.
 */
export async function startUdpRelayPair(options: UdpRelayPairOptions = {}): Promise<UdpRelay> {
  if (options.a !== undefined) checkEndpoint(options.a, 'a');
  if (options.b !== undefined) checkEndpoint(options.b, 'b');
  const models = resolveDirections(options.model);
  validateModel(models.aToB);
  validateModel(models.bToA);
  const socketA = await bindUdp(options.bindAddressA ?? loopbackFor(options.a?.address), options.portA ?? 0, options.bufferSize);
  let socketB: dgram.Socket;
  try {
    socketB = await bindUdp(options.bindAddressB ?? loopbackFor(options.b?.address), options.portB ?? 0, options.bufferSize);
  } catch (err) {
    await closeUdp(socketA);
    throw err;
  }
  try {
    if (options.a !== undefined) await connectUdp(socketA, options.a);
    if (options.b !== undefined) await connectUdp(socketB, options.b);
  } catch (err) {
    await Promise.all([closeUdp(socketA), closeUdp(socketB)]);
    throw err;
  }
  return new UdpRelay(socketA, socketB, options);
}

/**
 * Starts a relay in front of one UDP `target`: send to `relay.port` and the datagrams reach the
 * target from the relay's other socket; the target's answers come back to the last sender.
 */
export async function startUdpRelay(options: UdpRelayOptions): Promise<UdpRelay> {
  checkEndpoint(options.target, 'target');
  return startUdpRelayPair({
    b: options.target,
    model: options.model,
    bindAddressA: options.bindAddress ?? loopbackFor(options.target.address),
    portA: options.port ?? 0,
    bufferSize: options.bufferSize,
    clock: options.clock,
  });
}

// A deterministic network for the sans-IO agent: simulated time, latency, loss (seeded), NATs and
// a STUN server. Addresses here are documentation ranges and never reach a real socket.
import { attr, decodeMessage, encodeMessage, StunClass, StunMethod, XorMappedAddress } from '@x/stun';
import {
  addressKey,
  IceAgent,
  type IceAgentEvent,
  type IceAgentOptions,
  type IceConnectionState,
  type TransportAddress,
} from '../src/index.js';
import { mulberry32 } from '@x/testing';

/** A NAT: endpoint-independent mapping, with endpoint-independent or address-and-port-dependent filtering. */
export class Nat {
  private readonly out = new Map<string, number>();
  private readonly back = new Map<number, TransportAddress>();
  private readonly permissions = new Set<string>();
  private nextPort = 40000;
  constructor(
    readonly publicIp: string,
    readonly filtering: 'endpoint-independent' | 'address-and-port-dependent' = 'address-and-port-dependent',
  ) {}
  outbound(src: TransportAddress, dst: TransportAddress): TransportAddress {
    const k = addressKey(src);
    let port = this.out.get(k);
    if (port === undefined) {
      port = this.nextPort++;
      this.out.set(k, port);
      this.back.set(port, src);
    }
    this.permissions.add(`${port}|${addressKey(dst)}`);
    return { address: this.publicIp, port };
  }
  inbound(dst: TransportAddress, src: TransportAddress): TransportAddress | undefined {
    const inside = this.back.get(dst.port);
    if (!inside) return undefined;
    if (this.filtering === 'address-and-port-dependent' && !this.permissions.has(`${dst.port}|${addressKey(src)}`)) return undefined;
    return inside;
  }
}

interface Socket {
  readonly peer: SimPeer;
  readonly socketId: number;
  readonly address: TransportAddress;
  readonly nat: Nat | undefined;
}

interface Delivery {
  readonly at: number;
  readonly seq: number;
  readonly to: TransportAddress;
  readonly from: TransportAddress;
  readonly data: Uint8Array;
}

/** One agent in the simulation, with the events and data it saw. */
export class SimPeer {
  readonly events: Array<{ at: number; event: IceAgentEvent }> = [];
  readonly received: Uint8Array[] = [];
  readonly sockets: Socket[] = [];
  constructor(
    readonly net: SimNetwork,
    readonly name: string,
    readonly agent: IceAgent,
  ) {}
  /** Binds a socket and adds its host candidate. */
  addHost(address: string, port: number, nat?: Nat): void {
    const socketId = this.sockets.length + 1;
    const s: Socket = { peer: this, socketId, address: { address, port }, nat };
    this.sockets.push(s);
    this.net.bind(s);
    this.agent.addHostCandidate(socketId, { address, port }, 0, this.net.now);
  }
  /** Sends application data on the selected pair, if allowed. */
  sendData(data: Uint8Array): boolean {
    const pair = this.agent.selectedPair;
    if (!pair || !this.agent.canSend) return false;
    this.net.send(this.sockets[pair.local.socketId - 1]!, pair.remote, data);
    return true;
  }
  states(): IceConnectionState[] {
    return this.events.flatMap((e) => (e.event.type === 'connection-state' ? [e.event.state] : []));
  }
  stateAt(state: IceConnectionState): number | undefined {
    return this.events.find((e) => e.event.type === 'connection-state' && e.event.state === state)?.at;
  }
}

/** The simulated network and clock. */
export class SimNetwork {
  now = 0;
  latency = 10;
  loss = 0;
  /** When false, every datagram is dropped (a cut link). */
  up = true;
  dropped = 0;
  private readonly random: () => number;
  private readonly bound = new Map<string, Socket>();
  private readonly nats = new Map<string, Nat>();
  private readonly stunServers = new Set<string>();
  private queue: Delivery[] = [];
  private seq = 0;
  readonly peers: SimPeer[] = [];

  constructor(seed = 1) {
    this.random = mulberry32(seed);
  }

  addPeer(name: string, options: IceAgentOptions): SimPeer {
    const p = new SimPeer(this, name, new IceAgent({ random: mulberry32(this.peers.length + 7), ...options }));
    this.peers.push(p);
    return p;
  }
  addNat(nat: Nat): Nat {
    this.nats.set(nat.publicIp, nat);
    return nat;
  }
  /** A STUN server answering Binding requests with the source address. */
  addStunServer(address: TransportAddress): void {
    this.stunServers.add(addressKey(address));
  }
  bind(s: Socket): void {
    this.bound.set(addressKey(s.address), s);
  }

  send(from: Socket, to: TransportAddress, data: Uint8Array): void {
    const src = from.nat ? from.nat.outbound(from.address, to) : from.address;
    if (!this.up || (this.loss > 0 && this.random() < this.loss)) {
      this.dropped++;
      return;
    }
    this.queue.push({ at: this.now + this.latency, seq: this.seq++, to, from: src, data });
  }

  private deliver(d: Delivery): void {
    if (!this.up) {
      this.dropped++;
      return;
    }
    if (this.stunServers.has(addressKey(d.to))) return this.answerStun(d);
    let to: TransportAddress | undefined = d.to;
    const nat = this.nats.get(d.to.address);
    if (nat) to = nat.inbound(d.to, d.from);
    const s = to && this.bound.get(addressKey(to));
    if (!s) {
      this.dropped++;
      return;
    }
    const app = s.peer.agent.handleDatagram(d.data, s.socketId, d.from, this.now);
    if (app) s.peer.received.push(app);
  }

  private answerStun(d: Delivery): void {
    const m = decodeMessage(d.data);
    const family = d.from.address.includes(':') ? ('IPv6' as const) : ('IPv4' as const);
    const res = encodeMessage(
      {
        method: StunMethod.Binding,
        messageClass: StunClass.SuccessResponse,
        transactionId: m.transactionId,
        attributes: [attr(XorMappedAddress, { family, ...d.from })],
      },
      { fingerprint: true },
    );
    this.queue.push({ at: this.now + this.latency, seq: this.seq++, to: d.from, from: d.to, data: res });
  }

  private flush(): void {
    for (const p of this.peers) {
      for (let t = p.agent.pollTransmit(); t; t = p.agent.pollTransmit()) {
        const s = p.sockets[t.socketId - 1];
        if (s) this.send(s, t.destination, t.data);
      }
      for (let e = p.agent.pollEvent(); e; e = p.agent.pollEvent()) p.events.push({ at: this.now, event: e });
    }
  }

  /** Runs until `until` (ms), or until `stop()` is true after a step. */
  run(until: number, stop?: () => boolean): void {
    for (let guard = 0; guard < 1_000_000; guard++) {
      this.flush();
      if (stop?.()) return;
      let next = Infinity;
      for (const d of this.queue) next = Math.min(next, d.at);
      for (const p of this.peers) next = Math.min(next, p.agent.pollTimeout() ?? Infinity);
      if (next > until) {
        this.now = Math.max(this.now, until);
        return;
      }
      this.now = Math.max(this.now, next);
      const due = this.queue.filter((d) => d.at <= this.now).sort((a, b) => a.at - b.at || a.seq - b.seq);
      this.queue = this.queue.filter((d) => d.at > this.now);
      for (const d of due) this.deliver(d);
      for (const p of this.peers) {
        const t = p.agent.pollTimeout();
        if (t !== undefined && t <= this.now) p.agent.handleTimeout(this.now);
      }
    }
    throw new Error('simulation did not settle');
  }
}

/** Signals parameters and all current local candidates of each side to the other. */
export function exchange(a: SimPeer, b: SimPeer, endOfCandidates = true): void {
  a.agent.setRemoteParameters(b.agent.localParameters, a.net.now);
  b.agent.setRemoteParameters(a.agent.localParameters, b.net.now);
  for (const c of a.agent.getLocalCandidates()) if (c.type !== 'prflx') b.agent.addRemoteCandidate(c, b.net.now);
  for (const c of b.agent.getLocalCandidates()) if (c.type !== 'prflx') a.agent.addRemoteCandidate(c, a.net.now);
  if (endOfCandidates) {
    a.agent.endOfRemoteCandidates(a.net.now);
    b.agent.endOfRemoteCandidates(b.net.now);
  }
}

/** Both sides have a selected pair. */
/** Both agents send on a nominated pair (before nomination each may use its own best valid pair). */
export function bothNominated(a: SimPeer, b: SimPeer): boolean {
  return a.agent.selectedPair?.nominated === true && b.agent.selectedPair?.nominated === true;
}

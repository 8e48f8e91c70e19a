import { isStunMessage } from '@x/stun';
import { addressKey, type TransportAddress } from './transport-address.js';

/** One transport behind a {@link UdpMuxRouter}: what the router asks it when an address is shared. */
export interface UdpMuxRoute {
  /** Whether this transport's selected pair has `source` as its remote end. */
  selectsRemote(source: TransportAddress): boolean;
}

/** Counters of a {@link UdpMuxRouter}: every datagram is routed once or dropped under one reason. */
export interface UdpMuxRouterStats {
  /** Datagrams offered to the router. */
  received: number;
  /** Datagrams handed to a transport. */
  routed: number;
  /** Dropped: empty, or a first byte no protocol has (4–15, unassigned in RFC 9443's demultiplexing table). */
  droppedUnknown: number;
  /** Dropped: first byte of STUN but not a well-formed STUN message (header, length, cookie, attributes). */
  droppedMalformed: number;
  /** Dropped: a STUN request whose USERNAME names no registered local ufrag (or has none). */
  droppedUnknownUfrag: number;
  /** Dropped: not a request, and from an address (or for a transaction) no transport knows. */
  droppedUnroutable: number;
  /** Routed by address although several transports knew it (chosen by selected pair, then the newest). */
  ambiguous: number;
  /** A transport asked for a ufrag another transport holds (it stays with the first). */
  ufragConflicts: number;
}

/** How many entries the router holds (all zero once every transport is removed). */
export interface UdpMuxRouterSize {
  routes: number;
  ufrags: number;
  addresses: number;
  transactions: number;
}

interface Owned {
  readonly ufrags: Set<string>;
  readonly addresses: Set<string>;
  /** Outstanding request transaction ids, oldest first (bounded: see MAX_TRANSACTIONS). */
  readonly transactions: Set<string>;
}

/**
 * Request transaction ids remembered per transport. An answer retires its id, so what stays is
 * the unanswered ones (checks to candidates that never answer); the oldest go first past this.
 */
const MAX_TRANSACTIONS = 64;

const STUN_HEADER = 20;
const USERNAME = 0x0006;

/**
 * The routing table of a UDP mux, sans-IO: many ICE transports behind one socket (per family).
 * A STUN request goes to the transport whose local ufrag is the first part of its USERNAME
 * (RFC 8445 §7.2.2: `receiver:sender`), and teaches the router that the source address belongs to
 * that transport; a STUN response goes to the transport that sent the request (by transaction id,
 * retired by the first answer);
 * everything else (DTLS, SRTP, STUN indications; any first byte from 16 up, RFC 9443) goes by
 * source address. Addresses are learned per
 * transport, so two transports may know one remote address (two connections from one peer socket):
 * requests still go by ufrag, and the rest to the transport whose selected pair uses that address
 * (the newest learner if several or none do). {@link remove} forgets every entry of a transport.
 * No timers: entries live as long as their transport.
 */
export class UdpMuxRouter<R extends UdpMuxRoute> {
  readonly stats: UdpMuxRouterStats;
  private readonly byUfrag = new Map<string, R>();
  /** Transports that learned each remote address, newest last. */
  private readonly byAddress = new Map<string, R[]>();
  private readonly byTransaction = new Map<string, R>();
  private readonly owned = new Map<R, Owned>();

  /** `stats`: an object to count into (an adapter may extend it with its own counters). */
  constructor(stats?: UdpMuxRouterStats) {
    this.stats = stats ?? newRouterStats();
  }

  /** Entries held, for checks that a closed transport left nothing behind. */
  get size(): UdpMuxRouterSize {
    return { routes: this.owned.size, ufrags: this.byUfrag.size, addresses: this.byAddress.size, transactions: this.byTransaction.size };
  }

  /** Registers a transport (idempotent). */
  add(route: R): void {
    if (!this.owned.has(route)) this.owned.set(route, { ufrags: new Set(), addresses: new Set(), transactions: new Set() });
  }

  /** Routes requests for `ufrag` to `route`; false (and counted) when another transport holds it. */
  addUfrag(route: R, ufrag: string): boolean {
    this.add(route);
    const holder = this.byUfrag.get(ufrag);
    if (holder !== undefined && holder !== route) {
      this.stats.ufragConflicts++;
      return false;
    }
    this.byUfrag.set(ufrag, route);
    this.owned.get(route)!.ufrags.add(ufrag);
    return true;
  }

  /** Stops routing `ufrag` to `route` (an older ufrag after an ICE restart). */
  removeUfrag(route: R, ufrag: string): void {
    const o = this.owned.get(route);
    if (o === undefined || !o.ufrags.delete(ufrag)) return;
    if (this.byUfrag.get(ufrag) === route) this.byUfrag.delete(ufrag);
  }

  /** The ufrags routed to `route`, oldest first. */
  ufragsOf(route: R): string[] {
    return [...(this.owned.get(route)?.ufrags ?? [])];
  }

  /** Forgets everything of `route`: ufrags, learned addresses, transactions. */
  remove(route: R): void {
    const o = this.owned.get(route);
    if (o === undefined) return;
    this.owned.delete(route);
    for (const u of o.ufrags) if (this.byUfrag.get(u) === route) this.byUfrag.delete(u);
    for (const key of o.addresses) {
      const list = this.byAddress.get(key);
      if (list === undefined) continue;
      const i = list.indexOf(route);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) this.byAddress.delete(key);
    }
    for (const t of o.transactions) if (this.byTransaction.get(t) === route) this.byTransaction.delete(t);
  }

  /** Forgets every transport and entry. */
  clear(): void {
    for (const r of [...this.owned.keys()]) this.remove(r);
  }

  /**
   * `route` sends `data` to `destination`: a STUN request teaches the router the destination (so
   * a peer that never sends a check, ICE-lite, is reachable) and its transaction id (so the
   * answer comes back to this transport even when others use the same server or peer).
   */
  sent(route: R, data: Uint8Array, destination: TransportAddress): void {
    if (data.length < STUN_HEADER || data[0]! >= 4 || (data[1]! & 0x10) !== 0 || (data[0]! & 0x01) !== 0) return;
    const o = this.owned.get(route);
    if (o === undefined) return;
    this.learn(route, o, addressKey(destination), false);
    const t = transactionOf(data);
    if (o.transactions.has(t)) return;
    o.transactions.add(t);
    this.byTransaction.set(t, route);
    if (o.transactions.size > MAX_TRANSACTIONS) {
      const oldest = o.transactions.values().next().value!;
      o.transactions.delete(oldest);
      if (this.byTransaction.get(oldest) === route) this.byTransaction.delete(oldest);
    }
  }

  /**
   * The transport a datagram from `source` belongs to, or undefined (dropped, counted in
   * {@link stats}). `key` is `source`'s map key when the caller has one (see {@link muxSourceKey}).
   * Never throws.
   */
  route(data: Uint8Array, source: TransportAddress, key = muxSourceKey(source)): R | undefined {
    this.stats.received++;
    // An empty datagram counts as unknown (4: an unassigned first byte).
    const b = data.length > 0 ? data[0]! : 4;
    let r: R | undefined;
    if (b < 4) r = this.routeStun(data, source, key);
    else if (b >= 16) r = this.routeByAddress(source, key);
    else this.stats.droppedUnknown++;
    if (r !== undefined) this.stats.routed++;
    return r;
  }

  private routeStun(data: Uint8Array, source: TransportAddress, key: string): R | undefined {
    if (!isStunMessage(data)) {
      this.stats.droppedMalformed++;
      return undefined;
    }
    const cls = ((data[0]! & 0x01) << 1) | ((data[1]! & 0x10) >> 4);
    if (cls === 0) {
      const ufrag = localUfrag(data);
      if (ufrag === null) {
        this.stats.droppedMalformed++;
        return undefined;
      }
      const r = ufrag === undefined ? undefined : this.byUfrag.get(ufrag);
      if (r === undefined) {
        this.stats.droppedUnknownUfrag++;
        return undefined;
      }
      this.learn(r, this.owned.get(r)!, key, true);
      return r;
    }
    if (cls >= 2) {
      const t = transactionOf(data);
      const r = this.byTransaction.get(t);
      if (r !== undefined) {
        // The first answer ends the transaction; a late copy goes by address (and the agent drops it).
        this.byTransaction.delete(t);
        this.owned.get(r)!.transactions.delete(t);
        return r;
      }
    }
    return this.routeByAddress(source, key);
  }

  private routeByAddress(source: TransportAddress, key: string): R | undefined {
    const list = this.byAddress.get(key);
    if (list === undefined) {
      this.stats.droppedUnroutable++;
      return undefined;
    }
    if (list.length === 1) return list[0];
    this.stats.ambiguous++;
    for (let i = list.length - 1; i >= 0; i--) if (list[i]!.selectsRemote(source)) return list[i];
    return list[list.length - 1];
  }

  /** `route` knows `key`; a check received from it makes it the newest learner. */
  private learn(route: R, o: Owned, key: string, received: boolean): void {
    const list = this.byAddress.get(key);
    if (list === undefined) {
      this.byAddress.set(key, [route]);
      o.addresses.add(key);
      return;
    }
    const i = list.indexOf(route);
    if (i === list.length - 1) return;
    if (i >= 0) {
      if (!received) return;
      list.splice(i, 1);
    }
    list.push(route);
    o.addresses.add(key);
  }
}

/** Fresh zeroed router counters. */
export function newRouterStats(): UdpMuxRouterStats {
  return { received: 0, routed: 0, droppedUnknown: 0, droppedMalformed: 0, droppedUnknownUfrag: 0, droppedUnroutable: 0, ambiguous: 0, ufragConflicts: 0 };
}

/**
 * The router's key for a source address as a socket reports it (`1.2.3.4:5`, `[::1]:5`): the
 * kernel's IPv6 text is already canonical, so no parsing per datagram.
 */
export function muxSourceKey(source: TransportAddress): string {
  return source.address.includes(':') ? `[${source.address}]:${source.port}` : `${source.address}:${source.port}`;
}

/** The 12-byte transaction id as a map key (one char a byte). */
function transactionOf(data: Uint8Array): string {
  return String.fromCharCode(data[8]!, data[9]!, data[10]!, data[11]!, data[12]!, data[13]!, data[14]!, data[15]!, data[16]!, data[17]!, data[18]!, data[19]!);
}

/**
 * The USERNAME's part before `:` (the receiver's ufrag), undefined without USERNAME, null when the
 * attributes overrun the message. The header was checked by `isStunMessage`.
 */
function localUfrag(data: Uint8Array): string | undefined | null {
  let at = STUN_HEADER;
  while (at < data.length) {
    if (at + 4 > data.length) return null;
    const type = (data[at]! << 8) | data[at + 1]!;
    const length = (data[at + 2]! << 8) | data[at + 3]!;
    const value = at + 4;
    if (value + length > data.length) return null;
    if (type === USERNAME) {
      let end = value;
      while (end < value + length && data[end] !== 0x3a) end++;
      let s = '';
      for (let i = value; i < end; i++) s += String.fromCharCode(data[i]!);
      return s;
    }
    at = value + ((length + 3) & ~3);
  }
  return undefined;
}

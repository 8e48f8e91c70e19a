import { decodeMessage, StunClass, StunMethod, Username } from '@x/stun';

/** Counters of a {@link TcpMuxRouter} and the TCP mux around it. */
export interface TcpMuxRouterStats {
  /** TCP connections accepted. */
  accepted: number;
  /** Connections handed to a transport (their first frame named its ufrag). */
  routed: number;
  /** Closed: the first frame was no STUN Binding request with a USERNAME. */
  droppedNotStun: number;
  /** Closed: the first frame's USERNAME names no registered local ufrag. */
  droppedUnknownUfrag: number;
  /** Closed: no first frame within the timeout. */
  timedOut: number;
  /** Closed: a bad RFC 4571 length (empty, or longer than allowed). */
  malformedFrames: number;
  /** Refused at once: too many connections were still waiting for their first frame. */
  refused: number;
  /** A transport asked for a ufrag another transport holds (it stays with the first). */
  ufragConflicts: number;
}

/** Fresh zeroed counters. */
export function newTcpMuxRouterStats(): TcpMuxRouterStats {
  return { accepted: 0, routed: 0, droppedNotStun: 0, droppedUnknownUfrag: 0, timedOut: 0, malformedFrames: 0, refused: 0, ufragConflicts: 0 };
}

/**
 * The routing table of a TCP mux, sans-IO: a new connection belongs to the transport whose local
 * ufrag is the first part of the USERNAME of the STUN Binding request it sends first (RFC 6544
 * §7.2: an active end starts with a check; RFC 8445 §7.2.2: `receiver:sender`). After that the
 * connection is the route, so nothing else is looked up. {@link remove} forgets a transport's ufrags.
 */
export class TcpMuxRouter<R> {
  readonly stats: TcpMuxRouterStats;
  private readonly byUfrag = new Map<string, R>();
  private readonly owned = new Map<R, Set<string>>();

  constructor(stats?: TcpMuxRouterStats) {
    this.stats = stats ?? newTcpMuxRouterStats();
  }

  /** Ufrags held (0 once every transport is removed). */
  get ufrags(): number {
    return this.byUfrag.size;
  }

  /** Transports registered. */
  get routes(): number {
    return this.owned.size;
  }

  /** Routes connections for `ufrag` to `route`; false (and counted) when another transport holds it. */
  addUfrag(route: R, ufrag: string): boolean {
    const holder = this.byUfrag.get(ufrag);
    if (holder !== undefined && holder !== route) {
      this.stats.ufragConflicts++;
      return false;
    }
    this.byUfrag.set(ufrag, route);
    let set = this.owned.get(route);
    if (set === undefined) this.owned.set(route, (set = new Set()));
    set.add(ufrag);
    return true;
  }

  /** Stops routing `ufrag` to `route`. */
  removeUfrag(route: R, ufrag: string): void {
    if (!this.owned.get(route)?.delete(ufrag)) return;
    if (this.byUfrag.get(ufrag) === route) this.byUfrag.delete(ufrag);
  }

  /** The ufrags routed to `route`, oldest first. */
  ufragsOf(route: R): string[] {
    return [...(this.owned.get(route) ?? [])];
  }

  /** Forgets `route` and its ufrags. */
  remove(route: R): void {
    const set = this.owned.get(route);
    if (set === undefined) return;
    this.owned.delete(route);
    for (const u of set) if (this.byUfrag.get(u) === route) this.byUfrag.delete(u);
  }

  /** Forgets everything. */
  clear(): void {
    this.byUfrag.clear();
    this.owned.clear();
  }

  /**
   * The transport a connection whose first frame is `frame` belongs to, or undefined (counted:
   * the caller closes the connection). Never throws.
   */
  routeFirstFrame(frame: Uint8Array): R | undefined {
    const ufrag = checkUfrag(frame);
    if (ufrag === undefined) {
      this.stats.droppedNotStun++;
      return undefined;
    }
    const r = this.byUfrag.get(ufrag);
    if (r === undefined) {
      this.stats.droppedUnknownUfrag++;
      return undefined;
    }
    this.stats.routed++;
    return r;
  }
}

/** The receiver's ufrag of a well-formed STUN Binding request, or undefined for anything else. */
function checkUfrag(frame: Uint8Array): string | undefined {
  if (frame.length < 20 || frame[0]! >= 4) return undefined;
  try {
    const msg = decodeMessage(frame);
    if (msg.method !== StunMethod.Binding || msg.messageClass !== StunClass.Request) return undefined;
    const username = msg.get(Username);
    if (username === undefined) return undefined;
    const colon = username.indexOf(':');
    return colon > 0 ? username.slice(0, colon) : undefined;
  } catch {
    return undefined;
  }
}

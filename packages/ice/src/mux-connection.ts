import { addressFamily } from './transport-address.js';
import type { TransportAddress } from './transport-address.js';

/** What a mux's router keeps of each transport's ufrags (UDP and TCP routers alike). */
export interface UfragRoutes<R> {
  addUfrag(route: R, ufrag: string): boolean;
  removeUfrag(route: R, ufrag: string): void;
  ufragsOf(route: R): string[];
}

/**
 * What every transport's place in a mux (UDP or TCP) shares: the ufrags it routes by, across ICE
 * restarts, and the socket ids it gave the mux's sockets of each address family.
 */
export abstract class MuxConnection {
  /** The transport's socket id for the mux socket of each family (IPv4, IPv6). */
  protected readonly socketIds: [number | undefined, number | undefined] = [undefined, undefined];
  protected closed = false;

  /** @internal The router holding this connection's ufrags. */
  protected abstract get routes(): UfragRoutes<this>;
  /** @internal Whether the mux itself is closed. */
  protected abstract get muxClosed(): boolean;

  /** Routes checks whose USERNAME starts with `ufrag` here; false when another transport holds it. */
  addUfrag(ufrag: string): boolean {
    if (this.closed || this.muxClosed) return false;
    return this.routes.addUfrag(this, ufrag);
  }

  /** Keeps only `ufrag` (the current one, once a pair of it is selected after an ICE restart). */
  retainUfrag(ufrag: string): void {
    for (const u of this.routes.ufragsOf(this)) if (u !== ufrag) this.routes.removeUfrag(this, u);
  }

  /** After an ICE restart: `ufrag` routes here too, beside the one before (older ones are dropped). */
  restartUfrag(ufrag: string): void {
    const held = this.routes.ufragsOf(this);
    for (const u of held.slice(0, -1)) this.routes.removeUfrag(this, u);
    this.addUfrag(ufrag);
  }

  /** The transport calls the mux's socket bound on `local` `socketId`. */
  useSocket(socketId: number, local: TransportAddress): void {
    this.socketIds[addressFamily(local.address) === 6 ? 1 : 0] = socketId;
  }
}

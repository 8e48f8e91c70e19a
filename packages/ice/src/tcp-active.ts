import net from 'node:net';
import { FramedTcpStream } from './tcp-stream.js';
import { addressKey, type TransportAddress } from './transport-address.js';

/** What {@link TcpActiveConnections} reports to its transport. */
export interface TcpActiveHandler {
  receive(data: Uint8Array, socketId: number, source: TransportAddress): void;
  /** The connection of an active candidate to `remote` failed or closed. */
  closed(socketId: number, remote: TransportAddress): void;
}

/**
 * The client side of ICE-TCP (RFC 6544 §7.1): for each active candidate (a local address, named
 * by a socket id), one outgoing connection per remote passive candidate, opened when the agent
 * first sends there (its first check) and used for everything after. Frames written before the
 * connection is up wait in Node's socket buffer.
 */
export class TcpActiveConnections {
  /** Connections opened; sends dropped (closed connection or full queue). */
  readonly stats = { opened: 0, sendErrors: 0 };
  private readonly locals = new Map<number, string>();
  private readonly streams = new Map<string, { readonly socketId: number; readonly stream: FramedTcpStream }>();
  private closed = false;

  constructor(private readonly handler: TcpActiveHandler) {}

  /** Open connections. */
  get size(): number {
    return this.streams.size;
  }

  /** `socketId` is the active candidate on local address `address`. */
  addLocal(socketId: number, address: string): void {
    this.locals.set(socketId, address);
  }

  /** Sends `data` to `to` on the active candidate `socketId`; false if `socketId` is not one. Never throws. */
  send(socketId: number, to: TransportAddress, data: Uint8Array): boolean {
    const local = this.locals.get(socketId);
    if (local === undefined) return false;
    if (this.closed) return true;
    const key = `${socketId}|${addressKey(to)}`;
    let entry = this.streams.get(key);
    if (entry === undefined) {
      const remote = { address: to.address, port: to.port };
      let socket: net.Socket;
      try {
        socket = net.connect({ host: to.address, port: to.port, localAddress: local });
      } catch {
        // Refused at once (a bad address): the path failed, said after the agent's current step.
        this.stats.sendErrors++;
        queueMicrotask(() => this.closed || this.handler.closed(socketId, remote));
        return true;
      }
      const stream = new FramedTcpStream(socket, {
        frame: (frame) => this.handler.receive(frame, socketId, remote),
        closed: (s) => {
          if (this.streams.get(key)?.stream === s) this.streams.delete(key);
          if (!this.closed) this.handler.closed(socketId, remote);
        },
      }, remote);
      entry = { socketId, stream };
      this.streams.set(key, entry);
      this.stats.opened++;
    }
    if (!entry.stream.send(data)) this.stats.sendErrors++;
    return true;
  }

  /** Closes every connection. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const { stream } of [...this.streams.values()]) stream.close('transport closed');
    this.streams.clear();
  }
}

/**
 * A plain forwarding UDP relay between two endpoints that lets a test see every datagram, drop
 * some, and inject its own as if the other side had sent them. Used to capture real packets and
 * to replay or forge them at a peer. No impairment (that is @x/netem's job).
 */
import dgram from 'node:dgram';

/** One UDP endpoint. */
export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

/** Which way a datagram goes. */
export type Direction = 'aToB' | 'bToA';

/** Sees a datagram before it is forwarded; returning `false` drops it. */
export type Tap = (direction: Direction, datagram: Buffer) => boolean | void;

/** A running tap relay. */
export interface TapRelay {
  /** Where side A sends (stands in for B). */
  readonly addressForA: Endpoint;
  /** Where side B sends (stands in for A). */
  readonly addressForB: Endpoint;
  /** Side A's own address. */
  readonly endpointA: Endpoint;
  /** Side B's own address. */
  readonly endpointB: Endpoint;
  /** Forwarded datagrams per direction. */
  readonly forwarded: Record<Direction, number>;
  /** Replaces the tap. */
  setTap(tap: Tap | undefined): void;
  /** Sends a datagram the way `direction` goes, from the relay's socket, as if forwarded. */
  inject(direction: Direction, datagram: Uint8Array): void;
  close(): Promise<void>;
}

function bind(): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      socket.off('error', reject);
      socket.on('error', () => undefined); // ICMP unreachable after a peer closed: not our concern
      resolve(socket);
    });
  });
}

/** Starts a relay between `a` and `b` (both on 127.0.0.1). */
export async function startTapRelay(a: Endpoint, b: Endpoint, tap?: Tap): Promise<TapRelay> {
  const [socketA, socketB] = await Promise.all([bind(), bind()]);
  let current = tap;
  const forwarded: Record<Direction, number> = { aToB: 0, bToA: 0 };
  const send = (direction: Direction, data: Uint8Array): void => {
    if (direction === 'aToB') socketB.send(data, b.port, b.address);
    else socketA.send(data, a.port, a.address);
  };
  socketA.on('message', (data, from) => {
    if (from.port !== a.port) return;
    if (current?.('aToB', data) === false) return;
    forwarded.aToB++;
    send('aToB', data);
  });
  socketB.on('message', (data, from) => {
    if (from.port !== b.port) return;
    if (current?.('bToA', data) === false) return;
    forwarded.bToA++;
    send('bToA', data);
  });
  const close = (s: dgram.Socket): Promise<void> => new Promise((resolve) => s.close(() => resolve()));
  return {
    addressForA: { address: '127.0.0.1', port: socketA.address().port },
    addressForB: { address: '127.0.0.1', port: socketB.address().port },
    endpointA: a,
    endpointB: b,
    forwarded,
    setTap: (t) => {
      current = t;
    },
    inject: send,
    close: async () => {
      await Promise.all([close(socketA), close(socketB)]);
    },
  };
}

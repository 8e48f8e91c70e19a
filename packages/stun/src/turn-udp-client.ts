import type dgram from 'node:dgram';
import type { TransportAddress } from './transport-address.js';
import { TurnClientAdapter } from './turn-adapter.js';
import { TurnClient, type TurnClientOptions } from './turn-client.js';
import { bindUdpSocket, socketAddress, type UdpBindOptions } from './udp-socket.js';

export type { TurnAllocation, DatagramTransport } from './turn-adapter.js';

/** Options of {@link TurnUdpClient.connect}. */
export interface TurnUdpClientOptions extends TurnClientOptions {
  /** The TURN server. */
  readonly server: { readonly address: string; readonly port: number };
  /** Local socket (default: loopback of the server's family, any port). */
  readonly local?: UdpBindOptions;
}

/**
 * TURN client over node:dgram: the {@link TurnClient} core plus one UDP socket to the server,
 * the clock and one timer. Operations return promises; peer data arrives through
 * {@link onData}. Bad datagrams are dropped and counted; nothing throws from socket events.
 */
export class TurnUdpClient extends TurnClientAdapter {
  private readonly socket: dgram.Socket;
  private readonly server: { address: string; port: number };

  /** Binds a local UDP socket for talking to `options.server` (does not allocate yet). */
  static async connect(options: TurnUdpClientOptions): Promise<TurnUdpClient> {
    const family = options.server.address.includes(':') ? 'IPv6' : 'IPv4';
    const socket = await bindUdpSocket({ family, ...options.local });
    return new TurnUdpClient(socket, options);
  }

  private constructor(socket: dgram.Socket, options: TurnUdpClientOptions) {
    super(new TurnClient(options));
    this.socket = socket;
    this.server = options.server;
    socket.on('message', (data, rinfo) => {
      if (rinfo.port !== this.server.port || rinfo.address !== this.server.address) {
        this.core.stats.dropped++;
        return;
      }
      this.core.handleIncoming(data, performance.now());
      this.drive();
    });
    socket.on('error', () => {
      this.core.stats.dropped++;
    });
  }

  /** Local address of the socket. */
  get localAddress(): TransportAddress {
    return socketAddress(this.socket);
  }

  protected transmit(data: Uint8Array): void {
    this.socket.send(data, this.server.port, this.server.address, (err) => {
      if (err) this.core.stats.dropped++;
    });
  }

  protected closeTransport(): Promise<void> {
    return new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}

import net from 'node:net';
import tls from 'node:tls';
import { StreamFramer } from './stream-framer.js';
import { StunError } from './stun-error.js';
import { canonicalAddress, type TransportAddress } from './transport-address.js';
import { TurnClientAdapter } from './turn-adapter.js';
import { TurnClient, type TurnClientOptions } from './turn-client.js';

/** Options of {@link TurnTcpClient.connect}. */
export interface TurnTcpClientOptions extends TurnClientOptions {
  /** The TURN server. */
  readonly server: { readonly address: string; readonly port: number };
  /** Local address to connect from (default: chosen by the OS). */
  readonly localAddress?: string;
}

/** Options of {@link TurnTlsClient.connect}. */
export interface TurnTlsClientOptions extends TurnTcpClientOptions {
  /** Trusted CA certificates in PEM (e.g. a test server's self-signed certificate). */
  readonly ca?: string | Buffer | ReadonlyArray<string | Buffer>;
  /** Whether to check the server's certificate (default true). */
  readonly rejectUnauthorized?: boolean;
  /** SNI and the name the certificate must carry (default: the server address). */
  readonly servername?: string;
}

/**
 * TURN over a stream socket (RFC 8656 §3.1): the {@link TurnClient} core with a
 * {@link StreamFramer}, sending every request once and failing it after Ti = 39.5 s (no
 * retransmissions on a reliable transport), and padding ChannelData to 4 bytes. The relay itself
 * stays UDP. When the connection goes, so does the allocation (the server deletes it): pending
 * operations reject with `CLOSED` and {@link onError} hears it. Bytes that break the framing
 * close the connection the same way, with the framer's error.
 */
export abstract class TurnStreamClient extends TurnClientAdapter {
  private readonly socket: net.Socket;
  private readonly framer = new StreamFramer();

  protected constructor(socket: net.Socket, options: TurnClientOptions) {
    super(
      new TurnClient({
        ...options,
        transaction: { ...options.transaction, reliable: true },
        padChannelData: true,
      }),
    );
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (err) => this.lost(new StunError('CLOSED', `connection to the TURN server failed: ${err.message}`)));
    socket.on('close', () => this.lost(new StunError('CLOSED', 'the TURN server closed the connection')));
  }

  /** Local address of the connection. */
  get localAddress(): TransportAddress {
    const family = this.socket.localFamily === 'IPv6' ? 'IPv6' : 'IPv4';
    return { family, address: canonicalAddress(family, this.socket.localAddress ?? ''), port: this.socket.localPort ?? 0 };
  }

  private now = 0;
  // Each frame's events go out before the next frame: a frame split across chunks is a view
  // on the framer's buffer, which the next one overwrites. Made once, not per read.
  private readonly onFrame = (frame: Uint8Array): void => {
    this.core.handleIncoming(frame, this.now);
    this.drainEvents();
  };

  private receive(chunk: Uint8Array): void {
    if (this.closed) return;
    this.now = performance.now();
    try {
      this.framer.push(chunk, this.onFrame);
    } catch (e) {
      if (!(e instanceof StunError)) throw e;
      this.core.stats.dropped++;
      this.drive();
      this.lost(e);
      return;
    }
    this.drive();
  }

  private lost(error: StunError): void {
    if (this.closed) return;
    this.shutdown(error);
    this.reportError(error);
    this.socket.destroy();
  }

  protected transmit(data: Uint8Array): void {
    this.socket.write(data);
  }

  protected closeTransport(): Promise<void> {
    if (this.socket.destroyed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.end();
      // The server may keep its side open; do not wait on it.
      this.socket.destroySoon();
    });
  }
}

function connected(socket: net.Socket, event: 'connect' | 'secureConnect'): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => {
      socket.destroy();
      reject(new StunError('CLOSED', `cannot connect to the TURN server: ${err.message}`));
    };
    socket.once('error', onError);
    socket.once(event, () => {
      socket.off('error', onError);
      resolve();
    });
  });
}

/** TURN client over TCP (`turn:host:port?transport=tcp`). Same API as `TurnUdpClient`. */
export class TurnTcpClient extends TurnStreamClient {
  /** Opens the TCP connection to `options.server` (does not allocate yet). */
  static async connect(options: TurnTcpClientOptions): Promise<TurnTcpClient> {
    const socket = net.connect({
      host: options.server.address,
      port: options.server.port,
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
    });
    await connected(socket, 'connect');
    return new TurnTcpClient(socket, options);
  }
}

/** TURN client over TLS (`turns:host:port`). Same API as `TurnUdpClient`. */
export class TurnTlsClient extends TurnStreamClient {
  /** Opens the TLS connection to `options.server` and checks its certificate (does not allocate yet). */
  static async connect(options: TurnTlsClientOptions): Promise<TurnTlsClient> {
    const socket = tls.connect({
      host: options.server.address,
      port: options.server.port,
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
      ...(options.ca !== undefined ? { ca: options.ca as string | Buffer | Array<string | Buffer> } : {}),
      ...(options.rejectUnauthorized !== undefined ? { rejectUnauthorized: options.rejectUnauthorized } : {}),
      ...(options.servername !== undefined ? { servername: options.servername } : {}),
    });
    await connected(socket, 'secureConnect');
    return new TurnTlsClient(socket, options);
  }
}

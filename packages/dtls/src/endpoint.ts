import { DtlsConnection, type DtlsConnectionEvents, type DtlsConnectionOptions, type DtlsState, type DtlsStats } from './connection.js';
import { DtlsError } from './errors.js';
import type { SrtpKeyingMaterial, SrtpProfileName } from './srtp.js';
import type { CertificateFingerprint } from './fingerprint.js';

/** The datagram pipe DTLS runs over (ICE gives one once a pair is selected). */
export interface DatagramTransport {
  send(data: Uint8Array): void;
  onData(cb: (data: Uint8Array) => void): void;
  close(): void;
}

/** Options of {@link DtlsEndpoint}: the connection options plus the clock. */
export interface DtlsEndpointOptions extends DtlsConnectionOptions {
  /** Milliseconds clock (default `performance.now`). */
  now?: () => number;
}

/**
 * A DTLS client or server over a {@link DatagramTransport}: the {@link DtlsConnection} core with a
 * real timer and clock around it. Errors never escape from the transport callback: bad packets
 * are counted in {@link stats} and dropped.
 */
export class DtlsEndpoint {
  /** The sans-IO core, for stats and advanced use. */
  readonly connection: DtlsConnection;
  private readonly transport: DatagramTransport;
  private readonly clock: () => number;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAt: number | undefined;
  private dataListener: ((data: Uint8Array) => void) | undefined;

  constructor(transport: DatagramTransport, options: DtlsEndpointOptions) {
    this.transport = transport;
    this.clock = options.now ?? (() => performance.now());
    this.connection = new DtlsConnection(options);
    this.connection.events.on('close', () => this.clearTimer());
    transport.onData((d) => {
      this.connection.handleDatagram(d, this.clock());
      this.pump();
    });
  }

  /** Starts the handshake. */
  start(): this {
    this.connection.start(this.clock());
    this.pump();
    return this;
  }

  /**
   * Adds an event listener (`connected`, `data`, `error`, `close`); returns a remover. A listener
   * that throws is reported by `@x/base`'s rule (`connection.events.onListenerError`, else
   * `uncaughtException` on the next tick); what it sent is still flushed.
   */
  on<K extends keyof DtlsConnectionEvents>(event: K, listener: (...args: DtlsConnectionEvents[K]) => void): () => void {
    const wrapped = (...args: DtlsConnectionEvents[K]): void => {
      try {
        listener(...args);
      } finally {
        this.pump();
      }
    };
    this.connection.events.on(event, wrapped);
    return () => {
      this.connection.events.off(event, wrapped);
    };
  }

  /** Resolves when connected; rejects with the DtlsError if the handshake fails or closes first. */
  connected(): Promise<void> {
    if (this.connection.state === 'connected') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const events = this.connection.events;
      const onConnected = (): void => done(resolve);
      const onError = (e: DtlsError): void => done(() => reject(e));
      const onClose = (): void => done(() => reject(new DtlsError('closed', 'closed before connecting')));
      const done = (f: () => void): void => {
        events.off('connected', onConnected).off('error', onError).off('close', onClose);
        f();
      };
      events.on('connected', onConnected).on('error', onError).on('close', onClose);
    });
  }

  /** Sends application data. Throws DtlsError `not-connected` before the handshake finished. */
  send(data: Uint8Array): void {
    this.connection.send(data);
    this.pump();
  }

  /** Sends close_notify and stops timers; the transport stays open (it belongs to the caller). */
  close(): void {
    this.connection.close();
    this.pump();
    this.clearTimer();
  }

  /** Lifecycle state of the connection. */
  get state(): DtlsState {
    return this.connection.state;
  }

  /** Drop, replay and retransmission counters. */
  get stats(): DtlsStats {
    return this.connection.stats;
  }

  /** The peer certificate, DER. */
  get remoteCertificate(): Uint8Array | undefined {
    return this.connection.remoteCertificate;
  }

  /** Name of the negotiated cipher suite. */
  get cipherSuite(): string | undefined {
    return this.connection.cipherSuite;
  }

  /** The negotiated SRTP protection profile, if any. */
  get srtpProfile(): SrtpProfileName | undefined {
    return this.connection.srtpProfile;
  }

  /** Sets the remote fingerprints later (see {@link DtlsConnection.setRemoteFingerprints}). */
  setRemoteFingerprints(fingerprints: readonly CertificateFingerprint[]): void {
    this.connection.setRemoteFingerprints(fingerprints);
    this.pump();
  }

  /** RFC 5705 exporter. */
  exportKeyingMaterial(label: string, length: number, context?: Uint8Array): Uint8Array {
    return this.connection.exportKeyingMaterial(label, length, context);
  }

  /** SRTP keys and salts (RFC 5764 §4.2). */
  getSrtpKeyingMaterial(): SrtpKeyingMaterial | undefined {
    return this.connection.getSrtpKeyingMaterial();
  }

  /**
   * The application-data channel as a DatagramTransport (for SCTP): `send` writes a record,
   * `onData` gets each received record (one callback; a later call replaces it), `close` closes
   * the DTLS association. The callback runs as a `data` listener, so an exception it throws is
   * reported by `@x/base`'s rule and the next record is still delivered.
   */
  asTransport(): DatagramTransport {
    return {
      send: (d) => this.send(d),
      onData: (cb) => {
        if (this.dataListener === undefined) this.connection.events.on('data', (d) => this.dataListener?.(d));
        this.dataListener = cb;
      },
      close: () => this.close(),
    };
  }

  private pump(): void {
    for (const d of this.connection.takeDatagrams()) {
      try {
        this.transport.send(d);
      } catch {
        // a failing transport is like a lost datagram: retransmission covers it
      }
    }
    const next = this.connection.nextTimeout();
    if (next === this.timerAt) return;
    this.clearTimer();
    if (next === undefined) return;
    this.timerAt = next;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = undefined;
      this.connection.handleTimeout(this.clock());
      this.pump();
    }, Math.max(0, next - this.clock()));
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = undefined;
  }
}

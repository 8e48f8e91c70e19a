import { Association, type AssociationOptions, type AssociationState, type AssociationStats } from './association.js';
import { DataChannelManager, type DataChannelManagerOptions } from './data-channel-manager.js';

/** The datagram pipe SCTP runs over: DTLS application data in WebRTC (RFC 8261), or plain UDP. */
export interface DatagramTransport {
  send(data: Uint8Array): void;
  onData(cb: (data: Uint8Array) => void): void;
  close(): void;
}

/** Options of an {@link SctpTransport}. */
export interface SctpTransportOptions extends DataChannelManagerOptions, Omit<AssociationOptions, 'handler'> {
  /** Milliseconds clock; default `performance.now`. */
  clock?: () => number;
}

/**
 * SCTP association plus data channels over a {@link DatagramTransport}: the thin I/O adapter around
 * the sans-IO {@link Association} and {@link DataChannelManager}. It owns one timer and drains the
 * association after every input. Bad packets are counted in {@link stats} and dropped.
 */
export class SctpTransport extends DataChannelManager {
  readonly association: Association;
  private readonly transport: DatagramTransport;
  private readonly clock: () => number;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private flushQueued = false;
  private stopped = false;
  /** Packets the transport refused to send (it threw). */
  sendErrors = 0;

  constructor(transport: DatagramTransport, opts: SctpTransportOptions) {
    super(opts);
    this.transport = transport;
    this.clock = opts.clock ?? (() => performance.now());
    this.association = new Association({ ...opts, handler: this });
    this.attach(this.association);
    transport.onData((data) => {
      if (this.stopped) return;
      try {
        this.association.handlePacket(data, this.clock());
      } catch {
        // handlePacket drops bad input itself and listeners' exceptions never leave an emit
        // (@x/base's rule): this only guards a bug of the association, counted as a drop.
        this.association.stats.packetsDropped++;
      }
      this.wake();
    });
  }

  /** The association's state. */
  get state(): AssociationState {
    return this.association.state;
  }

  /** Association counters. */
  get stats(): AssociationStats {
    return this.association.stats;
  }

  /**
   * Starts the association. WebRTC endpoints both send INIT (as usrsctp and Pion do); the collision
   * is resolved by RFC 9260 §5.2.
   */
  connect(): void {
    this.association.connect(this.clock());
    this.wake();
  }

  /** Resolves when the association is established; rejects if it closes first. */
  established(): Promise<void> {
    if (this.state === 'established') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onState = (s: AssociationState) => {
        if (s === 'established') {
          this.off('statechange', onState);
          resolve();
        } else if (s === 'closed') {
          this.off('statechange', onState);
          reject(new Error('SCTP association closed before it was established'));
        }
      };
      this.on('statechange', onState);
    });
  }

  /** Aborts the association, stops the timer and closes the transport. */
  close(): void {
    if (this.stopped) return;
    this.association.abort('closed');
    this.flush();
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.transport.close();
  }

  /**
   * @internal Drains once per event-loop turn (setImmediate): every datagram the loop read in this
   * turn is handled first, so one SACK answers them all and sends made together share packets.
   */
  override wake(): void {
    if (this.flushQueued || this.stopped) return;
    this.flushQueued = true;
    setImmediate(this.flushSoon);
  }

  private readonly flushSoon = (): void => {
    this.flushQueued = false;
    this.flush();
  };

  private flush(): void {
    if (this.stopped) return;
    const now = this.clock();
    for (let p = this.association.pollTransmit(now); p !== undefined; p = this.association.pollTransmit(now)) {
      try {
        this.transport.send(p);
      } catch {
        this.sendErrors++;
      }
    }
    this.arm();
  }

  private arm(): void {
    const at = this.association.nextTimeout();
    if (at === undefined) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.timerAt = Infinity;
      return;
    }
    if (this.timer !== undefined && at >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      if (this.stopped) return;
      this.association.handleTimeout(this.clock());
      this.flush();
    }, Math.max(0, at - this.clock()));
  }
}

import type { Logger } from '@x/base';
import type { RtoOptions } from './rto.js';

/** Association states (RFC 9260 §4). */
export type AssociationState =
  | 'closed'
  | 'cookie-wait'
  | 'cookie-echoed'
  | 'established'
  | 'shutdown-pending'
  | 'shutdown-sent'
  | 'shutdown-received'
  | 'shutdown-ack-sent';

/** What the association tells its user. Every callback is optional except `onMessage`. */
export interface AssociationHandler {
  /** A complete user message. `data` is owned by the receiver. */
  onMessage(streamIdentifier: number, ppid: number, data: Uint8Array, unordered: boolean): void;
  /** The state changed. */
  onStateChange?(state: AssociationState): void;
  /** The association ended by ABORT (either side), failure or timeout; `reason` says which. */
  onClose?(reason: string): void;
  /** A stream's buffered amount fell to or below its threshold. */
  onBufferedAmountLow?(streamIdentifier: number): void;
  /** The peer reset these of its outgoing streams (our inbound; RFC 6525). */
  onIncomingStreamsReset?(streams: number[]): void;
  /** Our reset of these outgoing streams completed. */
  onOutgoingStreamsReset?(streams: number[]): void;
}

/** Options of an {@link Association}; all but `handler` have WebRTC defaults. */
export interface AssociationOptions {
  handler: AssociationHandler;
  /** Our SCTP port (a=sctp-port, RFC 8841); default 5000. */
  localPort?: number;
  /** The peer's SCTP port; default 5000. */
  remotePort?: number;
  /** Largest SCTP packet, bytes; default 1200 as WebRTC stacks use. */
  mtu?: number;
  /**
   * Receive buffer, advertised as a_rwnd; default 2 MiB. It must exceed the largest message; larger
   * windows overrun the kernel's UDP buffers at loopback speed (see README).
   */
  receiveBufferSize?: number;
  /** Outbound and inbound stream counts we offer; default 65535. */
  streams?: number;
  rto?: RtoOptions;
  /** Delayed SACK timer, ms (RFC 9260 §6.2: at most 500); default 200. */
  delayedAckTime?: number;
  /** HEARTBEAT interval, ms; default 30000. */
  heartbeatInterval?: number;
  /** Association.Max.Retrans; default 10. */
  maxRetransmissions?: number;
  /** Max.Init.Retransmits; default 8. */
  maxInitRetransmits?: number;
  /** Valid.Cookie.Life, ms; default 60000. */
  cookieLifetime?: number;
  /**
   * Max.Burst (RFC 9260 §6.1, §16): packets with new DATA that may go out in reply to one received
   * packet or timer beyond those its SACK acknowledged; default 4. Bounds bursts that would overrun
   * socket buffers.
   */
  maxBurst?: number;
  /**
   * HyStart++ (RFC 9406) in the first slow start: leave it when the round trip time rises (the
   * bottleneck's queue filling) rather than when the queue overflows. Default true.
   */
  hystart?: boolean;
  /**
   * Largest packet Path MTU Discovery may try (RFC 8899 §6.2.1: HEARTBEAT + PAD probes once
   * established). Default: `mtu`, which turns discovery off. Over DTLS at most 16384 + 12 (one
   * record's plaintext); over UDP what the path can carry.
   */
  maxMtu?: number;
  /**
   * Zero checksum (RFC 9653) with Error Detection Method 1, SCTP over DTLS: INIT and INIT ACK
   * announce Zero Checksum Acceptable, packets with a zero checksum are taken, and once both sides
   * announced it, established-state packets skip the CRC32c (DTLS authenticates every record).
   * Set it only when the packets travel inside DTLS. Default false.
   */
  zeroChecksum?: boolean;
  /** PROBE_TIMER of Path MTU Discovery, ms; default 15000 (RFC 8899 §5.1.1). */
  pmtuProbeTimeout?: number;
  /** Source of randomness (tags, initial TSN, cookie key); default crypto.getRandomValues. */
  random?: (bytes: Uint8Array) => void;
  /**
   * Where state changes, INIT/COOKIE ECHO retransmissions and why the association closed (an
   * ABORT's cause) are logged (prefixed `[sctp]`). Without one, `NODE_DEBUG=x-sctp` writes them.
   */
  logger?: Logger;
}

/** Counters for stats and tests. */
/** A copy of the association's congestion state (RFC 9260 §6.2.1, §7), for diagnostics. */
export interface AssociationCongestion {
  /** Congestion window, bytes. */
  cwnd: number;
  /** Slow-start threshold, bytes. */
  ssthresh: number;
  /** Bytes of DATA sent and not yet acknowledged. */
  flightSize: number;
  /** The peer's receive window as last advertised, less what is in flight. */
  peerRwnd: number;
  /** Our own advertised receive window (a_rwnd), bytes. */
  localRwnd: number;
  /** Smoothed RTT, ms; undefined before the first measurement. */
  srtt: number | undefined;
  /** Retransmission timeout, ms. */
  rto: number;
}

export interface AssociationStats {
  packetsReceived: number;
  packetsSent: number;
  /** Packets dropped: malformed, bad CRC, wrong verification tag, out of the blue. */
  packetsDropped: number;
  /** DATA chunks dropped for lack of buffer. */
  dataDropped: number;
  retransmissions: number;
  fastRetransmits: number;
  t3Expiries: number;
  forwardTsnSent: number;
}

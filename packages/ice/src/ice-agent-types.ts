import type { Logger } from '@x/base';
import type { LocalCandidate } from './candidate.js';
import type { CandidatePair } from './candidate-pair.js';
import type { TransportAddress } from './transport-address.js';

/** Gathering state, as RTCIceGatheringState. */
export type IceGatheringState = 'new' | 'gathering' | 'complete';

/** Connection state, as RTCIceTransportState. */
export type IceConnectionState = 'new' | 'checking' | 'connected' | 'completed' | 'disconnected' | 'failed' | 'closed';

/** A datagram the agent wants sent: from a local socket (or TURN allocation) to an address. */
export interface Transmit {
  readonly socketId: number;
  readonly destination: TransportAddress;
  readonly data: Uint8Array;
}

/** What the agent reports, in order, through `pollEvent()`. */
export type IceAgentEvent =
  | { readonly type: 'local-candidate'; readonly candidate: LocalCandidate }
  | { readonly type: 'gathering-state'; readonly state: IceGatheringState }
  | { readonly type: 'connection-state'; readonly state: IceConnectionState }
  | { readonly type: 'selected-pair'; readonly pair: CandidatePair }
  | { readonly type: 'role-change'; readonly controlling: boolean }
  /**
   * A STUN server did not give a server-reflexive address for `base`: its error response's code
   * and reason, or 701 when the Binding request timed out (W3C's code for an unreachable server).
   */
  | { readonly type: 'server-error'; readonly server: TransportAddress; readonly base: TransportAddress; readonly errorCode: number; readonly errorText: string };

/** Options of the sans-IO {@link IceAgent}. Times are in milliseconds. */
export interface IceAgentOptions {
  /** Initial role; JSEP makes the offerer controlling. Ignored (controlled) in lite mode. */
  readonly controlling: boolean;
  /** ICE-lite (RFC 8445 §2.5): answer checks only, never send any. For servers. */
  readonly lite?: boolean;
  /** Local ufrag; random when absent. */
  readonly usernameFragment?: string;
  /** Local password; random when absent. */
  readonly password?: string;
  /** Tie-breaker for role conflicts (64 bits); random when absent. */
  readonly tieBreaker?: bigint;
  /** Pacing Ta between new checks (RFC 8445 §14.2). Default 50. */
  readonly ta?: number;
  /** Initial retransmission timeout of a check. Default 500. */
  readonly checkRto?: number;
  /** Largest retransmission timeout. Default 1600. */
  readonly maxRto?: number;
  /** Transmissions of one check before its pair fails. Default 7. */
  readonly maxCheckTransmissions?: number;
  /**
   * Controlling: how long after the first valid pair to wait for a better pair before nominating
   * the best valid one anyway. Default 1000.
   */
  readonly nominationTimeout?: number;
  /** Consent checks (RFC 7675) every `[min, max]` ms, uniformly random. Default [4000, 6000]. */
  readonly consentInterval?: readonly [number, number];
  /** No consent answer for this long: `disconnected`. Default 8000. */
  readonly disconnectedTimeout?: number;
  /** No consent answer for this long: consent lost, `failed` (RFC 7675: 30 s). Default 30000. */
  readonly failedTimeout?: number;
  /** STUN servers (IP addresses) for server-reflexive candidates. */
  readonly stunServers?: readonly TransportAddress[];
  /** SOFTWARE attribute in checks; none when absent. */
  readonly software?: string;
  /** Random source in [0, 1) for consent jitter; Math.random when absent. */
  readonly random?: () => number;
  /**
   * Where gathering, checks, nomination and state changes with their reasons are logged (prefixed
   * `[ice]`). Without one, `NODE_DEBUG=x-ice` writes them to stderr.
   */
  readonly logger?: Logger;
}

/** Counters of what the agent did and dropped. */
export interface IceAgentStats {
  checksSent: number;
  retransmissions: number;
  requestsReceived: number;
  responsesReceived: number;
  consentChecksSent: number;
  /** Not STUN and not from a known remote candidate. */
  droppedUnknownSource: number;
  /** Failed to parse, or bad FINGERPRINT. */
  droppedMalformed: number;
  /** MESSAGE-INTEGRITY missing or wrong. */
  droppedBadIntegrity: number;
  /** USERNAME missing or not ours. */
  droppedUnknownUsername: number;
  /** A response that matches no transaction. */
  droppedUnknownTransaction: number;
  /** Role conflicts answered with 487 or resolved by switching. */
  roleConflicts: number;
}

/** Options with their defaults filled in. */
export type ResolvedAgentOptions = Required<Omit<IceAgentOptions, 'usernameFragment' | 'password' | 'tieBreaker' | 'software' | 'stunServers' | 'logger'>> & {
  software?: string;
  stunServers: readonly TransportAddress[];
};

/** Fills in the defaults documented on {@link IceAgentOptions}. */
export function resolveAgentOptions(options: IceAgentOptions): ResolvedAgentOptions {
  return {
    controlling: options.controlling,
    lite: options.lite ?? false,
    ta: options.ta ?? 50,
    checkRto: options.checkRto ?? 500,
    maxRto: options.maxRto ?? 1600,
    maxCheckTransmissions: options.maxCheckTransmissions ?? 7,
    nominationTimeout: options.nominationTimeout ?? 1000,
    consentInterval: options.consentInterval ?? [4000, 6000],
    disconnectedTimeout: options.disconnectedTimeout ?? 8000,
    failedTimeout: options.failedTimeout ?? 30000,
    stunServers: options.stunServers ?? [],
    random: options.random ?? Math.random,
    ...(options.software !== undefined ? { software: options.software } : {}),
  };
}

/** Zeroed counters. */
export function newAgentStats(): IceAgentStats {
  return {
    checksSent: 0,
    retransmissions: 0,
    requestsReceived: 0,
    responsesReceived: 0,
    consentChecksSent: 0,
    droppedUnknownSource: 0,
    droppedMalformed: 0,
    droppedBadIntegrity: 0,
    droppedUnknownUsername: 0,
    droppedUnknownTransaction: 0,
    roleConflicts: 0,
  };
}

// What a peer-level figure needs from a WebRTC stack: two connected peer connections in this
// process with one reliable ordered data channel between them, on loopback only.
import type { W3CPeer } from './w3c.js';

/** One end of the data channel. */
export interface PeerChannel {
  /** Sends one binary message. */
  send(data: Uint8Array): void;
  /** Bytes queued and not yet handed to the transport. */
  bufferedAmount(): number;
  /** Sets `bufferedAmountLowThreshold`. */
  setBufferedAmountLowThreshold(bytes: number): void;
  /** Called when bufferedAmount falls to the threshold (`bufferedamountlow`); one listener. */
  onBufferedAmountLow(cb: () => void): void;
  /** Called with the size in bytes of every message received; one listener. */
  onMessage(cb: (bytes: number) => void): void;
}

/** Two connected peer connections and the open channel between them. */
export interface PeerPair {
  /** The offerer's end (it created the channel). */
  offerer: PeerChannel;
  /** The answerer's end (from `datachannel`). */
  answerer: PeerChannel;
  /** Closes both peer connections. */
  close(): Promise<void>;
}

export interface ConnectOptions {
  /**
   * true: candidates are handed to the other side as they are gathered (trickle ICE);
   * false: each side waits for gathering to complete and sends an SDP holding its candidates.
   */
  trickle: boolean;
  /** Give up after this many ms (default 10 000). */
  timeoutMs?: number;
  /**
   * Rewrites a candidate on its way to the other side (e.g. to point it at an impairing relay);
   * `from` is the side that gathered it. Applied to trickled candidates and to those in the SDP.
   */
  mapCandidate?: (candidate: string, from: 'offerer' | 'answerer') => string;
  /**
   * The path stands for the Internet although it is loopback (a relay on 127.0.0.1): SCTP packets
   * stay at the 1200 bytes every stack uses there. Ours otherwise grows them up to 16 KB on a
   * loopback pair by Path MTU Discovery, which a real path's 1500-byte MTU would not allow.
   */
  internetPacketSize?: boolean;
}

/** A WebRTC stack the bench can drive. */
export interface Stack {
  /** Name in the table: "ours", "libwebrtc", "libdatachannel", "werift". */
  readonly name: string;
  /** Connects a new pair on loopback (127.0.0.1 candidates only) and resolves once both channel ends are open. */
  connect(options: ConnectOptions): Promise<PeerPair>;
  /** Frees what the stack holds for the whole process (servers, native threads). */
  dispose(): Promise<void>;
  /**
   * Makes one W3C peer connection at a time, for figures whose two peers live in different
   * processes (absent for a stack without the W3C API).
   */
  readonly w3c?: W3CPeerMaker;
}

/** One W3C peer connection of a stack and the bench's view of its channels. */
export interface W3CPeerMaker {
  make(): W3CPeer;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each stack's channel class
  wrap(channel: any): PeerChannel;
  close(pc: W3CPeer): Promise<void> | void;
}

/** Loads a stack; throws when it cannot run here. */
export type StackLoader = () => Promise<Stack>;

/** Keeps a candidate only if it is UDP on 127.0.0.1 (so every stack uses the same path). */
export function isLoopbackUdpCandidate(candidate: string): boolean {
  // candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type> …
  const fields = candidate.replace(/^a=/, '').trim().split(/\s+/);
  return fields.length >= 8 && fields[2]!.toLowerCase() === 'udp' && fields[4] === '127.0.0.1';
}

/** An SDP with every candidate line but loopback UDP ones removed, the others passed through `map`. */
export function loopbackOnlySdp(sdp: string, map: (candidate: string) => string = (c) => c): string {
  return sdp
    .split(/\r\n|\n/)
    .filter((line) => !line.startsWith('a=candidate:') || isLoopbackUdpCandidate(line))
    .map((line) => (line.startsWith('a=candidate:') ? `a=${map(line.slice(2))}` : line))
    .join('\r\n');
}

/** The candidate with its address and port replaced (fields 5 and 6 of RFC 8839's grammar). */
export function withCandidateAddress(candidate: string, address: string, port: number): string {
  const fields = candidate.trim().split(/\s+/);
  fields[4] = address;
  fields[5] = String(port);
  return fields.join(' ');
}

/** Rejects after `ms` with a message naming what timed out. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

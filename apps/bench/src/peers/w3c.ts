// Connects two W3C-shaped RTCPeerConnections (libwebrtc through @roamhq/wrtc, werift, ours) on
// loopback: only UDP candidates on 127.0.0.1 cross from one side to the other.
import { isLoopbackUdpCandidate, loopbackOnlySdp, withTimeout, type ConnectOptions, type PeerChannel, type PeerPair } from './stack.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- each stack has its own class names for the same W3C shapes */

/** The part of `RTCPeerConnection` the bench uses. */
export interface W3CPeer {
  createDataChannel(label: string, init?: { ordered?: boolean }): W3CChannel;
  createOffer(): Promise<any>;
  createAnswer(): Promise<any>;
  setLocalDescription(description: any): Promise<any>;
  setRemoteDescription(description: { type: 'offer' | 'answer'; sdp: string }): Promise<any>;
  addIceCandidate(candidate: { candidate: string; sdpMid?: string | null; sdpMLineIndex?: number | null }): Promise<any>;
  readonly localDescription: { type: string; sdp: string } | null;
  readonly iceGatheringState: string;
  onicecandidate: ((event: any) => void) | null | undefined;
  ondatachannel: ((event: any) => void) | null | undefined;
  close(): unknown;
}

/** The part of `RTCDataChannel` the bench uses. */
export interface W3CChannel {
  readonly readyState: string;
  onopen: ((event?: any) => void) | null | undefined;
}

interface Candidate {
  candidate: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
}

/** Hands one side's candidates to the other once that side has its remote description. */
class CandidateQueue {
  private readonly pending: Candidate[] = [];
  private ready = false;
  constructor(
    private readonly to: W3CPeer,
    private readonly map: (candidate: string) => string,
  ) {}

  push(candidate: Candidate): void {
    if (!isLoopbackUdpCandidate(candidate.candidate)) return;
    const c = { ...candidate, candidate: this.map(candidate.candidate) };
    if (this.ready) void this.to.addIceCandidate(c).catch(() => undefined);
    else this.pending.push(c);
  }

  open(): void {
    this.ready = true;
    for (const c of this.pending.splice(0)) void this.to.addIceCandidate(c).catch(() => undefined);
  }
}

function gatheringComplete(pc: W3CPeer, done: Promise<void>): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  // The null candidate ends gathering; polling covers a stack that signals it another way.
  return new Promise((resolve) => {
    const poll = setInterval(() => {
      if (pc.iceGatheringState === 'complete') finish();
    }, 5);
    const finish = () => {
      clearInterval(poll);
      resolve();
    };
    void done.then(finish);
  });
}

function opened<C extends W3CChannel>(channel: C): Promise<C> {
  if (channel.readyState === 'open') return Promise.resolve(channel);
  return new Promise((resolve) => {
    channel.onopen = () => resolve(channel);
  });
}

/**
 * Connects `make()`'s two peers: the first offers and creates the channel "bench" (reliable,
 * ordered), the second answers. `wrap` gives the bench's view of a channel of this stack.
 */
export async function connectW3C<C extends W3CChannel>(
  make: () => W3CPeer,
  wrap: (channel: C) => PeerChannel,
  options: ConnectOptions,
  closePeer: (pc: W3CPeer) => Promise<void> | void = (pc) => void pc.close(),
): Promise<PeerPair> {
  const a = make();
  const b = make();
  const close = async () => {
    await Promise.all([closePeer(a), closePeer(b)]);
  };
  try {
    return await withTimeout(handshake(a, b, wrap, options, close), options.timeoutMs ?? 10_000, 'connect');
  } catch (error) {
    await close();
    throw error;
  }
}

async function handshake<C extends W3CChannel>(
  a: W3CPeer,
  b: W3CPeer,
  wrap: (channel: C) => PeerChannel,
  options: ConnectOptions,
  close: () => Promise<void>,
): Promise<PeerPair> {
  const fromOfferer = (c: string) => options.mapCandidate?.(c, 'offerer') ?? c;
  const fromAnswerer = (c: string) => options.mapCandidate?.(c, 'answerer') ?? c;
  const toA = new CandidateQueue(a, fromAnswerer);
  const toB = new CandidateQueue(b, fromOfferer);
  let aGathered!: () => void;
  let bGathered!: () => void;
  const aDone = new Promise<void>((r) => (aGathered = r));
  const bDone = new Promise<void>((r) => (bGathered = r));
  a.onicecandidate = (e: { candidate?: Candidate | null }) => {
    if (!e.candidate || !e.candidate.candidate) return aGathered();
    if (options.trickle) toB.push(e.candidate);
  };
  b.onicecandidate = (e: { candidate?: Candidate | null }) => {
    if (!e.candidate || !e.candidate.candidate) return bGathered();
    if (options.trickle) toA.push(e.candidate);
  };
  const answererChannel = new Promise<C>((resolve) => {
    b.ondatachannel = (e: { channel: C }) => resolve(opened(e.channel));
  });
  const offererChannel = opened(a.createDataChannel('bench', { ordered: true }) as C);

  await a.setLocalDescription(await a.createOffer());
  if (!options.trickle) await gatheringComplete(a, aDone);
  await b.setRemoteDescription({ type: 'offer', sdp: loopbackOnlySdp(a.localDescription!.sdp, fromOfferer) });
  toB.open();
  await b.setLocalDescription(await b.createAnswer());
  if (!options.trickle) await gatheringComplete(b, bDone);
  await a.setRemoteDescription({ type: 'answer', sdp: loopbackOnlySdp(b.localDescription!.sdp, fromAnswerer) });
  toA.open();
  const [ca, cb] = await Promise.all([offererChannel, answererChannel]);
  return { offerer: wrap(ca), answerer: wrap(cb), close };
}

/** A channel with the W3C binary API (libwebrtc's and ours). */
export interface StandardChannel extends W3CChannel {
  binaryType: string;
  readonly bufferedAmount: number;
  bufferedAmountLowThreshold: number;
  onbufferedamountlow: ((event?: any) => void) | null;
  onmessage: ((e: { data: ArrayBuffer | ArrayBufferView | string }) => void) | null;
  send(data: Uint8Array): void;
}

/** The bench's view of a W3C `RTCDataChannel`. */
export function wrapW3CChannel(ch: StandardChannel): PeerChannel {
  ch.binaryType = 'arraybuffer';
  return {
    send: (data) => ch.send(data),
    bufferedAmount: () => ch.bufferedAmount,
    setBufferedAmountLowThreshold: (bytes) => (ch.bufferedAmountLowThreshold = bytes),
    onBufferedAmountLow: (cb) => (ch.onbufferedamountlow = () => cb()),
    onMessage: (cb) => (ch.onmessage = (e) => cb(typeof e.data === 'string' ? e.data.length : e.data.byteLength)),
  };
}

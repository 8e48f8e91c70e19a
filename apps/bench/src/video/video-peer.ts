// One end of the video figure's call, in its own process: a sender that owns a video track fed
// from the clip, or a receiver that counts the frames it gets. One implementation per stack.
import { loopbackOnlySdp } from '../peers/stack.js';
import type { ClipFiles, ClipSpec } from './clip.js';

/** What the sender and the receiver are set up with. */
export interface VideoSetup {
  spec: ClipSpec;
  files: ClipFiles;
}

/** The sending end. */
export interface VideoSender {
  /** The offer, once ICE gathering is complete (candidates in the SDP, UDP on 127.0.0.1 only). */
  offer(): Promise<string>;
  /** Applies the answer. */
  accept(answer: string): Promise<void>;
  /** The peer connection's connectionState. */
  connectionState(): string;
  /** Sends frame `index` of the looped clip, `timestampUs` after the first. */
  sendFrame(index: number, timestampUs: number): void;
}

/** The receiving end. */
export interface VideoReceiver {
  /** Applies the offer and returns the answer, once gathering is complete. */
  answer(offer: string): Promise<string>;
  connectionState(): string;
  /** Frames received so far, and the bytes they (or their RTP payloads) carried. */
  counts(): Promise<{ frames: number; bytes: number }>;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- each stack has its own classes for the same W3C shapes */

/** The W3C peer-connection calls the signaling below needs. */
export interface SignalingPeer {
  createOffer(): Promise<any>;
  createAnswer(): Promise<any>;
  setLocalDescription(description: any): Promise<any>;
  setRemoteDescription(description: { type: 'offer' | 'answer'; sdp: string }): Promise<any>;
  readonly localDescription: { sdp: string } | null;
  readonly iceGatheringState: string;
}

async function gathered(pc: SignalingPeer): Promise<string> {
  const deadline = performance.now() + 10_000;
  while (pc.iceGatheringState !== 'complete') {
    if (performance.now() > deadline) throw new Error('ICE gathering did not complete in 10 s');
    await new Promise((r) => setTimeout(r, 5));
  }
  return loopbackOnlySdp(pc.localDescription!.sdp);
}

/** Offer with the candidates in it (no trickle: the two ends are in different processes). */
export async function offerWhenGathered(pc: SignalingPeer): Promise<string> {
  await pc.setLocalDescription(await pc.createOffer());
  return gathered(pc);
}

/** Applies `offer` and answers with the candidates in the answer. */
export async function answerWhenGathered(pc: SignalingPeer, offer: string): Promise<string> {
  await pc.setRemoteDescription({ type: 'offer', sdp: offer });
  await pc.setLocalDescription(await pc.createAnswer());
  return gathered(pc);
}

import { readFileSync } from 'node:fs';
import { readIvf, readOggOpus } from '@x/rtp';
import { afterEach } from 'vitest';
import { PeerConnectionFactory, type RTCConfiguration, type RTCPeerConnection } from '../src/index.js';
import { logRecorder } from '@x/testing';

/** A factory whose connections gather no candidates at all: no sockets (pure tests). */
export const noNetwork = new PeerConnectionFactory({ ice: { networkInterfaces: () => ({}) } });

/** A maker of connections from `factory` that are closed after each test of the file (vitest `afterEach`). */
export function closedAfterEach(factory: PeerConnectionFactory = noNetwork): (configuration?: RTCConfiguration) => RTCPeerConnection {
  const open: RTCPeerConnection[] = [];
  afterEach(() => {
    for (const p of open.splice(0)) p.close();
  });
  return (configuration) => {
    const p = factory.createPeerConnection(configuration);
    open.push(p);
    return p;
  };
}

/** A factory whose connections gather on 127.0.0.1 only. */
export const loopback = new PeerConnectionFactory({
  ice: { includeLoopback: true, ipv6: false, ipFilter: (a: string) => a === '127.0.0.1' },
});

/** Resolves with the next event of `type`. */
export function next<E extends Event = Event>(target: EventTarget, type: string): Promise<E> {
  return new Promise((resolve) => target.addEventListener(type, (e) => resolve(e as E), { once: true }));
}

/** Records event types fired at a target, in order. */
export function record(target: EventTarget, types: string[]): string[] {
  const seen: string[] = [];
  for (const t of types) target.addEventListener(t, () => seen.push(t));
  return seen;
}

/** Lets queued tasks (setImmediate) run. */
export function tasks(n = 3): Promise<void> {
  return new Promise((resolve) => {
    const step = (k: number): void => {
      if (k === 0) resolve();
      else setImmediate(() => step(k - 1));
    };
    step(n);
  });
}

/** The DOMException name (or TypeError) a promise rejects with. */
export async function rejection(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return e instanceof DOMException ? e.name : (e as Error).constructor.name;
  }
  return 'resolved';
}

/** The name of what `fn` throws. */
export function thrown(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return e instanceof DOMException ? e.name : (e as Error).constructor.name;
  }
  return 'nothing';
}

/** Offer/answer through explicit createOffer()/createAnswer(), as the WPT tests do (no candidates exchanged). */
export async function exchange(offerer: RTCPeerConnection, answerer: RTCPeerConnection): Promise<void> {
  await offerer.setLocalDescription(await offerer.createOffer());
  await answerer.setRemoteDescription(offerer.localDescription!);
  await answerer.setLocalDescription(await answerer.createAnswer());
  await offerer.setRemoteDescription(answerer.localDescription!);
}

/** Full offer/answer between two connections (no candidates exchanged). */
export async function negotiate(a: RTCPeerConnection, b: RTCPeerConnection): Promise<void> {
  await a.setLocalDescription();
  await b.setRemoteDescription(a.localDescription!);
  await b.setLocalDescription();
  await a.setRemoteDescription(b.localDescription!);
}

/**
 * Offer/answer in which b is told a wrong fingerprint for a (the offerer): b's DTLS (the client)
 * must refuse a's certificate.
 */
export async function negotiateForgedFingerprint(a: RTCPeerConnection, b: RTCPeerConnection): Promise<void> {
  await a.setLocalDescription();
  const forged = a.localDescription!.sdp.replace(/(a=fingerprint:sha-256 )([0-9A-F]{2})/, (_m, p: string, h: string) => p + (h === '00' ? '11' : '00'));
  await b.setRemoteDescription({ type: 'offer', sdp: forged });
  await b.setLocalDescription();
  await a.setRemoteDescription(b.localDescription!);
}

/** Two loopback connections that trickle candidates to each other. */
export function loopbackPair(): { a: RTCPeerConnection; b: RTCPeerConnection } {
  const a = loopback.createPeerConnection();
  const b = loopback.createPeerConnection();
  a.onicecandidate = (e) => void b.addIceCandidate(e.candidate ?? undefined).catch(() => undefined);
  b.onicecandidate = (e) => void a.addIceCandidate(e.candidate ?? undefined).catch(() => undefined);
  return { a, b };
}

/** Resolves once iceGatheringState is `complete` (at once if it is). */
export async function gathered(pc: RTCPeerConnection): Promise<void> {
  while (pc.iceGatheringState !== 'complete') await next(pc, 'icegatheringstatechange');
}

/** Resolves when the connection is connected; rejects when it fails. */
export function connected(pc: RTCPeerConnection): Promise<void> {
  return new Promise((resolve, reject) => {
    if (pc.connectionState === 'connected') return resolve();
    pc.addEventListener('connectionstatechange', () => {
      if (pc.connectionState === 'connected') resolve();
      if (pc.connectionState === 'failed') reject(new Error('failed'));
    });
  });
}

/** Polls `probe` on a timer until it gives a value (the test's own timeout bounds the wait). */
export async function eventually<T>(probe: () => Promise<T | undefined> | T | undefined, everyMs = 50): Promise<T> {
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The VP8 frames of @x/rtp's test vector. */
export function vp8Frames(): Uint8Array[] {
  return readIvf(new Uint8Array(readFileSync(new URL('../../rtp/test/vectors/vp8.ivf', import.meta.url)))).frames.map((f) => f.data.slice());
}

/** The Opus packets of @x/rtp's test vector. */
export function opusPackets(): Uint8Array[] {
  return readOggOpus(new Uint8Array(readFileSync(new URL('../../rtp/test/vectors/opus.ogg', import.meta.url)))).packets.map((p) => p.slice());
}

/** A logger that keeps every line and lets a test wait for one. */
export const recorder = logRecorder;

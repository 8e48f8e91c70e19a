import { PeerConnectionFactory, type RTCPeerConnection } from '../src/index.js';

/** A factory whose connections gather no candidates at all: no sockets (pure tests). */
export const noNetwork = new PeerConnectionFactory({ ice: { networkInterfaces: () => ({}) } });

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

/** Full offer/answer between two connections (no candidates exchanged). */
export async function negotiate(a: RTCPeerConnection, b: RTCPeerConnection): Promise<void> {
  await a.setLocalDescription();
  await b.setRemoteDescription(a.localDescription!);
  await b.setLocalDescription();
  await a.setRemoteDescription(b.localDescription!);
}

import { afterEach } from 'vitest';
import { IceTransport, type IceTransportOptions } from '../src/index.js';

/**
 * Things a test opens, closed after each test in reverse order of `push` (so what a test
 * `unshift`s, a mux under its transports, closes last), and a maker of transports kept there.
 */
export function closedAfterEach(): { open: Array<{ close(): void }>; transport(opts: IceTransportOptions): IceTransport } {
  const open: Array<{ close(): void }> = [];
  afterEach(() => {
    for (const t of open.splice(0).reverse()) t.close();
  });
  return {
    open,
    transport(opts) {
      const t = new IceTransport(opts);
      open.push(t);
      return t;
    },
  };
}

/** Loopback only: the filter every real-socket test uses. */
export const LOOPBACK: Pick<IceTransportOptions, 'includeLoopback' | 'ipFilter'> = {
  includeLoopback: true,
  ipFilter: (a) => a === '127.0.0.1' || a === '::1',
};

/** Wires two transports' trickle signalling together and gathers both. */
export async function connectPair(a: IceTransport, b: IceTransport): Promise<void> {
  a.onLocalCandidate((c) => (c ? void b.addRemoteCandidate(c) : b.endOfRemoteCandidates()));
  b.onLocalCandidate((c) => (c ? void a.addRemoteCandidate(c) : a.endOfRemoteCandidates()));
  a.setRemoteParameters(b.localParameters);
  b.setRemoteParameters(a.localParameters);
  await Promise.all([a.gather(), b.gather()]);
  await Promise.all([a.waitFor('connected', 'completed', 'failed'), b.waitFor('connected', 'completed', 'failed')]);
}

/**
 * Sends `text` until the peer gets it (UDP may drop even on loopback) and resolves with what
 * arrived. Late copies of earlier resends are skipped: only `text` itself, or the echo a peer
 * answers with, counts.
 */
export async function exchangeData(from: IceTransport, to: IceTransport, text: string): Promise<string> {
  const got = new Promise<string>((resolve) =>
    to.onData((d) => {
      const s = new TextDecoder().decode(d);
      if (s === text || s === `echo:${text}`) resolve(s);
    }),
  );
  let done = false;
  void got.then(() => (done = true));
  for (let i = 0; i < 50 && !done; i++) {
    from.send(new TextEncoder().encode(text));
    await Promise.race([got, new Promise((r) => setTimeout(r, 20))]);
  }
  return got;
}

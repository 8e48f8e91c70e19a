/**
 * A listener that throws follows `@x/base`'s rule: the ICE step that emitted finishes, the
 * listeners after it run, and the exception reaches `onListenerError` when set, else `process`'s
 * `uncaughtException` on the next tick. Two IceTransports on loopback sockets.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { IceTransport } from '../src/index.js';
import { connectPair, exchangeData, LOOPBACK } from './helpers.js';
import { withUncaught } from '@x/testing';

const open: IceTransport[] = [];
afterEach(() => {
  for (const t of open.splice(0)) t.close();
});
function transport(controlling: boolean): IceTransport {
  const t = new IceTransport({ controlling, ...LOOPBACK, ipv6: false });
  open.push(t);
  return t;
}


describe('an ICE listener that throws', () => {
  it("on 'statechange': the state machine finishes its step, later listeners and waitFor see it, data flows", async () => {
    await withUncaught(async (uncaught) => {
      const a = transport(true);
      const b = transport(false);
      const boom = new Error('statechange listener bug');
      let thrown = 0;
      const off = a.onStateChange(() => {
        thrown++;
        throw boom;
      });
      const states: string[] = [];
      a.onStateChange((s) => states.push(s));
      await connectPair(a, b); // its waitFor listeners come after the throwing one
      expect(['connected', 'completed']).toContain(a.state);
      expect(states).toContain('connected');
      expect(await exchangeData(a, b, 'after')).toBe('after');
      off(); // later state changes (closing) happen outside this capture
      await new Promise((r) => setImmediate(r));
      expect(thrown).toBeGreaterThan(0);
      expect(uncaught.length).toBe(thrown);
      expect(uncaught.every((e) => e === boom)).toBe(true);
    });
  });

  it('on a local candidate: gathering still completes and end-of-candidates reaches the next listener', async () => {
    await withUncaught(async (uncaught) => {
      const a = transport(true);
      const b = transport(false);
      const off = a.onLocalCandidate(() => {
        throw new Error('candidate listener bug');
      });
      const seen: Array<string | null> = [];
      a.onLocalCandidate((c) => seen.push(c === null ? null : c.address));
      await connectPair(a, b);
      expect(seen).toEqual(['127.0.0.1', null]);
      expect(a.gatheringState).toBe('complete');
      off();
      await new Promise((r) => setImmediate(r));
      expect(uncaught.map((e) => (e as Error).message)).toEqual(['candidate listener bug', 'candidate listener bug']);
    });
  });

  it("the onData callback: the next datagram still arrives; the exception goes to onListenerError as 'data'", async () => {
    await withUncaught(async (uncaught) => {
      const a = transport(true);
      const b = transport(false);
      await connectPair(a, b);
      const reported: Array<[string, string]> = [];
      b.onListenerError = (e, event) => void reported.push([(e as Error).message, event]);
      const got: string[] = [];
      b.onData((d) => {
        got.push(new TextDecoder().decode(d));
        throw new Error('dtls bug');
      });
      // UDP may drop even on loopback: send until two datagrams got through.
      for (let i = 0; i < 100 && got.length < 2; i++) {
        a.send(new TextEncoder().encode(`d${i}`));
        await new Promise((r) => setTimeout(r, 10));
      }
      expect(got.length).toBeGreaterThanOrEqual(2);
      expect(reported.length).toBe(got.length);
      expect(reported.every(([m, event]) => m === 'dtls bug' && event === 'data')).toBe(true);
      expect(b.stats.dataReceived).toBe(got.length);
      b.onData(() => undefined); // replaces the throwing callback
      expect(uncaught).toEqual([]);
    });
  });
});

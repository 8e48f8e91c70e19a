/**
 * A listener that throws follows `@x/base`'s rule: the SCTP step that emitted finishes, the
 * listeners after it run, and the exception reaches the emitter's `onListenerError` when set, else
 * `process`'s `uncaughtException` on the next tick.
 */
import { describe, expect, it } from 'vitest';
import { DataChannelManager, type DataChannel } from '../src/index.js';
import { SimNetwork } from './helpers/sim.js';
import { withUncaught } from '@x/testing';

const tick = () => new Promise<void>((r) => setImmediate(r));

function pair() {
  const client = new DataChannelManager({ role: 'client', maxMessageSize: 65536 });
  const server = new DataChannelManager({ role: 'server', maxMessageSize: 65536 });
  const net = new SimNetwork([client, server], {});
  client.attach(net.ends[0]);
  server.attach(net.ends[1]);
  return { net, client, server };
}

function connect(p: ReturnType<typeof pair>): void {
  p.net.ends[0].connect(0);
  p.net.ends[1].connect(0);
  expect(p.net.runUntil(() => p.net.ends[0].state === 'established' && p.net.ends[1].state === 'established')).toBe(true);
}

/** A negotiated channel on both sides, open. */
async function channels(p: ReturnType<typeof pair>): Promise<[DataChannel, DataChannel]> {
  const a = p.client.createDataChannel('x', { negotiated: true, id: 2 });
  const b = p.server.createDataChannel('x', { negotiated: true, id: 2 });
  await tick();
  expect([a.readyState, b.readyState]).toEqual(['open', 'open']);
  return [a, b];
}


describe('an SCTP listener that throws', () => {
  it("on 'message': later messages still arrive, the next listener runs, the exception reaches uncaughtException", async () => {
    await withUncaught(async (uncaught) => {
      const p = pair();
      connect(p);
      const [a, b] = await channels(p);
      const boom = new Error('message listener bug');
      const got: Array<string | Uint8Array> = [];
      b.on('message', (m) => {
        if (m === 'first') throw boom;
      });
      b.on('message', (m) => got.push(m));
      a.send('first');
      a.send('second');
      expect(p.net.runUntil(() => got.length === 2)).toBe(true);
      expect(got).toEqual(['first', 'second']);
      // The association acknowledged and goes on: the reverse direction works too.
      const back: Array<string | Uint8Array> = [];
      a.on('message', (m) => back.push(m));
      b.send('reply');
      expect(p.net.runUntil(() => back.length === 1)).toBe(true);
      expect(p.net.ends[1].state).toBe('established');
      expect(uncaught).toEqual([]); // not thrown inside the step
      await tick();
      expect(uncaught).toEqual([boom]);
    });
  });

  it("goes to the channel's onListenerError when its owner set one, with the event's name", async () => {
    await withUncaught(async (uncaught) => {
      const p = pair();
      connect(p);
      const [a, b] = await channels(p);
      const reported: Array<[string, string]> = [];
      b.onListenerError = (e, event) => void reported.push([(e as Error).message, event]);
      const got: Array<string | Uint8Array> = [];
      b.on('message', (m) => {
        got.push(m);
        throw new Error(`bad ${String(m)}`);
      });
      a.send('1');
      a.send('2');
      expect(p.net.runUntil(() => got.length === 2)).toBe(true);
      await tick();
      expect(reported).toEqual([
        ['bad 1', 'message'],
        ['bad 2', 'message'],
      ]);
      expect(uncaught).toEqual([]);
    });
  });

  it("on the manager's 'statechange': the association still establishes and channels open", async () => {
    await withUncaught(async (uncaught) => {
      const p = pair();
      const boom = new Error('statechange listener bug');
      const states: string[] = [];
      p.server.on('statechange', () => {
        throw boom;
      });
      p.server.on('statechange', (s) => states.push(s));
      connect(p);
      expect(states).toContain('established');
      const [a, b] = await channels(p);
      const got: Array<string | Uint8Array> = [];
      b.on('message', (m) => got.push(m));
      a.send('after');
      expect(p.net.runUntil(() => got.length === 1)).toBe(true);
      expect(uncaught.length).toBeGreaterThan(0);
      expect(uncaught.every((e) => e === boom)).toBe(true);
    });
  });
});

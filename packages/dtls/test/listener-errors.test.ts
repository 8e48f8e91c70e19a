/**
 * A listener that throws follows `@x/base`'s rule: the record or handshake step that emitted
 * finishes, the listeners after it run, and the exception reaches `onListenerError` when set, else
 * `process`'s `uncaughtException` on the next tick. It is never swallowed.
 */
import { describe, expect, it } from 'vitest';
import { withUncaught } from '@x/testing';
import { cleanupsAfterEach } from './helpers/cleanups.js';
import { carry, handshake, memoryEndpoints, nextTurn } from './helpers/endpoints.js';

const cleanups = cleanupsAfterEach();
const endpoints = () => memoryEndpoints(cleanups);

const text = (d: Uint8Array): string => new TextDecoder().decode(d);
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Resolves once `got` holds `n` entries (polled per turn of the loop, no timing). */
async function until(got: unknown[], n: number): Promise<void> {
  while (got.length < n) await nextTurn();
}

describe('a DTLS listener that throws', () => {
  it("on 'data': later records still arrive, the next listener runs, the exception reaches uncaughtException", async () => {
    await withUncaught(async (uncaught) => {
      const { client, server } = endpoints();
      await handshake(client, server);
      const got: string[] = [];
      const boom = new Error('data listener bug');
      server.on('data', (d) => {
        if (text(d) === 'first') throw boom;
      });
      server.on('data', (d) => got.push(text(d)));
      client.send(bytes('first'));
      client.send(bytes('second'));
      await until(got, 2);
      expect(got).toEqual(['first', 'second']);
      expect(server.state).toBe('connected');
      // The connection still works both ways after the throw.
      expect(await carry(server, client, 'reply')).toBe('reply');
      await nextTurn();
      expect(uncaught).toEqual([boom]);
    });
  });

  it("goes to connection.events.onListenerError when the owner set one, with the event's name", async () => {
    await withUncaught(async (uncaught) => {
      const { client, server } = endpoints();
      const reported: Array<[unknown, string]> = [];
      server.connection.events.onListenerError = (e, event) => void reported.push([e, event]);
      await handshake(client, server);
      const got: string[] = [];
      server.on('data', (d) => {
        got.push(text(d));
        throw new Error(`bad ${text(d)}`);
      });
      client.send(bytes('a'));
      client.send(bytes('b'));
      await until(got, 2);
      expect(reported.map(([e, event]) => [(e as Error).message, event])).toEqual([
        ['bad a', 'data'],
        ['bad b', 'data'],
      ]);
      expect(uncaught).toEqual([]);
    });
  });

  it("on 'connected': the handshake still completes on both sides and data flows", async () => {
    await withUncaught(async (uncaught) => {
      const { client, server } = endpoints();
      const boom = new Error('connected listener bug');
      client.on('connected', () => {
        throw boom;
      });
      await handshake(client, server);
      expect(client.state).toBe('connected');
      expect(await carry(client, server, 'after')).toBe('after');
      await nextTurn();
      expect(uncaught).toEqual([boom]);
    });
  });

  it("asTransport's onData callback: the next record is still delivered and the exception is reported", async () => {
    await withUncaught(async (uncaught) => {
      const { client, server } = endpoints();
      await handshake(client, server);
      const got: string[] = [];
      server.asTransport().onData((d) => {
        got.push(text(d));
        if (got.length === 1) throw new Error('sctp bug');
      });
      client.send(bytes('one'));
      client.send(bytes('two'));
      await until(got, 2);
      expect(got).toEqual(['one', 'two']);
      await nextTurn();
      expect(uncaught.map((e) => (e as Error).message)).toEqual(['sctp bug']);
    });
  });

  it('a listener removing itself during an emit does not make the next one miss the event', async () => {
    const { client, server } = endpoints();
    await handshake(client, server);
    const seen: string[] = [];
    const off = server.on('data', () => {
      seen.push('a');
      off();
    });
    server.on('data', () => seen.push('b'));
    client.send(bytes('1'));
    client.send(bytes('2'));
    await until(seen, 3);
    expect(seen).toEqual(['a', 'b', 'b']);
  });
});

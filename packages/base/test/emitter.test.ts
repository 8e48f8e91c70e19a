import { describe, expect, it } from 'vitest';
import { withUncaught } from '@x/testing';
import { Emitter } from '../src/index.js';

type Events = { message: [data: string, binary: boolean]; close: [] };

describe('Emitter', () => {
  it('calls listeners in order with the typed arguments', () => {
    const e = new Emitter<Events>();
    const calls: string[] = [];
    e.on('message', (d, b) => calls.push(`1:${d}:${b}`)).on('message', (d) => calls.push(`2:${d}`));
    expect(e.emit('message', 'hi', false)).toBe(true);
    expect(e.emit('close')).toBe(false);
    expect(calls).toEqual(['1:hi:false', '2:hi']);
  });

  it('once runs a listener one time, and off removes a once listener before it runs', () => {
    const e = new Emitter<Events>();
    let a = 0;
    let b = 0;
    const onB = () => b++;
    e.once('close', () => a++).once('close', onB).off('close', onB);
    e.emit('close');
    e.emit('close');
    expect([a, b]).toEqual([1, 0]);
    expect(e.listenerCount('close')).toBe(0);
  });

  it('a listener added or removed during an emit takes effect from the next emit', () => {
    const e = new Emitter<Events>();
    const calls: string[] = [];
    const second = () => calls.push('second');
    e.on('close', () => {
      calls.push('first');
      e.off('close', second);
      e.on('close', () => calls.push('added'));
    });
    e.on('close', second);
    e.emit('close');
    expect(calls).toEqual(['first', 'second']);
    calls.length = 0;
    e.emit('close');
    expect(calls).toEqual(['first', 'added']);
  });

  it("a throwing listener does not stop the emit; its exception reaches process's uncaughtException on the next tick", async () => {
    const e = new Emitter<Events>();
    const boom = new Error('listener bug');
    let after = false;
    let returned = false;
    const seen = await withUncaught(() => {
      e.on('close', () => {
        throw boom;
      });
      e.on('close', () => (after = true));
      e.emit('close');
      returned = true;
    });
    expect(after).toBe(true);
    expect(returned).toBe(true);
    expect(seen).toEqual([boom]);
  });

  it('onListenerError receives the exception and the event instead, synchronously after the emit', () => {
    const e = new Emitter<Events>();
    const reported: Array<[unknown, string]> = [];
    let order = '';
    e.onListenerError = (err, event) => {
      order += 'r';
      reported.push([err, String(event)]);
    };
    e.on('message', () => {
      order += 'l';
      throw new TypeError('x');
    });
    e.on('message', () => (order += 'l'));
    e.emit('message', 'a', true);
    expect(order).toBe('llr');
    expect(reported).toHaveLength(1);
    expect(reported[0]![0]).toBeInstanceOf(TypeError);
    expect(reported[0]![1]).toBe('message');
  });

  it('a sink that throws hands its own exception to the next tick, never to the emitter', async () => {
    const e = new Emitter<Events>();
    const sinkError = new Error('sink bug');
    e.onListenerError = () => {
      throw sinkError;
    };
    e.on('close', () => {
      throw new Error('listener bug');
    });
    const seen = await withUncaught(() => expect(() => e.emit('close')).not.toThrow());
    expect(seen).toEqual([sinkError]);
  });
});

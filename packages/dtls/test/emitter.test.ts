import { describe, expect, it } from 'vitest';
import { Emitter } from '../src/index.js';

describe('Emitter', () => {
  it('a listener removing itself during emit does not make the next one miss the event', () => {
    const e = new Emitter<{ x: number }>();
    const seen: string[] = [];
    const off = e.on('x', () => {
      seen.push('a');
      off();
    });
    e.on('x', () => seen.push('b'));
    e.emit('x', 1);
    e.emit('x', 2);
    expect(seen).toEqual(['a', 'b', 'b']);
  });

  it('isolates a throwing listener', () => {
    const e = new Emitter<{ x: number }>();
    const errors: unknown[] = [];
    e.onListenerError = (err) => errors.push(err);
    let called = 0;
    e.on('x', () => {
      throw new Error('boom');
    });
    e.on('x', () => called++);
    e.emit('x', 1);
    expect(called).toBe(1);
    expect(errors.length).toBe(1);
  });
});

import { describe, expect, it } from 'vitest';
import { estimateRolloverCounter, packetIndex, ReplayWindow, SrtpError } from '../src/index.js';

describe('ROC estimation (RFC 3711 Appendix A)', () => {
  it('guesses ROC − 1, ROC or ROC + 1 around the wrap', () => {
    expect(estimateRolloverCounter(5, 100, 101)).toBe(5);
    expect(estimateRolloverCounter(5, 100, 65000)).toBe(4); // late packet from before the wrap
    expect(estimateRolloverCounter(5, 65000, 10)).toBe(6); // wrapped
    expect(estimateRolloverCounter(5, 65000, 40000)).toBe(5);
    expect(estimateRolloverCounter(5, 32767, 32767 + 32768)).toBe(5);
    expect(estimateRolloverCounter(5, 32767, 32767 + 32769)).toBe(4);
    expect(estimateRolloverCounter(5, 32768, 0)).toBe(5);
    expect(estimateRolloverCounter(5, 32769, 0)).toBe(6);
  });
  it('never goes below ROC 0 (as libsrtp)', () => {
    expect(estimateRolloverCounter(0, 100, 65000)).toBe(0);
  });
  it('index = 2^16 · ROC + SEQ up to 48 bits', () => {
    expect(packetIndex(0xffffffff, 0xffff)).toBe(2 ** 48 - 1);
  });
});

describe('ReplayWindow', () => {
  it('accepts new, refuses repeats and what fell behind', () => {
    const w = new ReplayWindow(64);
    expect(w.check(10)).toBeUndefined();
    w.accept(10);
    expect(w.check(10)).toBe('replayed');
    expect(w.check(9)).toBeUndefined();
    w.accept(100);
    expect(w.check(36)).toBe('too-old');
    expect(w.check(37)).toBeUndefined();
    w.accept(37);
    expect(w.check(37)).toBe('replayed');
    w.accept(101); // slides by one: 37 falls out
    expect(w.check(37)).toBe('too-old');
    expect(w.check(99)).toBeUndefined();
    w.accept(1000); // a big jump clears everything
    expect(w.check(999)).toBeUndefined();
    expect(w.check(1000)).toBe('replayed');
    expect(w.check(-1)).toBe('too-old');
  });
  it('bits reused by the ring do not leak old receipts', () => {
    const w = new ReplayWindow(64);
    for (let i = 0; i < 64; i++) w.accept(i);
    w.accept(64 + 63); // slides by 64: all bits of 64..126 must read as unseen
    for (let i = 64; i < 127; i++) expect(w.check(i), `index ${i}`).toBeUndefined();
  });
  it('sizes: at least 64, rounded to 32', () => {
    expect(new ReplayWindow(100).size).toBe(128);
    expect(() => new ReplayWindow(63)).toThrow(SrtpError);
    expect(() => new ReplayWindow(1e6)).toThrow(SrtpError);
  });
});

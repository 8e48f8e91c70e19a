/**
 * RTCStatsReport (W3C WebRTC §8.3): a read-only maplike from stats id to stats object, what every
 * getStats resolves with. WPT checks the interface shape in its IDL tests; here the same surface
 * is asserted against our class: the maplike members, no way to change a report, ids as keys.
 */
import { describe, expect, it } from 'vitest';
import { MediaStreamTrack, RTCStatsReport, type RTCStats } from '../../src/index.js';
import { closedAfterEach } from '../helpers.js';

const pc = closedAfterEach();

describe('RTCStatsReport', () => {
  it('is what getStats(), getStats(null), sender.getStats() and receiver.getStats() resolve with', async () => {
    const p = pc();
    const t = p.addTransceiver(new MediaStreamTrack('audio'));
    for (const report of [await p.getStats(), await p.getStats(null), await t.sender.getStats(), await t.receiver.getStats()]) {
      expect(report).toBeInstanceOf(RTCStatsReport);
      expect(report).not.toBeInstanceOf(Map);
      expect(Object.prototype.toString.call(report)).toBe('[object RTCStatsReport]');
    }
  });

  it('has the read-only maplike members and none that change it', async () => {
    const report = await pc().getStats();
    for (const m of ['get', 'has', 'keys', 'values', 'entries', 'forEach']) expect(typeof (report as unknown as Record<string, unknown>)[m], m).toBe('function');
    expect(typeof report[Symbol.iterator]).toBe('function');
    expect(typeof report.size).toBe('number');
    // WebIDL readonly maplike: no set, delete or clear.
    for (const m of ['set', 'delete', 'clear']) expect(m in report, m).toBe(false);
    // size is an accessor on the prototype, not a writable own property.
    expect(Object.getOwnPropertyDescriptor(RTCStatsReport.prototype, 'size')?.get).toBeTypeOf('function');
    expect(Object.getOwnPropertyDescriptor(RTCStatsReport.prototype, 'size')?.set).toBeUndefined();
  });

  it('keys each stats object by its id, and every way of reading it agrees', async () => {
    const report = await pc().getStats();
    expect(report.size).toBeGreaterThan(0);
    const entries = [...report.entries()];
    expect(entries).toHaveLength(report.size);
    for (const [id, stats] of entries) {
      expect(stats.id).toBe(id);
      expect(report.has(id)).toBe(true);
      expect(report.get(id)).toBe(stats);
      expect(typeof stats.type).toBe('string');
      expect(typeof stats.timestamp).toBe('number');
    }
    expect([...report]).toEqual(entries);
    expect([...report.keys()]).toEqual(entries.map(([k]) => k));
    expect([...report.values()]).toEqual(entries.map(([, v]) => v));
    expect(report.has('no such id')).toBe(false);
    expect(report.get('no such id')).toBeUndefined();
  });

  it('forEach calls back with (value, key, report) and the thisArg, in order', async () => {
    const report = await pc().getStats();
    const seen: Array<[RTCStats, string]> = [];
    const self = { marker: true };
    report.forEach(function (this: unknown, value, key, r) {
      expect(this).toBe(self);
      expect(r).toBe(report);
      seen.push([value, key]);
    }, self);
    expect(seen.map(([v, k]) => [k, v])).toEqual([...report.entries()]);
    expect(() => report.forEach(undefined as unknown as () => void)).toThrow(TypeError);
  });

  it('is a snapshot: a later getStats gives a new report, the old one stays as it was', async () => {
    const p = pc();
    const before = await p.getStats();
    const size = before.size;
    p.createDataChannel('later');
    const after = await p.getStats();
    expect(after).not.toBe(before);
    expect(before.size).toBe(size);
  });
});

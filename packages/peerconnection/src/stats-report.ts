/**
 * `RTCStatsReport` (W3C WebRTC §8.3): what every getStats resolves with, a read-only maplike from
 * stats object id to stats object. A class of its own rather than a `Map`, so a report cannot be
 * changed by whoever holds it (no set, delete or clear) and `instanceof RTCStatsReport` holds.
 */
import type { RTCStats } from './stats.js';

/**
 * A read-only map from stats object id to stats object (WebIDL `readonly maplike<DOMString, object>`):
 * `size`, `get`, `has`, `keys`, `values`, `entries`, `forEach` and iteration, in insertion order.
 *
 * ```ts
 * const report = await pc.getStats();
 * for (const stats of report.values()) if (stats.type === 'candidate-pair') console.log(stats['currentRoundTripTime']);
 * ```
 */
export class RTCStatsReport implements ReadonlyMap<string, RTCStats> {
  readonly #map: Map<string, RTCStats>;

  /** @internal Reports come from getStats; applications do not make them. */
  constructor(stats: Iterable<RTCStats> = []) {
    this.#map = new Map();
    for (const s of stats) this.#map.set(s.id, s);
  }

  /** How many stats objects the report holds. */
  get size(): number {
    return this.#map.size;
  }

  /** The stats object with this id, or undefined. */
  get(id: string): RTCStats | undefined {
    return this.#map.get(id);
  }

  /** Whether the report holds a stats object with this id. */
  has(id: string): boolean {
    return this.#map.has(id);
  }

  /** The ids. */
  keys(): MapIterator<string> {
    return this.#map.keys();
  }

  /** The stats objects. */
  values(): MapIterator<RTCStats> {
    return this.#map.values();
  }

  /** `[id, stats]` pairs. */
  entries(): MapIterator<[string, RTCStats]> {
    return this.#map.entries();
  }

  /** Calls `callback(stats, id, report)` for each entry, with `thisArg` as `this`. */
  forEach(callback: (value: RTCStats, key: string, report: RTCStatsReport) => void, thisArg?: unknown): void {
    if (typeof callback !== 'function') throw new TypeError('forEach needs a function');
    for (const [k, v] of this.#map) callback.call(thisArg, v, k, this);
  }

  /** Same as {@link entries}. */
  [Symbol.iterator](): MapIterator<[string, RTCStats]> {
    return this.#map.entries();
  }

  get [Symbol.toStringTag](): string {
    return 'RTCStatsReport';
  }
}

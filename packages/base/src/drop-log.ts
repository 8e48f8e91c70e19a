/**
 * Rate-limited reports of dropped packets for a layer's logger: the first drop of a kind is said
 * with its details, then the kind is only counted, and the count said again at 10, 100, 1000…
 * (a log that grows with the logarithm of the drops, and needs no clock, so sans-IO cores can use it).
 */
import { silentLogger, type Logger } from './logger.js';

/**
 * The first drop of each kind said, later ones counted. Callers check {@link DropLog.on} before
 * formatting anything, so a silent log costs one branch on the packet path.
 */
export class DropLog {
  /** Logging is on: only then should a caller format a message. */
  readonly on: boolean;
  private readonly counts = new Map<string, { n: number; next: number }>();

  constructor(readonly logger: Logger) {
    this.on = logger !== silentLogger;
  }

  /**
   * One drop of `kind`. The first is said as `first` (a function, so only the first is formatted)
   * at `level`; later ones are counted, and the count is said at each power of ten.
   */
  drop(kind: string, first: () => string, level: 'debug' | 'warn' = 'debug'): void {
    if (!this.on) return;
    const c = this.counts.get(kind);
    if (c === undefined) {
      this.counts.set(kind, { n: 1, next: 10 });
      this.logger[level](`${first()}; further ones are counted`);
      return;
    }
    c.n++;
    if (c.n < c.next) return;
    c.next *= 10;
    this.logger[level](`${kind}: ${c.n} so far`);
  }

  /** How many drops of `kind` were reported (0 while logging is off). */
  count(kind: string): number {
    return this.counts.get(kind)?.n ?? 0;
  }

  /** Every kind seen with its count, `kind n, kind n`; empty when none. */
  summary(): string {
    return [...this.counts].map(([k, c]) => `${k} ${c.n}`).join(', ');
  }
}
